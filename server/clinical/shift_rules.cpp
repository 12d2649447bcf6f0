// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/shift_rules.hpp"

#include "server/clinical/iso_time.hpp"
#include "server/identity/credentials.hpp"

namespace wardline::server::clinical {

std::string check_shift(std::string_view start, std::string_view end, std::string_view role,
                        ShiftTimes& out) {
    const auto from = parse_utc(start);
    if (!from) return "start must be an ISO 8601 UTC time like 2026-11-23T08:00:00Z";
    const auto to = parse_utc(end);
    if (!to) return "end must be an ISO 8601 UTC time like 2026-11-23T08:00:00Z";
    if (*to <= *from) return "end must be after start";
    if (*to - *from > kMaxShiftSeconds) return "a shift lasts at most 7 days";
    if (role != "primary" && role != "backup") return "role must be primary or backup";
    out = ShiftTimes{*from, *to};
    return {};
}

std::string check_team_name(std::string_view name) {
    return identity::Credentials::check_profile_text(name, "team name", 100, true);
}

}  // namespace wardline::server::clinical
