// SPDX-License-Identifier: Apache-2.0
#pragma once
// This device as an MLS member (docs/e2ee.md, "Credentials"): the basic credential naming
// the device ("wardline-device/1 ORG USER DEVICE", common/core/device_credential.hpp) and the
// device's Ed25519 identity key (DeviceIdentity), which the server registered at login and
// which must sign every KeyPackage and leaf of this device.
#include "client-qt/core/device_identity.hpp"
#include "common/mls/group.hpp"

#include <QString>

#include <optional>

namespace wardline::client {

struct MlsDevice {
    QString org_id;
    QString user_id;
    QString device_id;
    mls::Credential credential;
    mls::KeyPair signature_key;  ///< private_key is the 32-byte Ed25519 seed

    /// The device of a signed-in session; nullopt if the ids are not UUIDs or the identity's
    /// key pair is not a consistent Ed25519 pair.
    static std::optional<MlsDevice> of(const QString& org_id, const QString& user_id,
                                       const DeviceIdentity& identity);

    /// A fresh KeyPackage of this device, valid from a minute ago for `lifetime_seconds`.
    mls::Result<mls::KeyPackageBundle> key_package(std::uint64_t lifetime_seconds) const;
};

/// The ids a leaf's credential names, if it is a Wardline device credential.
struct LeafIds {
    QString org_id;
    QString user_id;
    QString device_id;
};
std::optional<LeafIds> leaf_ids(const mls::Credential& credential);

}  // namespace wardline::client
