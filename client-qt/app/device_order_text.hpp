// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the application tells its user about the administrator's orders for this device
// (docs/client.md, "Remote wipe and quarantine"): the sign-in screen's message after a wipe,
// saying plainly what could not be done, and the shell's notice while the device is
// quarantined. Neither names the administrator's reason.
#include <QString>

namespace wardline::app {

/// After a wipe: `erased` when no file of the account is left, `confirmed` when the server
/// recorded it.
QString wiped_out_message(bool erased, bool confirmed);

/// The notice shown while the device is quarantined.
QString quarantine_notice();

}  // namespace wardline::app
