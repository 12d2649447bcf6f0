// SPDX-License-Identifier: Apache-2.0
#pragma once
// What one connection holds about who is on the other end: nothing, a login in progress, or
// a session. Owned by the connection and touched only on its strand, so it needs no lock.
#include "server/authz/request_policy.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <string>
#include <vector>

namespace wardline::server::identity {

using Clock = std::chrono::steady_clock;

/// A login whose password was right and which still needs a password change and/or MFA.
struct PendingLogin {
    std::string user_id;
    std::string org_id;
    std::string org_name;
    std::string username;
    std::string display_name;
    bool must_change_password = false;
    bool mfa_required = true;
    bool mfa_enrolled = false;
    bool mfa_passed = false;  ///< a TOTP or recovery code was accepted in this login
    bool privileged = false;
    int lockout_threshold = 10;
    int idle_timeout_seconds = 900;
    int absolute_lifetime_seconds = 43200;
    // The device the session will be bound to: an existing id, or one to register.
    std::optional<std::string> device_id;
    std::string device_name;
    std::string device_platform;
    std::vector<std::uint8_t> device_identity_key;
    Clock::time_point started;
};

/// A session bound to this connection.
struct BoundSession {
    std::string session_id;
    std::string user_id;
    std::string org_id;
    std::string device_id;
    std::string username;
    std::string display_name;
    std::set<std::string, std::less<>> permissions;
    std::chrono::seconds idle_timeout{900};
    std::int64_t expires_at_ms = 0;  ///< absolute end, ms since the Unix epoch
    Clock::time_point idle_deadline;
    Clock::time_point absolute_deadline;
    Clock::time_point last_persisted;  ///< when sessions.last_seen_at was last written
    /// What holds the device (issue #7): read at login and resume, then kept current by the
    /// device.quarantined / device.released / device.wipe events (server/identity/device_hold.hpp).
    authz::DeviceHold hold = authz::DeviceHold::none;

    bool has(std::string_view permission) const { return permissions.contains(permission); }
};

/// Reasons a session ends, as the auth.session_ended event names them.
enum class EndReason {
    logout,
    revoked,
    idle_timeout,
    expired,
    password_changed,
    user_suspended,
    user_deactivated,
    device_revoked,
    credentials_reset,
    account_locked,  ///< wrong second factors from a live session reached the lockout threshold
};
std::string_view to_string(EndReason r) noexcept;

/// Tells a connection that its session ended. Called from any thread; the connection's
/// implementation posts to its own strand.
using SessionEndFn = std::function<void(const std::string& session_id, EndReason)>;

/// Pushes an event (its type and body, as proto/wardline.schema.json "events" defines them) to
/// a connection. Called from any thread; the connection's implementation posts to its own
/// strand, and drops the event if the connection no longer holds a session.
using ConnectionEventFn = std::function<void(const std::string& event, const nlohmann::json& body)>;

class ConnectionAuth {
public:
    /// A pending login times out after this long.
    static constexpr std::chrono::minutes kLoginTimeout{10};

    /// An auth.challenge answer is accepted this long.
    static constexpr std::chrono::minutes kChallengeLifetime{5};

    std::optional<PendingLogin> pending;
    std::optional<BoundSession> session;
    /// The challenge of the next auth.login's device possession proof (auth.challenge); used
    /// up by that login whatever its outcome.
    std::optional<std::array<std::uint8_t, 32>> login_challenge;
    Clock::time_point challenge_issued;
    /// Set while an auth.* request runs, so that two cannot interleave on one connection.
    bool busy = false;
    /// Address of the peer, for audit records and per-address throttling.
    std::string source_address;
    /// Set by the connection: how the SessionRegistry reaches it.
    SessionEndFn on_end;
    /// Set by the connection: how the SessionRegistry pushes events to it.
    ConnectionEventFn on_event;
    /// SessionRegistry handle of the bound session; 0 when none.
    std::uint64_t registry_handle = 0;
    /// The connection has closed: a login step still running must not bind a session to it.
    bool closed = false;
    /// Set when a login or resume bound a session whose device is held: the connection pushes
    /// the matching event (device.quarantined or device.wipe) right after the response.
    authz::DeviceHold announce_hold = authz::DeviceHold::none;
};

}  // namespace wardline::server::identity
