// SPDX-License-Identifier: Apache-2.0
#pragma once
// `wardlinectl devices ...` (issue #7; docs/admin-guide.md "Devices: revoke, quarantine,
// wipe"): the device control of the devices.* requests for an operator at the server's shell,
// scoped to one organization, each change audited (actor: wardlinectl) in its own transaction.
// The device's live connections on every server process are told through the same NOTIFY
// channel the servers relay their events on (server/identity/relayed_event.hpp), sent when the
// transaction commits.
#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::ctl {

/// `devices list --org NAME --user USERNAME`, `devices quarantine|release|wipe|revoke DEVICE_ID
/// --org NAME [--reason TEXT]` (all with --database-url CONNINFO).
int run_devices(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardline::server::ctl
