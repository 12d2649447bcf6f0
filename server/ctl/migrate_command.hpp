// SPDX-License-Identifier: Apache-2.0
#pragma once
// `wardlinectl migrate` and `wardlinectl db-bootstrap`.
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `migrate [--status] [--dir DIR] --database-url CONNINFO [--password-file FILE]`
///
/// `args` are the words after the command (a leading "migrate" is skipped). The password
/// comes from WARDLINE_DB_PASSWORD or --password-file, never from a flag or the conninfo.
/// Without --dir the migrations compiled into the binary are used.
/// Exit status: 0 done (or, with --status, everything consistent); 1 refused or failed
/// (the message on `err` names the migration); 2 usage error.
int run_migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `db-bootstrap --admin-url CONNINFO --database NAME --owner NAME --runtime NAME`
///   `[--admin-password-file F] [--owner-password-file F] [--runtime-password-file F]`
///
/// Creates (idempotently) the wardline_runtime group, the owner and runtime roles and the
/// database; see storage::bootstrap_roles(). Passwords: WARDLINE_DB_ADMIN_PASSWORD (optional:
/// peer/trust authentication works too), WARDLINE_DB_OWNER_PASSWORD, WARDLINE_DB_PASSWORD,
/// or the matching files. Exit status as for run_migrate().
int run_db_bootstrap(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err);

}  // namespace wardline::server::ctl
