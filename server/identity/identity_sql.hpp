// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/identity/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::identity::sql {

inline storage::Statement device_for_login() { return storage::statement("device_for_login"); }
inline storage::Statement device_address_set() { return storage::statement("device_address_set"); }
inline storage::Statement device_insert() { return storage::statement("device_insert"); }
inline storage::Statement device_seen() { return storage::statement("device_seen"); }
inline storage::Statement factor_recheck_state() {
    return storage::statement("factor_recheck_state");
}
inline storage::Statement login_failed() { return storage::statement("login_failed"); }
inline storage::Statement login_lookup() { return storage::statement("login_lookup"); }
inline storage::Statement login_succeeded() { return storage::statement("login_succeeded"); }
inline storage::Statement password_hash_of() { return storage::statement("password_hash_of"); }
inline storage::Statement password_set() { return storage::statement("password_set"); }
inline storage::Statement recovery_code_use() { return storage::statement("recovery_code_use"); }
inline storage::Statement recovery_codes_replace() { return storage::statement("recovery_codes_replace"); }
inline storage::Statement session_end() { return storage::statement("session_end"); }
inline storage::Statement session_insert() { return storage::statement("session_insert"); }
inline storage::Statement session_resume() { return storage::statement("session_resume"); }
inline storage::Statement session_seen() { return storage::statement("session_seen"); }
inline storage::Statement sessions_end_for_device() { return storage::statement("sessions_end_for_device"); }
inline storage::Statement sessions_end_for_user() { return storage::statement("sessions_end_for_user"); }
inline storage::Statement totp_activate() { return storage::statement("totp_activate"); }
inline storage::Statement totp_set_pending() { return storage::statement("totp_set_pending"); }
inline storage::Statement totp_state() { return storage::statement("totp_state"); }
inline storage::Statement totp_use_step() { return storage::statement("totp_use_step"); }
inline storage::Statement user_permissions() { return storage::statement("user_permissions"); }
}  // namespace wardline::server::identity::sql
