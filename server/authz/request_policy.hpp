// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one place where every request type declares who may send it (issue #3, Authorization).
// The dispatcher refuses a request type without a row here (deny by default), and
// tests/unit/server/request_policy_test.cpp fails when the protocol schema gains a type
// without a row, or the schema's "auth" text disagrees with the row.
#include <span>
#include <string>
#include <string_view>

namespace wardline::server::authz {

/// What the connection must hold before the handler runs.
enum class Access {
    anonymous,  ///< anybody, also before login (system.*, auth.login, auth.resume)
    login,      ///< a login in progress on this connection (password checked, MFA pending)
    session,    ///< a valid session bound to this connection
};

/// How the objects a request names are tied to the caller. Every lookup of a target is
/// scoped to the caller's organization; a target of another organization is not_found.
enum class Target {
    none,         ///< the request names no object, or only the caller's own
    org_user,     ///< body.user_id: a user of the caller's organization
    org_device,   ///< body.device_id: a device of a user of the caller's organization
    org_session,  ///< body.session_id: a session of a user of the caller's organization
};

struct RequestPolicy {
    std::string_view type;
    Access access;
    /// Permission of docs/permissions.md the session's roles must grant; empty for none.
    std::string_view permission;
    Target target;
};

/// What holds the device of the caller's session (issue #7, docs/admin-guide.md "Devices:
/// revoke, quarantine, wipe"): an administrator's quarantine, or a wipe order the device has
/// not confirmed yet. A wipe order outranks a quarantine.
enum class DeviceHold {
    none,
    quarantined,   ///< every read and write is refused with device_quarantined
    wipe_pending,  ///< only devices.confirm_wipe and auth.logout are left
};

/// All rows, sorted by type.
std::span<const RequestPolicy> request_policies() noexcept;
/// The row of `type`, or nullptr: such a request is refused.
const RequestPolicy* policy_for(std::string_view type) noexcept;
/// Whether a session whose device is under `hold` may still make the request. Requests that
/// need no session (system.*, the login steps) are always allowed; of the others, a
/// quarantined device keeps only auth.logout, auth.logout_all and account.change_password, and
/// a device ordered to wipe only devices.confirm_wipe and auth.logout.
bool allowed_under_hold(const RequestPolicy& policy, DeviceHold hold) noexcept;
/// The session requests a device under `hold` may still make, sorted (for tests and docs).
std::span<const std::string_view> requests_allowed_under(DeviceHold hold) noexcept;
/// Every permission name the server knows (docs/permissions.md), sorted.
std::span<const std::string_view> known_permissions() noexcept;
/// The row as the schema's "auth" field writes it: "none", "login", "session" or
/// "permission NAME".
std::string describe(const RequestPolicy& policy);

}  // namespace wardline::server::authz
