// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/admin/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::identity::admin_sql {

inline storage::Statement device_revoke() { return storage::statement("device_revoke"); }
inline storage::Statement key_packages_delete_for_device() { return storage::statement("key_packages_delete_for_device"); }
inline storage::Statement org_policy_get() { return storage::statement("org_policy_get"); }
inline storage::Statement org_policy_set() { return storage::statement("org_policy_set"); }
inline storage::Statement recovery_codes_clear() { return storage::statement("recovery_codes_clear"); }
inline storage::Statement session_revoke() { return storage::statement("session_revoke"); }
inline storage::Statement user_create() { return storage::statement("user_create"); }
inline storage::Statement user_devices() { return storage::statement("user_devices"); }
inline storage::Statement user_get() { return storage::statement("user_get"); }
inline storage::Statement user_reset_mfa() { return storage::statement("user_reset_mfa"); }
inline storage::Statement user_reset_password() { return storage::statement("user_reset_password"); }
inline storage::Statement user_roles_add() { return storage::statement("user_roles_add"); }
inline storage::Statement user_roles_clear() { return storage::statement("user_roles_clear"); }
inline storage::Statement user_sessions() { return storage::statement("user_sessions"); }
inline storage::Statement user_set_status() { return storage::statement("user_set_status"); }
inline storage::Statement user_unlock() { return storage::statement("user_unlock"); }
inline storage::Statement user_update() { return storage::statement("user_update"); }
inline storage::Statement users_list() { return storage::statement("users_list"); }
}  // namespace wardline::server::identity::admin_sql
