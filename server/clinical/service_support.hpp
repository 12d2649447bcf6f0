// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the clinical services share: the common failures and the audit note of an action taken
// by the caller's session.
#include "server/identity/audit_bridge.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <string>

namespace wardline::server::clinical {

inline const Failure kUnavailable{Errc::unavailable, "database unavailable"};

/// A success record of `action` by the caller on the target (identity/audit_bridge.hpp).
using identity::caller_note;

}  // namespace wardline::server::clinical
