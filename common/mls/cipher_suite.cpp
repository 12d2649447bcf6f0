// SPDX-License-Identifier: Apache-2.0
#include "common/mls/cipher_suite.hpp"

#include "common/mls/tls_codec.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace wardline::mls {
namespace {

constexpr std::string_view kLabelPrefix = "MLS 1.0 ";

/// HKDF-SHA256, DHKEM(X25519, HKDF-SHA256) and Ed25519 with the given AEAD: suites 1 and 3.
class X25519Ed25519Suite final : public CipherSuite {
public:
    X25519Ed25519Suite(std::uint16_t id, const Aead& aead) : id_(id), aead_(aead) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    }
    std::uint16_t id() const noexcept override { return id_; }
    const Kdf& kdf() const noexcept override { return hkdf_sha256(); }
    const Aead& aead() const noexcept override { return aead_; }
    const Kem& kem() const noexcept override { return dhkem_x25519(); }

    Result<Bytes> sign(ByteView private_key, ByteView message) const override {
        auto sk = expanded_key(private_key);
        if (!sk) return sk.error();
        Bytes sig(crypto_sign_BYTES);
        crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk->data());
        return sig;
    }
    bool verify(ByteView public_key, ByteView message, ByteView signature) const override {
        if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
            signature.size() != crypto_sign_BYTES)
            return false;
        return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                           public_key.data()) == 0;
    }
    KeyPair generate_signature_key_pair() const override {
        Bytes seed(crypto_sign_SEEDBYTES);
        randombytes_buf(seed.data(), seed.size());
        Bytes pk = signature_public_key(seed).value();
        return KeyPair{std::move(seed), std::move(pk)};
    }
    Result<Bytes> signature_public_key(ByteView private_key) const override {
        if (private_key.size() != crypto_sign_SEEDBYTES) return Error::invalid_key;
        Bytes pk(crypto_sign_PUBLICKEYBYTES);
        Bytes sk(crypto_sign_SECRETKEYBYTES);
        crypto_sign_seed_keypair(pk.data(), sk.data(), private_key.data());
        return pk;
    }

private:
    // libsodium signs with the 64-byte expanded key (seed || public key).
    static Result<Bytes> expanded_key(ByteView seed) {
        if (seed.size() != crypto_sign_SEEDBYTES) return Error::invalid_key;
        std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
        Bytes sk(crypto_sign_SECRETKEYBYTES);
        crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
        return sk;
    }

    std::uint16_t id_;
    const Aead& aead_;
};

/// The TLS encoding of {opaque a<V>; opaque b<V>}, with the "MLS 1.0 " prefix on a if asked.
Result<Bytes> two_vectors(std::string_view prefix, std::string_view label, ByteView value) {
    Writer w;
    Bytes full(prefix.begin(), prefix.end());
    full.insert(full.end(), label.begin(), label.end());
    if (auto r = w.vector(full); !r) return r.error();
    if (auto r = w.vector(value); !r) return r.error();
    return w.take();
}

}  // namespace

const CipherSuite* suite_for(std::uint16_t id) noexcept {
    static const X25519Ed25519Suite suite1(kSuite1, aes128_gcm());
    static const X25519Ed25519Suite suite3(kSuite3, chacha20_poly1305());
    if (id == kSuite1) return &suite1;
    if (id == kSuite3) return &suite3;
    return nullptr;
}

Bytes hkdf_extract(const CipherSuite& cs, ByteView salt, ByteView ikm) {
    return cs.kdf().extract(salt, ikm);
}

Result<Bytes> hkdf_expand(const CipherSuite& cs, ByteView prk, ByteView info, std::size_t length) {
    return cs.kdf().expand(prk, info, length);
}

Result<Bytes> expand_with_label(const CipherSuite& cs, ByteView secret, std::string_view label,
                                ByteView context, std::uint16_t length) {
    Writer w;
    w.u16(length);
    Bytes full(kLabelPrefix.begin(), kLabelPrefix.end());
    full.insert(full.end(), label.begin(), label.end());
    if (auto r = w.vector(full); !r) return r.error();
    if (auto r = w.vector(context); !r) return r.error();
    return hkdf_expand(cs, secret, w.data(), length);
}

Result<Bytes> derive_secret(const CipherSuite& cs, ByteView secret, std::string_view label) {
    return expand_with_label(cs, secret, label, {}, static_cast<std::uint16_t>(cs.hash_length()));
}

Result<Bytes> derive_tree_secret(const CipherSuite& cs, ByteView secret, std::string_view label,
                                 std::uint32_t generation, std::uint16_t length) {
    Writer w;
    w.u32(generation);
    return expand_with_label(cs, secret, label, w.data(), length);
}

Result<Bytes> ref_hash(const CipherSuite& cs, std::string_view label, ByteView value) {
    auto input = two_vectors("", label, value);
    if (!input) return input.error();
    return cs.hash(*input);
}

Result<Bytes> sign_with_label(const CipherSuite& cs, ByteView private_key, std::string_view label,
                              ByteView content) {
    auto input = two_vectors(kLabelPrefix, label, content);
    if (!input) return input.error();
    return cs.sign(private_key, *input);
}

bool verify_with_label(const CipherSuite& cs, ByteView public_key, std::string_view label,
                       ByteView content, ByteView signature) {
    auto input = two_vectors(kLabelPrefix, label, content);
    return input && cs.verify(public_key, *input, signature);
}

}  // namespace wardline::mls
