// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/account_storage.hpp"

namespace wardline::client {

namespace {

std::unique_ptr<LocalStore> open_store(const LocalKey& key, const QString& directory,
                                       StoreAccount account) {
    return std::make_unique<LocalStore>(directory, std::move(account), key);
}

}  // namespace

AccountStorage::AccountStorage(LocalKey key, const QString& directory, StoreAccount account)
    : key_(std::move(key)),
      store_(open_store(key_, directory, std::move(account))),
      group_states_(*store_),
      key_package_secrets_(*store_) {}

AccountStorage::~AccountStorage() {
    store_.reset();  // before the key it seals with
    key_.wipe();
}

}  // namespace wardline::client
