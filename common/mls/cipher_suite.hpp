// SPDX-License-Identifier: Apache-2.0
// MLS cipher suites (RFC 9420 §5.1) behind one interface, so that a suite can be added without
// touching protocol code, and the labelled functions built on them (§5.1.2, §5.1.3, §5.2, §8).
// Suites 0x0001 and 0x0003 share HKDF-SHA256, DHKEM(X25519) and Ed25519 (libsodium); they
// differ in the AEAD: AES-128-GCM (OpenSSL) and ChaCha20-Poly1305 (libsodium).
#pragma once
#include "common/mls/bytes.hpp"
#include "common/mls/crypto_primitives.hpp"
#include "common/mls/error.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wardline::mls {

inline constexpr std::uint16_t kSuite1 = 0x0001;  ///< MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
inline constexpr std::uint16_t kSuite3 =
    0x0003;  ///< MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519

/// A cipher suite: its KDF, AEAD and HPKE KEM, and its signature scheme.
class CipherSuite {
public:
    virtual ~CipherSuite() = default;
    virtual std::uint16_t id() const noexcept = 0;
    virtual const Kdf& kdf() const noexcept = 0;
    virtual const Aead& aead() const noexcept = 0;
    virtual const Kem& kem() const noexcept = 0;

    /// Nh: output length of the hash and of HMAC.
    std::size_t hash_length() const noexcept { return kdf().hash_length(); }
    Bytes hash(ByteView data) const { return kdf().hash(data); }
    Bytes hmac(ByteView key, ByteView data) const { return kdf().hmac(key, data); }

    /// Signature with the private key as RFC 8032 writes it (the 32-byte seed for Ed25519).
    /// invalid_key for a key of the wrong size.
    virtual Result<Bytes> sign(ByteView private_key, ByteView message) const = 0;
    virtual bool verify(ByteView public_key, ByteView message, ByteView signature) const = 0;
    virtual KeyPair generate_signature_key_pair() const = 0;
    /// The public key of a signature private key; invalid_key for a key of the wrong size.
    virtual Result<Bytes> signature_public_key(ByteView private_key) const = 0;
};

/// The suite with that id, or nullptr if Wardline does not support it.
const CipherSuite* suite_for(std::uint16_t id) noexcept;

/// HKDF (RFC 5869) over the suite's HMAC.
Bytes hkdf_extract(const CipherSuite& cs, ByteView salt, ByteView ikm);
/// value_too_large for more than 255 * Nh bytes.
Result<Bytes> hkdf_expand(const CipherSuite& cs, ByteView prk, ByteView info, std::size_t length);

/// ExpandWithLabel(Secret, Label, Context, Length): HKDF-Expand with KDFLabel
/// {uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V>} (RFC 9420 §8).
Result<Bytes> expand_with_label(const CipherSuite& cs, ByteView secret, std::string_view label,
                                ByteView context, std::uint16_t length);
/// DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", Nh).
Result<Bytes> derive_secret(const CipherSuite& cs, ByteView secret, std::string_view label);
/// DeriveTreeSecret(Secret, Label, Generation, Length): the context is the uint32 generation
/// (RFC 9420 §9).
Result<Bytes> derive_tree_secret(const CipherSuite& cs, ByteView secret, std::string_view label,
                                 std::uint32_t generation, std::uint16_t length);
/// RefHash(label, value) = Hash(RefHashInput{opaque label<V>; opaque value<V>}) (§5.2).
Result<Bytes> ref_hash(const CipherSuite& cs, std::string_view label, ByteView value);
/// SignWithLabel / VerifyWithLabel over SignContent{opaque label<V> = "MLS 1.0 " + Label;
/// opaque content<V>} (§5.1.2).
Result<Bytes> sign_with_label(const CipherSuite& cs, ByteView private_key, std::string_view label,
                              ByteView content);
bool verify_with_label(const CipherSuite& cs, ByteView public_key, std::string_view label,
                       ByteView content, ByteView signature);

}  // namespace wardline::mls
