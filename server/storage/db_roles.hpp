// SPDX-License-Identifier: Apache-2.0
#pragma once
// One-time database setup with superuser rights (`wardlinectl db-bootstrap`).
#include "server/storage/pg_sync.hpp"

#include <string_view>

namespace wardline::server::storage {

/// The NOLOGIN group role that migrations grant runtime privileges to.
inline constexpr std::string_view kRuntimeGroupRole = "wardline_runtime";

/// Idempotently creates, over a superuser connection:
/// - the NOLOGIN group role wardline_runtime;
/// - `owner_role` (LOGIN, no superuser/createdb/createrole), which owns `database` and
///   runs the migrations;
/// - `runtime_role` (LOGIN, member of wardline_runtime), the server's role;
/// - `database`, owned by `owner_role`, where PUBLIC loses CONNECT/TEMPORARY and
///   wardline_runtime gains CONNECT.
/// Existing roles get their password reset (and LOGIN); an existing database gets its owner
/// set. Passwords are sent as SCRAM verifiers computed here (PQencryptPasswordConn), so the
/// cleartext never reaches the server's logs. Every name is quoted with PQescapeIdentifier.
/// Throws PgSyncError or std::invalid_argument (empty name or password); messages never
/// contain a password.
void bootstrap_roles(PgSyncConnection& superuser, std::string_view owner_role,
                     std::string_view owner_password, std::string_view runtime_role,
                     std::string_view runtime_password, std::string_view database);

}  // namespace wardline::server::storage
