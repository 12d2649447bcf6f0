// SPDX-License-Identifier: Apache-2.0
#pragma once
// This server process as a presence node (docs/oncall.md "Presence"; migration 0012): it
// registers at start, heartbeats every TTL/3, writes each user's count of connections here as it
// changes, removes the nodes whose heartbeat is older than their TTL, and removes itself on a
// graceful stop. One writer coroutine does every write in order, off the request path: counts
// that change in a burst are coalesced (kCoalesceWindow) into one write of the latest per user,
// and the users' counts go to the database in batches, one transaction for many users
// (PresenceStore::set_connections); a presence.set waits only for the writes of its own user
// queued before it. When the database says a user came
// online or went offline everywhere (presence_store.hpp), the owner is told, once across all
// processes, and pushes it.
#include "common/core/errc.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::clinical {

class PresenceStore;

class PresenceNode {
public:
    /// `status`: "available" (the user came online) or "offline" (went offline everywhere).
    /// Called on the node's strand; must not block.
    using TransitionFn = std::function<void(const std::string& user_id, const std::string& status)>;

    /// How long the writer lets connection changes gather before it writes a batch that is not
    /// full: a reconnect storm becomes a few transactions of many users each.
    static constexpr std::chrono::milliseconds kCoalesceWindow{20};
    /// After a failed write, how long the writer waits before it tries again.
    static constexpr std::chrono::milliseconds kRetryDelay{1000};
    /// How long stop() waits for the writer and the heartbeat to finish what they are doing.
    static constexpr std::chrono::milliseconds kStopWait{3000};

    PresenceNode(boost::asio::any_io_executor executor, PresenceStore& store,
                 identity::SessionRegistry& sessions, std::chrono::seconds ttl, TransitionFn told);
    ~PresenceNode();
    PresenceNode(const PresenceNode&) = delete;
    PresenceNode& operator=(const PresenceNode&) = delete;

    /// Starts the heartbeat (which registers the node first and removes dead nodes) and the
    /// writer. Call once, before connections arrive.
    void start();

    /// From the SessionRegistry, any thread: the user's connections here changed in number.
    void connections_changed(const std::string& user_id);

    /// Stores the status a user set, after the writes of the user's connections queued before
    /// it (so a user who connects and sets busy at once is not then reset to available).
    /// Errc::unavailable when the node is not registered or the database fails.
    boost::asio::awaitable<Result<void>> set_status(std::string user_id, std::string org_id,
                                                    std::string status);

    /// Graceful stop: the heartbeat and the writer end, then the node removes its own rows and
    /// tells the users who are thereby offline everywhere. Calls `done` (from the node's
    /// strand) when finished, also when the database could not be reached.
    void stop(std::function<void()> done);

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace wardline::server::clinical
