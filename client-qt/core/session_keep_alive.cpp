// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/session_keep_alive.hpp"

#include <algorithm>

namespace wardline::client {

std::chrono::milliseconds SessionKeepAlive::interval() const {
    const int seconds = session_.info() ? session_.info()->idle_timeout_seconds : 0;
    // Without a timeout from the server, the server's default policy (15 minutes).
    const std::chrono::milliseconds timeout = std::chrono::seconds(seconds > 0 ? seconds : 900);
    return std::max<std::chrono::milliseconds>(timeout / 3, std::chrono::seconds(1));
}

void SessionKeepAlive::user_active() {
    if (session_.step() != Session::Step::signed_in ||
        connection_.state() != ServerConnection::State::connected)
        return;
    if (std::chrono::steady_clock::now() - connection_.last_sent() < interval()) return;
    ++pings_sent_;
    // The answer carries nothing to act on: a session that ended says so with
    // auth.session_ended, which the Session handles.
    connection_.request(QStringLiteral("system.ping"), {}, [](const ServerResponse&) {});
}

}  // namespace wardline::client
