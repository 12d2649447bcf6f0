// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "server/ctl/cli_args.hpp"
#include "server/storage/pg_sync.hpp"

#include <iosfwd>
#include <optional>

namespace wardline::server::ctl {

/// Connects as the conninfo of --database-url says (the owner role, for administration), with
/// the password from WARDLINE_DB_PASSWORD or --password-file. A password inside the conninfo
/// or in a plain flag is refused. Errors name no secret.
std::optional<storage::PgSyncConnection> connect_owner(const CliArgs& a, std::ostream& err);

}  // namespace wardline::server::ctl
