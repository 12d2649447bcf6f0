// SPDX-License-Identifier: Apache-2.0
#pragma once
// Erasing this computer's Wardline data (issue #6, "Remote wipe": when the server says the
// device is wiped or revoked; docs/client.md, "Remote wipe"). Deletes one account's local
// store (or every account's in a store directory) after overwriting the files with zeros, the
// key file, the device file and the keychain's entry, and zeroes the local key and the
// device's private key in memory. Stores still open must
// be wiped through LocalStore::wipe() (or destroyed) first. What is erased for certain is the
// key: without it the sealed columns of any copy left on the disk cannot be opened.
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/keychain_key_store.hpp"
#include "client-qt/core/local_key.hpp"

#include <QString>

namespace wardline::client {

struct LocalWipeTargets {
    QString store_directory;           ///< every account-*.sqlite store in it (may be empty)
    QString key_file;                  ///< the LocalKeyFile path (may be empty)
    LocalKey* key = nullptr;           ///< zeroed and released
    DeviceIdentity* device = nullptr;  ///< its secret key zeroed
    QString store_database;            ///< one account's store (LocalStore::database_path)
    QString device_file;               ///< the account's DeviceFile path (may be empty)
    const KeychainKeyStore* keychain = nullptr;  ///< with keychain_account: its entry removed
    QString keychain_account;
};

/// True when no store file, key file or device file is left and the keychain holds no entry
/// for the account (or has no keychain at all).
bool wipe_local_data(const LocalWipeTargets& targets);

}  // namespace wardline::client
