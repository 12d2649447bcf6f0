// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

namespace wardline::server {

/// A correlation id for one connection, unique within the process and unlikely to repeat
/// across restarts ("c" + random process prefix + counter). It appears in logs and in
/// system.welcome so support can match a client's report to the server's log lines.
std::string next_connection_id();

}  // namespace wardline::server
