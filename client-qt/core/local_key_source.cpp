// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_key_source.hpp"

namespace wardline::client {

LocalKeyAccess obtain_local_key(const KeychainKeyStore& keychain, const QString& account,
                                const LocalKeyFile& file, const QString& password,
                                bool may_create) {
    LocalKeyAccess access;
    auto in_keychain = keychain.load(account);
    access.keychain = in_keychain.status;
    if (in_keychain.status == KeychainKeyStore::Status::ok) {
        access.protection = KeyProtection::keychain;
        access.key = std::move(in_keychain.key);
        return access;
    }
    if (file.exists()) {
        auto unlocked = file.unlock(password);
        access.file_error = unlocked.error;
        if (unlocked.ok()) {
            access.protection = KeyProtection::key_file;
            access.key = std::move(unlocked.key);
        }
        return access;
    }
    access.file_error = KeyFileError::not_found;
    if (!may_create) return access;

    auto key = LocalKey::generate();
    if (in_keychain.status == KeychainKeyStore::Status::not_found &&
        keychain.save(account, key) == KeychainKeyStore::Status::ok) {
        access.protection = KeyProtection::keychain;
    } else {
        access.file_error = file.write(key, password);
        if (access.file_error != KeyFileError::none) return access;
        access.protection = KeyProtection::key_file;
    }
    access.created = true;
    access.key = std::move(key);
    return access;
}

}  // namespace wardline::client
