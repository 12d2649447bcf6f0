// SPDX-License-Identifier: Apache-2.0
#include "common/mls/cipher_suite.hpp"

#include "common/mls/tls_codec.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace wardline::mls {
namespace {

constexpr std::string_view kLabelPrefix = "MLS 1.0 ";

/// SHA-256, HMAC-SHA256 and Ed25519, all libsodium: what suites 1 and 3 share.
class Sha256Ed25519Suite final : public CipherSuite {
public:
    explicit Sha256Ed25519Suite(std::uint16_t id) : id_(id) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    }
    std::uint16_t id() const noexcept override { return id_; }
    std::size_t hash_length() const noexcept override { return crypto_hash_sha256_BYTES; }
    Bytes hash(ByteView data) const override {
        Bytes out(crypto_hash_sha256_BYTES);
        crypto_hash_sha256(out.data(), data.data(), data.size());
        return out;
    }
    Bytes hmac(ByteView key, ByteView data) const override {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, key.data(), key.size());
        crypto_auth_hmacsha256_update(&st, data.data(), data.size());
        Bytes out(crypto_auth_hmacsha256_BYTES);
        crypto_auth_hmacsha256_final(&st, out.data());
        sodium_memzero(&st, sizeof st);
        return out;
    }
    Result<Bytes> sign(ByteView private_key, ByteView message) const override {
        if (private_key.size() != crypto_sign_SEEDBYTES) return Error::invalid_key;
        std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
        std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
        crypto_sign_seed_keypair(pk.data(), sk.data(), private_key.data());
        Bytes sig(crypto_sign_BYTES);
        crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.data());
        sodium_memzero(sk.data(), sk.size());
        return sig;
    }
    bool verify(ByteView public_key, ByteView message, ByteView signature) const override {
        if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) return false;
        return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
    }

private:
    std::uint16_t id_;
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
    static const Sha256Ed25519Suite suite1(kSuite1);
    static const Sha256Ed25519Suite suite3(kSuite3);
    if (id == kSuite1) return &suite1;
    if (id == kSuite3) return &suite3;
    return nullptr;
}

Bytes hkdf_extract(const CipherSuite& cs, ByteView salt, ByteView ikm) { return cs.hmac(salt, ikm); }

Result<Bytes> hkdf_expand(const CipherSuite& cs, ByteView prk, ByteView info, std::size_t length) {
    const std::size_t nh = cs.hash_length();
    if (length > 255 * nh) return Error::value_too_large;
    Bytes out;
    Bytes t;
    for (std::uint8_t i = 1; out.size() < length; ++i) {
        Bytes input = t;
        input.insert(input.end(), info.begin(), info.end());
        input.push_back(i);
        t = cs.hmac(prk, input);
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(length);
    sodium_memzero(t.data(), t.size());
    return out;
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
