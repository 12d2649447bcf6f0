// SPDX-License-Identifier: Apache-2.0
// The primitives MLS cipher suites are built from, each behind an interface so that a suite is
// a composition of them (RFC 9420 §5.1): a KDF (HKDF over an HMAC), an AEAD, and an HPKE KEM
// (RFC 9180 §7). Suites 1 and 3 use HKDF-SHA256 and DHKEM(X25519, HKDF-SHA256) from libsodium;
// suite 1 takes AES-128-GCM from OpenSSL, suite 3 ChaCha20-Poly1305 from libsodium.
#pragma once
#include "common/mls/bytes.hpp"
#include "common/mls/error.hpp"

#include <cstdint>
#include <string_view>

namespace wardline::mls {

/// HKDF (RFC 5869) over a hash. The ids are the HPKE registry's (RFC 9180 §7.2).
class Kdf {
public:
    virtual ~Kdf() = default;
    virtual std::uint16_t id() const noexcept = 0;
    /// Nh: the output length of the hash and of HMAC.
    virtual std::size_t hash_length() const noexcept = 0;
    virtual Bytes hash(ByteView data) const = 0;
    virtual Bytes hmac(ByteView key, ByteView data) const = 0;
    /// HKDF-Extract: HMAC(salt, ikm).
    Bytes extract(ByteView salt, ByteView ikm) const { return hmac(salt, ikm); }
    /// HKDF-Expand; value_too_large for more than 255 * Nh bytes.
    Result<Bytes> expand(ByteView prk, ByteView info, std::size_t length) const;
};

/// An AEAD with a fixed key and nonce size (RFC 9180 §7.3 ids).
class Aead {
public:
    virtual ~Aead() = default;
    virtual std::uint16_t id() const noexcept = 0;
    virtual std::size_t key_length() const noexcept = 0;    ///< Nk
    virtual std::size_t nonce_length() const noexcept = 0;  ///< Nn
    virtual std::size_t tag_length() const noexcept = 0;    ///< Nt
    /// ciphertext || tag. invalid_key if the key or nonce has the wrong size.
    virtual Result<Bytes> seal(ByteView key, ByteView nonce, ByteView aad,
                               ByteView plaintext) const = 0;
    /// The plaintext, or decryption_failed if the tag does not verify (wrong key, nonce,
    /// associated data, or altered ciphertext); invalid_key for a wrong key or nonce size.
    virtual Result<Bytes> open(ByteView key, ByteView nonce, ByteView aad,
                               ByteView ciphertext) const = 0;
};

struct KeyPair {
    Bytes private_key;
    Bytes public_key;
};

struct Encapsulation {
    Bytes shared_secret;
    Bytes enc;  ///< the KEM output sent to the receiver
};

/// A key encapsulation mechanism (RFC 9180 §4).
class Kem {
public:
    virtual ~Kem() = default;
    virtual std::uint16_t id() const noexcept = 0;
    virtual std::size_t secret_length() const noexcept = 0;       ///< Nsecret
    virtual std::size_t enc_length() const noexcept = 0;          ///< Nenc
    virtual std::size_t public_key_length() const noexcept = 0;   ///< Npk
    virtual std::size_t private_key_length() const noexcept = 0;  ///< Nsk
    /// DeriveKeyPair(ikm) (RFC 9180 §7.1.3): deterministic, used for MLS node keys.
    virtual Result<KeyPair> derive_key_pair(ByteView ikm) const = 0;
    virtual KeyPair generate_key_pair() const = 0;
    /// The public key of a private key; invalid_key for a key of the wrong size.
    virtual Result<Bytes> public_key_of(ByteView private_key) const = 0;
    /// Encap(pkR) with a fresh ephemeral key. invalid_key for a malformed or low-order pkR.
    virtual Result<Encapsulation> encap(ByteView public_key) const = 0;
    /// Decap(enc, skR). invalid_key for malformed input.
    virtual Result<Bytes> decap(ByteView enc, ByteView private_key) const = 0;
};

const Kdf& hkdf_sha256() noexcept;
const Aead& aes128_gcm() noexcept;
const Aead& chacha20_poly1305() noexcept;
/// DHKEM(X25519, HKDF-SHA256), KEM id 0x0020.
const Kem& dhkem_x25519() noexcept;

/// LabeledExtract and LabeledExpand of RFC 9180 §4: the KDF input is prefixed with "HPKE-v1",
/// the suite_id of the caller (KEM or HPKE context) and the label.
Bytes labeled_extract(const Kdf& kdf, ByteView suite_id, std::string_view label, ByteView salt,
                      ByteView ikm);
Result<Bytes> labeled_expand(const Kdf& kdf, ByteView suite_id, std::string_view label,
                             ByteView prk, ByteView info, std::size_t length);

}  // namespace wardline::mls
