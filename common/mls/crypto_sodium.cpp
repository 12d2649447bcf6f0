// SPDX-License-Identifier: Apache-2.0
// The libsodium primitives: HKDF-SHA256, ChaCha20-Poly1305 (IETF, 96-bit nonce) and
// DHKEM(X25519, HKDF-SHA256) (RFC 9180 §4.1, §7.1).
#include "common/mls/crypto_primitives.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace wardline::mls {
namespace {

// libsodium copies its inputs with memcpy, which must never see a null pointer, not even
// for zero bytes; an empty ByteView may hold one (RFC 9420 uses empty HMAC keys).
const unsigned char* non_null(ByteView v) noexcept {
    static const unsigned char nothing = 0;
    return v.data() != nullptr ? v.data() : &nothing;
}

void require_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

class HkdfSha256 final : public Kdf {
public:
    HkdfSha256() { require_sodium(); }
    std::uint16_t id() const noexcept override { return 0x0001; }
    std::size_t hash_length() const noexcept override { return crypto_hash_sha256_BYTES; }
    Bytes hash(ByteView data) const override {
        Bytes out(crypto_hash_sha256_BYTES);
        crypto_hash_sha256(out.data(), non_null(data), data.size());
        return out;
    }
    Bytes hmac(ByteView key, ByteView data) const override {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, non_null(key), key.size());
        crypto_auth_hmacsha256_update(&st, non_null(data), data.size());
        Bytes out(crypto_auth_hmacsha256_BYTES);
        crypto_auth_hmacsha256_final(&st, out.data());
        sodium_memzero(&st, sizeof st);
        return out;
    }
};

class ChaCha20Poly1305 final : public Aead {
public:
    ChaCha20Poly1305() { require_sodium(); }
    std::uint16_t id() const noexcept override { return 0x0003; }
    std::size_t key_length() const noexcept override {
        return crypto_aead_chacha20poly1305_ietf_KEYBYTES;
    }
    std::size_t nonce_length() const noexcept override {
        return crypto_aead_chacha20poly1305_ietf_NPUBBYTES;
    }
    std::size_t tag_length() const noexcept override {
        return crypto_aead_chacha20poly1305_ietf_ABYTES;
    }
    Result<Bytes> seal(ByteView key, ByteView nonce, ByteView aad,
                       ByteView plaintext) const override {
        if (key.size() != key_length() || nonce.size() != nonce_length()) {
            return Error::invalid_key;
        }
        Bytes out(plaintext.size() + tag_length());
        unsigned long long len = 0;
        crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, non_null(plaintext),
                                                  plaintext.size(), non_null(aad), aad.size(),
                                                  nullptr, nonce.data(), key.data());
        out.resize(static_cast<std::size_t>(len));
        return out;
    }
    Result<Bytes> open(ByteView key, ByteView nonce, ByteView aad,
                       ByteView ciphertext) const override {
        if (key.size() != key_length() || nonce.size() != nonce_length()) {
            return Error::invalid_key;
        }
        if (ciphertext.size() < tag_length()) return Error::decryption_failed;
        Bytes out(ciphertext.size() - tag_length());
        unsigned long long len = 0;
        if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &len, nullptr, ciphertext.data(),
                                                      ciphertext.size(), non_null(aad), aad.size(),
                                                      nonce.data(), key.data()) != 0) {
            return Error::decryption_failed;
        }
        out.resize(static_cast<std::size_t>(len));
        return out;
    }
};

// RFC 9180 §4.1 and §7.1: DHKEM(X25519, HKDF-SHA256), kem_id 0x0020,
// Nsecret = Nenc = Npk = Nsk = 32.
class DhKemX25519 final : public Kem {
public:
    DhKemX25519() { require_sodium(); }
    std::uint16_t id() const noexcept override { return kId; }
    std::size_t secret_length() const noexcept override { return 32; }
    std::size_t enc_length() const noexcept override { return crypto_scalarmult_BYTES; }
    std::size_t public_key_length() const noexcept override { return crypto_scalarmult_BYTES; }
    std::size_t private_key_length() const noexcept override {
        return crypto_scalarmult_SCALARBYTES;
    }

    // §7.1.3: for X25519 the private key is LabeledExpand(dkp_prk, "sk", "", Nsk) as it is;
    // the clamping happens inside the scalar multiplication.
    Result<KeyPair> derive_key_pair(ByteView ikm) const override {
        const Bytes dkp_prk = labeled_extract(hkdf_sha256(), suite_id_, "dkp_prk", {}, ikm);
        auto sk = labeled_expand(hkdf_sha256(), suite_id_, "sk", dkp_prk, {}, private_key_length());
        if (!sk) return sk.error();
        auto pk = public_key_of(*sk);
        if (!pk) return pk.error();
        return KeyPair{std::move(*sk), std::move(*pk)};
    }
    KeyPair generate_key_pair() const override {
        Bytes ikm(private_key_length());
        randombytes_buf(ikm.data(), ikm.size());
        return derive_key_pair(ikm).value();
    }
    Result<Bytes> public_key_of(ByteView private_key) const override {
        if (private_key.size() != private_key_length()) return Error::invalid_key;
        Bytes pk(public_key_length());
        if (crypto_scalarmult_base(pk.data(), private_key.data()) != 0) return Error::invalid_key;
        return pk;
    }
    Result<Encapsulation> encap(ByteView public_key) const override {
        if (public_key.size() != public_key_length()) return Error::invalid_key;
        const KeyPair ephemeral = generate_key_pair();
        auto dh = x25519(ephemeral.private_key, public_key);
        if (!dh) return dh.error();
        Bytes kem_context = concat(ephemeral.public_key, public_key);
        auto secret = extract_and_expand(*dh, kem_context);
        if (!secret) return secret.error();
        return Encapsulation{std::move(*secret), ephemeral.public_key};
    }
    Result<Bytes> decap(ByteView enc, ByteView private_key) const override {
        if (enc.size() != enc_length()) return Error::invalid_key;
        auto dh = x25519(private_key, enc);
        if (!dh) return dh.error();
        auto pk = public_key_of(private_key);
        if (!pk) return pk.error();
        return extract_and_expand(*dh, concat(enc, *pk));
    }

private:
    static constexpr std::uint16_t kId = 0x0020;

    // DH(sk, pk); libsodium refuses an all-zero output (a low-order point), as §7.1.4 requires.
    Result<Bytes> x25519(ByteView sk, ByteView pk) const {
        if (sk.size() != private_key_length() || pk.size() != public_key_length()) {
            return Error::invalid_key;
        }
        Bytes out(crypto_scalarmult_BYTES);
        if (crypto_scalarmult(out.data(), sk.data(), pk.data()) != 0) return Error::invalid_key;
        return out;
    }
    Result<Bytes> extract_and_expand(ByteView dh, ByteView kem_context) const {
        const Bytes eae_prk = labeled_extract(hkdf_sha256(), suite_id_, "eae_prk", {}, dh);
        return labeled_expand(hkdf_sha256(), suite_id_, "shared_secret", eae_prk, kem_context,
                              secret_length());
    }

    // suite_id = "KEM" || I2OSP(kem_id, 2).
    const Bytes suite_id_{'K', 'E', 'M', 0x00, 0x20};
};

}  // namespace

const Kdf& hkdf_sha256() noexcept {
    static const HkdfSha256 kdf;
    return kdf;
}

const Aead& chacha20_poly1305() noexcept {
    static const ChaCha20Poly1305 aead;
    return aead;
}

const Kem& dhkem_x25519() noexcept {
    static const DhKemX25519 kem;
    return kem;
}

}  // namespace wardline::mls
