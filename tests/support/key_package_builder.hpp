// SPDX-License-Identifier: Apache-2.0
#pragma once
// KeyPackages as a device makes them (common/mls make_key_package), for the tests of the
// server's KeyPackage directory. Header only; link wardline_mls and libsodium.
#include "common/mls/framing.hpp"
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace wardline::test {

/// Seconds since the Unix epoch.
inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline std::string to_base64(std::span<const std::uint8_t> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

/// The Ed25519 key pair of a 32-byte seed, as mls::make_key_package takes it.
inline mls::KeyPair signature_key_from_seed(std::span<const std::uint8_t> seed) {
    const auto* cs = mls::suite_for(mls::kSuite3);
    mls::KeyPair pair;
    pair.private_key.assign(seed.begin(), seed.end());
    auto pub = cs->signature_public_key(pair.private_key);
    if (!pub) throw std::runtime_error("not an Ed25519 seed");
    pair.public_key = std::move(*pub);
    return pair;
}

struct KeyPackageSpec {
    std::uint16_t suite = mls::kSuite3;
    std::int64_t not_before = -60;              ///< seconds from now
    std::int64_t not_after = 30 * 24 * 3600;    ///< seconds from now
    std::optional<mls::Credential> credential;  ///< default: basic, with the given identity

    static KeyPackageSpec with_suite(std::uint16_t suite) {
        KeyPackageSpec s;
        s.suite = suite;
        return s;
    }
    static KeyPackageSpec lifetime(std::int64_t not_before, std::int64_t not_after) {
        KeyPackageSpec s;
        s.not_before = not_before;
        s.not_after = not_after;
        return s;
    }
    static KeyPackageSpec with_credential(mls::Credential credential) {
        KeyPackageSpec s;
        s.credential = std::move(credential);
        return s;
    }
};

/// A fresh KeyPackage signed with `key` whose basic credential carries `identity`.
inline mls::KeyPackage make_test_key_package(const mls::KeyPair& key, const std::string& identity,
                                             const KeyPackageSpec& spec = {}) {
    mls::Credential credential;
    if (spec.credential) {
        credential = *spec.credential;
    } else {
        credential.credential_type = mls::CredentialType::basic;
        credential.identity.assign(identity.begin(), identity.end());
    }
    const auto now = unix_now();
    auto bundle = mls::make_key_package(*mls::suite_for(spec.suite), std::move(credential), key,
                                        static_cast<std::uint64_t>(now + spec.not_before),
                                        static_cast<std::uint64_t>(now + spec.not_after));
    if (!bundle) throw std::runtime_error("make_key_package failed");
    return std::move(bundle->key_package);
}

/// The bytes of MLSMessage(KeyPackage).
inline mls::Bytes key_package_message(const mls::KeyPackage& kp,
                                      mls::ProtocolVersion version = mls::ProtocolVersion::mls10) {
    mls::MLSMessage message;
    message.version = version;
    message.body = kp;
    auto bytes = mls::serialize(message);
    if (!bytes) throw std::runtime_error("MLSMessage does not encode");
    return std::move(*bytes);
}

/// Base64 of MLSMessage(KeyPackage), as key_packages.upload takes it.
inline std::string key_package_base64(const mls::KeyPackage& kp,
                                      mls::ProtocolVersion version = mls::ProtocolVersion::mls10) {
    return to_base64(key_package_message(kp, version));
}

}  // namespace wardline::test
