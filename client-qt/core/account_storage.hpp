// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a signed-in account keeps on this computer, open for as long as it is signed in and
// unlocked (docs/client.md, "Account storage"): the account's local key, its LocalStore, and
// the MLS engine's stores on top of it (StoredGroupStates, StoredKeyPackageSecrets). The app
// makes one after a sign-in and destroys it on sign-out and on lock, so that neither the key
// nor an open database stays in memory behind the lock screen.
#include "client-qt/core/local_key.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/stored_engine_state.hpp"

#include <memory>

namespace wardline::client {

class AccountStorage {
public:
    /// Opens (creating if needed) the store of `account` in `directory` with `key`, which it
    /// keeps. Throws LocalStoreError (wrong key, damaged or newer store, ...).
    AccountStorage(LocalKey key, const QString& directory, StoreAccount account);
    /// Closes the store and zeroes the key.
    ~AccountStorage();
    AccountStorage(const AccountStorage&) = delete;
    AccountStorage& operator=(const AccountStorage&) = delete;

    LocalStore& store() noexcept { return *store_; }
    GroupStateStore& group_states() noexcept { return group_states_; }
    KeyPackageSecretStore& key_package_secrets() noexcept { return key_package_secrets_; }

private:
    LocalKey key_;
    std::unique_ptr<LocalStore> store_;
    StoredGroupStates group_states_;
    StoredKeyPackageSecrets key_package_secrets_;
};

}  // namespace wardline::client
