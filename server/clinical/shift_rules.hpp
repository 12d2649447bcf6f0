// SPDX-License-Identifier: Apache-2.0
#pragma once
// The rules one on-call shift must follow before it meets the database (docs/oncall.md), shared
// by oncall.shifts.add and `wardlinectl oncall import`. Overlaps are checked in the database.
#include <cstdint>
#include <string>
#include <string_view>

namespace wardline::server::clinical {

/// The longest shift: a week.
inline constexpr std::int64_t kMaxShiftSeconds = 7 * 24 * 3600;
/// The most teams one organization may have.
inline constexpr std::int64_t kMaxTeams = 500;

/// A shift's times, seconds since the Unix epoch, [start, end).
struct ShiftTimes {
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// Parses and checks start, end and role. Empty on success (and `out` is set), else the rule
/// broken, in words that name the field and never echo the value.
std::string check_shift(std::string_view start, std::string_view end, std::string_view role,
                        ShiftTimes& out);

/// Empty if `name` may name a team (1..100 visible characters, no control or invisible ones).
std::string check_team_name(std::string_view name);

}  // namespace wardline::server::clinical
