// SPDX-License-Identifier: Apache-2.0
#pragma once
// presence.set (issue #5, docs/oncall.md "Presence"): a user says they are available, busy or
// away; offline means no live server process holds a connection of theirs. The state is shared
// by every process through the database (presence_store.hpp, written by this process's
// presence_node.hpp); directory.search reads it there (user_presence(), migration 0012).
// Each change is pushed as presence.changed to the online users who share a conversation with
// the user, by the one process that made it: presence.set by the process that took it, a
// user's first connection anywhere (available) and last connection anywhere going (offline) by
// the process the database named. Throttled per process by PresenceThrottle.
#include "server/clinical/presence_node.hpp"
#include "server/clinical/presence_store.hpp"
#include "server/clinical/presence_throttle.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::clinical {

class PresenceService {
public:
    /// How long stop() waits for presence.changed pushes still throttled or in progress.
    static constexpr std::chrono::milliseconds kPushWait{3000};

    /// Registers with `sessions` for connections arriving and going; pushes run on `executor`.
    /// `node` is this process's id, `node_ttl` presence.node_ttl_seconds.
    PresenceService(boost::asio::any_io_executor executor, storage::PgPool& pool,
                    identity::SessionRegistry& sessions, std::string node,
                    std::chrono::seconds node_ttl);
    /// Unregisters from the SessionRegistry.
    ~PresenceService();
    PresenceService(const PresenceService&) = delete;
    PresenceService& operator=(const PresenceService&) = delete;

    /// Registers this process as a presence node and starts its heartbeat.
    void start();
    /// Graceful stop (after the connections drained): removes this node's rows, pushes the
    /// offline users, waits for the pushes, then calls `done` (from any thread).
    void stop(std::function<void()> done);

    /// presence.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    /// Pushes `status` now or later, as the throttle says.
    void publish(const std::string& user_id, const std::string& status);
    boost::asio::awaitable<void> push(std::string user_id, std::string status);
    boost::asio::awaitable<void> push_later(std::string user_id);
    boost::asio::awaitable<void> wait_for_pushes(std::function<void()> done);

    boost::asio::any_io_executor executor_;
    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    PresenceThrottle throttle_;
    PresenceStore store_;
    PresenceNode node_;
    std::atomic<int> pushes_in_flight_{0};
};

}  // namespace wardline::server::clinical
