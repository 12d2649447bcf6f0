// SPDX-License-Identifier: Apache-2.0
#pragma once
// wardlinectl report: the organization's activity metrics (docs/admin-guide.md, "Activity
// metrics"), the same report as the reports.metrics request, as a table or as JSON.
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `report --org NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--unit UNIT] [--time-zone TZ]
/// [--json] --database-url CONNINFO`. Returns 0 done, 1 failure, 2 usage or bad input,
/// 3 no such organization.
int run_report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
