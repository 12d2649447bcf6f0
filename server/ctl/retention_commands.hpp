// SPDX-License-Identifier: Apache-2.0
#pragma once
// `wardlinectl retention ...` (issue #7; docs/admin-guide.md "Retention and legal holds"): an
// operator runs the retention job now (or counts what it would delete, with --dry-run) and lists
// the policies. A run takes the same advisory lock as the servers' job, so it never runs beside
// one; it writes the same retention_runs row and audit records (actor: wardlinectl), and the
// members' devices are told with messages.expired through the servers' relay channel.
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `retention run [--dry-run] [--batch-size N]`, `retention policies [--org NAME]` (both with
/// --database-url CONNINFO).
int run_retention_command(const std::vector<std::string>& args, std::ostream& out,
                          std::ostream& err);

}  // namespace wardline::server::ctl
