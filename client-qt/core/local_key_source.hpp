// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where this computer's local key comes from (docs/client.md, "Key protection"): the
// operating system's keychain when it has one, else the Argon2id-wrapped key file. Finds the
// key of an account, or makes one on the first sign-in: in the keychain if it takes it, in
// the key file otherwise.
#include "client-qt/core/keychain_key_store.hpp"
#include "client-qt/core/local_key_file.hpp"

namespace wardline::client {

enum class KeyProtection { none, keychain, key_file };

struct LocalKeyAccess {
    KeyProtection protection = KeyProtection::none;
    KeyFileError file_error = KeyFileError::none;  ///< why the key file did not give a key
    KeychainKeyStore::Status keychain = KeychainKeyStore::Status::unavailable;
    bool created = false;  ///< a new key was made (first sign-in)
    LocalKey key;
    bool ok() const noexcept { return !key.empty(); }
};

/// The key of `account`: the keychain's, else the key file's (unlocked with `password`).
/// With neither and `may_create` (no local store exists yet), a new key goes to the keychain,
/// or, when that is unavailable or refuses, to the key file under `password`. Without
/// `may_create` nothing is made: a store whose key is missing must not get a new one.
LocalKeyAccess obtain_local_key(const KeychainKeyStore& keychain, const QString& account,
                                const LocalKeyFile& file, const QString& password, bool may_create);

}  // namespace wardline::client
