// SPDX-License-Identifier: Apache-2.0
#pragma once
// The on-call schedule CSV of `wardlinectl oncall import` (docs/oncall.md): a header
// `team,username,start,end,role`, then one shift per line. Fields may be quoted as RFC 4180
// says ("a, b" and "" for a quote). This checks the form of each line; users, teams and
// overlaps are checked against the database by the command.
#include "server/clinical/shift_rules.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::clinical {

/// Bounds of one import: a larger file is refused before anything is read into the database.
inline constexpr std::size_t kMaxCsvBytes = 1 << 20;
inline constexpr std::size_t kMaxCsvShifts = 10000;

struct CsvShift {
    std::size_t line = 0;  ///< 1-based line number in the file (the header is line 1)
    std::string team;
    std::string username;
    std::string role;
    ShiftTimes times;
};

/// A problem with one line: its number and the rule broken (never the line's content).
struct CsvProblem {
    std::size_t line = 0;
    std::string message;
};

struct CsvSchedule {
    std::vector<CsvShift> shifts;
    std::vector<CsvProblem> problems;  ///< every bad line, in file order
};

/// Parses the whole file. Blank lines are skipped; a missing or wrong header is a problem of
/// line 1.
CsvSchedule parse_oncall_csv(std::string_view text);

}  // namespace wardline::server::clinical
