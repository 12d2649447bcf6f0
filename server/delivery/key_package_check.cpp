// SPDX-License-Identifier: Apache-2.0
#include "server/delivery/key_package_check.hpp"

#include "common/mls/framing.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/leaf_validation.hpp"
#include "common/mls/welcome.hpp"

#include <sodium.h>

#include <algorithm>

namespace wardline::server::delivery {
namespace {

using Refusal = std::string;

}  // namespace

std::variant<CheckedKeyPackage, std::string> check_key_package(std::string_view base64,
                                                               const ExpectedDevice& device,
                                                               std::uint64_t now) {
    // Base64 of at most kMaxKeyPackageBytes bytes is at most this long; longer text is refused
    // before it is decoded.
    constexpr std::size_t kMaxBase64 = (kMaxKeyPackageBytes + 2) / 3 * 4;
    if (base64.size() > kMaxBase64)
        return Refusal("is larger than " + std::to_string(kMaxKeyPackageBytes) + " bytes");
    std::vector<std::uint8_t> bytes(base64.size() / 4 * 3 + 3);
    std::size_t length = 0;
    if (base64.empty() ||
        sodium_base642bin(bytes.data(), bytes.size(), base64.data(), base64.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return Refusal("is not base64 (RFC 4648 §4, with padding)");
    bytes.resize(length);
    if (bytes.size() > kMaxKeyPackageBytes)
        return Refusal("is larger than " + std::to_string(kMaxKeyPackageBytes) + " bytes");

    const auto message = mls::deserialize_mls_message(bytes);
    if (!message) return Refusal("is not an MLSMessage (RFC 9420 §6)");
    if (message->version != mls::ProtocolVersion::mls10)
        return Refusal("is not an MLS 1.0 message");
    const auto* kp = std::get_if<mls::KeyPackage>(&message->body);
    if (kp == nullptr) return Refusal("is an MLSMessage that does not hold a KeyPackage");
    const mls::CipherSuite* cs = mls::suite_for(kp->cipher_suite);
    if (cs == nullptr || (kp->cipher_suite != mls::kSuite1 && kp->cipher_suite != mls::kSuite3))
        return Refusal("uses a cipher suite other than 1 or 3");

    const mls::LeafNode& leaf = kp->leaf_node;
    if (!std::equal(leaf.signature_key.begin(), leaf.signature_key.end(),
                    device.identity_key.begin(), device.identity_key.end()))
        return Refusal(
            "has a leaf signature key that is not this device's registered identity key");
    if (leaf.credential.credential_type != mls::CredentialType::basic)
        return Refusal("has a credential that is not a basic credential");
    const std::string_view identity(reinterpret_cast<const char*>(leaf.credential.identity.data()),
                                    leaf.credential.identity.size());
    if (identity != device.credential_identity)
        return Refusal(
            "has a credential identity that does not name this device (docs/e2ee.md, "
            "Credentials)");

    // RFC 9420 §10.1, after the cheap checks: two Ed25519 verifications.
    if (const auto valid = mls::validate_key_package(*cs, *kp); !valid) {
        if (valid.error() == mls::Error::invalid_signature)
            return Refusal("has a signature that does not verify (RFC 9420 §10.1)");
        return Refusal(
            "is not a valid KeyPackage (RFC 9420 §10.1: version, suite, leaf source, keys)");
    }

    const auto& lifetime = leaf.lifetime;
    if (lifetime.not_after < lifetime.not_before)
        return Refusal("has a lifetime that ends before it begins");
    if (lifetime.not_before > now + static_cast<std::uint64_t>(kClockSkew.count()))
        return Refusal("has a lifetime that has not begun yet");
    if (lifetime.not_after <= now) return Refusal("has a lifetime that has ended");
    if (lifetime.not_after - lifetime.not_before > static_cast<std::uint64_t>(kMaxLifetime.count()))
        return Refusal("has a lifetime longer than " +
                       std::to_string(kMaxLifetime.count() / (24 * 3600)) + " days");

    const auto ref = mls::key_package_ref(*cs, *kp);
    if (!ref) return Refusal("is not a valid KeyPackage (its reference cannot be computed)");
    CheckedKeyPackage out;
    out.message = std::move(bytes);
    out.ref.assign(ref->begin(), ref->end());
    out.cipher_suite = kp->cipher_suite;
    out.not_after = lifetime.not_after;
    return out;
}

}  // namespace wardline::server::delivery
