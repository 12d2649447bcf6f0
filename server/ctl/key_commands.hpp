// SPDX-License-Identifier: Apache-2.0
#pragma once
// wardlinectl keys: the sealing keyring (identity.sealing_keyring_file) and the rows sealed
// under it (docs/security.md, "Key management").
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// keys create|rotate|status|reseal|retire|shred (and the older name `keyring create|rotate`).
/// Returns the process exit code: 0 done, 1 failure, 2 usage, 3 refused.
int run_keys(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
