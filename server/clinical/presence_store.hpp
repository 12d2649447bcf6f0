// SPDX-License-Identifier: Apache-2.0
#pragma once
// The presence state every server process shares, in PostgreSQL (migration 0012; docs/oncall.md
// "Presence"): the live nodes and their heartbeats, each node's count of each user's
// connections, and the status each user set. Each call is one transaction; the counts of many
// users are written in one (set_connections). Whether a user is online anywhere changes only
// under the user's advisory lock (presence_lock_users.sql, every user of a batch locked in key
// order for the whole transaction), so of all the processes exactly one sees a user's first
// connection anywhere and exactly one their last connection anywhere going (or the removal of
// the dead node that held it): that process pushes presence.changed, once.
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::clinical {

/// What a change of this node's connections did to the user's presence everywhere.
enum class PresenceTransition {
    none,          ///< still online elsewhere, or still offline, or still connected here
    came_online,   ///< the user's first connection anywhere: they are available now
    went_offline,  ///< the user's last connection anywhere went: they are offline now
};

class PresenceStore {
public:
    /// `node`: this process's id (16 hex digits); `ttl`: after how long without a heartbeat
    /// this node counts as dead (presence.node_ttl_seconds).
    PresenceStore(storage::PgPool& pool, std::string node, std::chrono::seconds ttl);

    const std::string& node() const { return node_; }

    /// Registers this node as live (at start, and again after it was removed as dead).
    boost::asio::awaitable<Result<void>> register_node();
    /// The heartbeat. False: the node's row is gone (another node removed it as dead), so it
    /// must register again and write its connections anew.
    boost::asio::awaitable<Result<bool>> heartbeat();

    /// One user's count of connections on this node.
    struct ConnectionCount {
        std::string user_id;
        std::size_t count = 0;
    };
    /// Most users set_connections() takes at once (each holds an advisory lock until COMMIT).
    static constexpr std::size_t kMaxBatch = 250;

    /// Stores each `count` as the user's connections on this node (none: the row is deleted),
    /// all in one transaction, and tells what that did to each user's presence everywhere (in
    /// the order given); a user who came online has their status cleared (they start
    /// available). Each user once, at most kMaxBatch. Errc::not_found: this node is not
    /// registered (it was removed as dead): register again, then write the counts again.
    boost::asio::awaitable<Result<std::vector<PresenceTransition>>> set_connections(
        std::vector<ConnectionCount> counts);

    /// Stores what the user set: available, busy or away.
    boost::asio::awaitable<Result<void>> set_status(std::string user_id, std::string org_id,
                                                    std::string status);

    /// The other nodes whose heartbeat is older than their TTL.
    boost::asio::awaitable<Result<std::vector<std::string>>> dead_nodes();

    /// What remove_node() did.
    struct Removal {
        bool removed = false;              ///< false: gone already (another process), or alive
        std::vector<std::string> offline;  ///< the users thereby offline everywhere
    };
    /// Removes `node` and its connections (when `only_if_dead`, only while it is still dead;
    /// this node removes itself on a graceful stop with false).
    boost::asio::awaitable<Result<Removal>> remove_node(std::string node, bool only_if_dead);

private:
    storage::PgPool& pool_;
    std::string node_;
    std::chrono::seconds ttl_;
};

}  // namespace wardline::server::clinical
