// SPDX-License-Identifier: Apache-2.0
#pragma once
// Erasing this computer's Wardline data (issue #6, "Remote wipe": when the server says the
// device is wiped or revoked; docs/client.md, "Remote wipe"). Deletes every account's local
// store in the store directory (after overwriting the files with zeros) and the key file,
// and zeroes the local key and the device's private key in memory. Stores still open must
// be wiped through LocalStore::wipe() (or destroyed) first. What is erased for certain is the
// key: without it the sealed columns of any copy left on the disk cannot be opened.
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/local_key.hpp"

#include <QString>

namespace wardline::client {

struct LocalWipeTargets {
    QString store_directory;           ///< where LocalStore keeps account-*.sqlite files
    QString key_file;                  ///< the LocalKeyFile path (may be empty)
    LocalKey* key = nullptr;           ///< zeroed and released
    DeviceIdentity* device = nullptr;  ///< its secret key zeroed
};

/// True when no store file and no key file is left.
bool wipe_local_data(const LocalWipeTargets& targets);

}  // namespace wardline::client
