// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/key_packages/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::delivery::sql {

inline storage::Statement key_package_device() {
    return storage::statement("key_package_device");
}
inline storage::Statement key_packages_claim() {
    return storage::statement("key_packages_claim");
}
inline storage::Statement key_packages_drop_last_resort() {
    return storage::statement("key_packages_drop_last_resort");
}
inline storage::Statement key_packages_insert() {
    return storage::statement("key_packages_insert");
}
inline storage::Statement key_packages_purge_expired() {
    return storage::statement("key_packages_purge_expired");
}
inline storage::Statement key_packages_stock() {
    return storage::statement("key_packages_stock");
}
inline storage::Statement key_packages_user_status() {
    return storage::statement("key_packages_user_status");
}

}  // namespace wardline::server::delivery::sql
