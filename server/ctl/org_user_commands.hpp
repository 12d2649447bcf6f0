// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `org create --name NAME`: creates an organization (idempotent: an existing one is reported).
int run_org(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `user create --org NAME --username U --display-name D --role R`: creates a user with a
/// random one-time password (Argon2id-hashed; printed once, to `out`, never logged) that must
/// be changed at first login. Refuses an existing username.
int run_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
