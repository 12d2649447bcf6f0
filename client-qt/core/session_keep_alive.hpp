// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps the session of an active user alive (docs/client.md, "Staying signed in"). The
// server's idle deadline moves only with requests, so a clinician who reads without sending
// would be signed out after the organization's idle timeout. The application reports every
// input of its user (IdleWatcher); when the session is signed in and nothing went to the
// server for a third of the session's idle timeout, this sends system.ping, which the server
// takes as activity of the session. A user who does nothing sends nothing: the server's idle
// timeout and the application's own lock still apply.
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <chrono>

namespace wardline::client {

class SessionKeepAlive {
public:
    /// `connection` and `session` must outlive this object.
    SessionKeepAlive(ServerConnection& connection, const Session& session)
        : connection_(connection), session_(session) {}

    /// The user did something (a key, the mouse, a touch). Cheap: call it on every input.
    void user_active();
    /// The pause after the last request before user activity sends a ping: a third of the
    /// session's idle timeout (at least one second).
    std::chrono::milliseconds interval() const;
    int pings_sent() const noexcept { return pings_sent_; }

private:
    ServerConnection& connection_;
    const Session& session_;
    int pings_sent_ = 0;
};

}  // namespace wardline::client
