// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/mls_device.hpp"

#include "common/core/device_credential.hpp"

#include <chrono>
#include <stdexcept>

namespace wardline::client {

std::optional<MlsDevice> MlsDevice::of(const QString& org_id, const QString& user_id,
                                       const DeviceIdentity& identity) {
    const mls::CipherSuite* cs = mls::suite_for(mls::kSuite3);
    if (cs == nullptr || identity.secret_key.size() < 32 || identity.public_key.size() != 32)
        return std::nullopt;
    MlsDevice d;
    d.org_id = org_id;
    d.user_id = user_id;
    d.device_id = identity.device_id;
    std::string text;
    try {
        text = device_credential_identity(org_id.toStdString(), user_id.toStdString(),
                                          identity.device_id.toStdString());
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    d.credential.credential_type = mls::CredentialType::basic;
    d.credential.identity.assign(text.begin(), text.end());
    // libsodium's secret key is seed || public key; the MLS library signs with the seed.
    const auto* sk = reinterpret_cast<const std::uint8_t*>(identity.secret_key.constData());
    d.signature_key.private_key.assign(sk, sk + 32);
    auto pub = cs->signature_public_key(d.signature_key.private_key);
    const auto* pk = reinterpret_cast<const std::uint8_t*>(identity.public_key.constData());
    if (!pub || !mls::equal_constant_time(*pub, mls::ByteView(pk, 32))) return std::nullopt;
    d.signature_key.public_key = std::move(*pub);
    return d;
}

mls::Result<mls::KeyPackageBundle> MlsDevice::key_package(std::uint64_t lifetime_seconds) const {
    const auto now =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    return mls::make_key_package(*mls::suite_for(mls::kSuite3), credential, signature_key, now - 60,
                                 now + lifetime_seconds);
}

std::optional<LeafIds> leaf_ids(const mls::Credential& credential) {
    if (credential.credential_type != mls::CredentialType::basic) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(credential.identity.data()),
                                credential.identity.size());
    auto ids = parse_device_credential_identity(text);
    if (!ids) return std::nullopt;
    return LeafIds{QString::fromStdString(ids->org_id), QString::fromStdString(ids->user_id),
                   QString::fromStdString(ids->device_id)};
}

}  // namespace wardline::client
