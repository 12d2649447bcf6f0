// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `oncall import --org NAME FILE.csv`: adds the shifts of the CSV (docs/oncall.md) to the
/// organization's on-call schedules, creating missing teams, all or nothing in one
/// transaction, audited. Every bad line is reported with its line number; then nothing is
/// stored and the exit status is 3.
int run_oncall(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
