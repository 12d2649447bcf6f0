// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// wardlinectl audit keygen | verify | checkpoint | export | verify-export.
int run_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
