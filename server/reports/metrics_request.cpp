// SPDX-License-Identifier: Apache-2.0
#include "server/reports/metrics_request.hpp"

#include "server/identity/notification_settings.hpp"

#include <charconv>
#include <chrono>
#include <optional>

namespace wardline::server::reports {
namespace {

/// A real calendar date written YYYY-MM-DD, as days since the epoch.
std::optional<std::chrono::sys_days> parse_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    const auto number = [&](std::size_t at, std::size_t len, auto& out) {
        const auto* first = text.data() + at;
        const auto [end, ec] = std::from_chars(first, first + len, out);
        return ec == std::errc{} && end == first + len;
    };
    if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
    const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!day.ok() || y < 2000) return std::nullopt;
    return std::chrono::sys_days{day};
}

}  // namespace

std::variant<MetricsRequest, std::string> check_metrics_request(std::string_view first_day,
                                                                std::string_view last_day,
                                                                std::string_view unit,
                                                                std::string_view time_zone) {
    const auto first = parse_day(first_day);
    const auto last = parse_day(last_day);
    if (!first || !last) return std::string("from and to must be dates written YYYY-MM-DD");
    if (*last < *first) return std::string("to is before from");
    if ((*last - *first).count() + 1 > kMaxDays)
        return "a report covers at most " + std::to_string(kMaxDays) + " days";
    if (unit.size() > 100) return std::string("unit is longer than 100 bytes");
    if (!identity::plausible_time_zone_name(time_zone))
        return std::string("time_zone must be a time zone name such as Europe/Berlin or UTC");
    return MetricsRequest{std::string(first_day), std::string(last_day), std::string(unit),
                          std::string(time_zone)};
}

storage::PgParams metrics_params(const std::string& org_id, const MetricsRequest& request) {
    return storage::PgParams{org_id, request.first_day, request.last_day, request.unit,
                             request.time_zone};
}

}  // namespace wardline::server::reports
