// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a request for the activity metrics asks (reports.metrics and `wardlinectl report`;
// docs/admin-guide.md, "Activity metrics"): a range of calendar days, an optional unit, and
// the time zone whose days are counted. One set of checks for the server and the CLI, and the
// parameters of the report's statement (reports/metrics_report.sql), which computes it all.
#include "server/storage/pg_params.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace wardline::server::reports {

/// The longest range one report covers, in days.
inline constexpr int kMaxDays = 366;

struct MetricsRequest {
    std::string first_day;  ///< YYYY-MM-DD
    std::string last_day;   ///< YYYY-MM-DD, inclusive
    std::string unit;       ///< a department; empty for the whole organization
    std::string time_zone;  ///< an IANA name ("UTC" by default)
};

/// The request, or what is wrong with it in words (never echoing the values): days that are
/// not real YYYY-MM-DD dates, a last day before the first, more than kMaxDays days, a unit
/// over 100 bytes, a time zone that is not a zone name's shape (whether PostgreSQL knows it is
/// asked separately: notifications/time_zone_known.sql).
std::variant<MetricsRequest, std::string> check_metrics_request(std::string_view first_day,
                                                                std::string_view last_day,
                                                                std::string_view unit,
                                                                std::string_view time_zone);

/// The parameters of metrics_report for `org_id`.
storage::PgParams metrics_params(const std::string& org_id, const MetricsRequest& request);

}  // namespace wardline::server::reports
