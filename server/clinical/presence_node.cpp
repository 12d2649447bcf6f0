// SPDX-License-Identifier: Apache-2.0
// Coroutine arguments are built as named locals before co_await (GCC 12, CONTRIBUTING.md).
// Everything in State is touched on its strand only: the coroutines run on it, and calls from
// other threads post to it.
#include "server/clinical/presence_node.hpp"

#include "common/core/log.hpp"
#include "server/clinical/presence_store.hpp"
#include "server/identity/session_registry.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <iterator>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
using Reply = asio::experimental::concurrent_channel<void(boost::system::error_code, bool)>;

/// A presence.set waiting for the writer.
struct PendingSet {
    std::string user_id;
    std::string org_id;
    std::string status;
    std::shared_ptr<Reply> reply;
};

}  // namespace

struct PresenceNode::State {
    State(asio::any_io_executor ex, PresenceStore& st, identity::SessionRegistry& se,
          std::chrono::seconds t, TransitionFn fn)
        : strand(asio::make_strand(ex)),
          store(st),
          sessions(se),
          heartbeat_interval(std::chrono::duration_cast<std::chrono::milliseconds>(t) / 3),
          told(std::move(fn)),
          wake(strand),
          coalesce(strand),
          heartbeat_timer(strand) {}

    asio::strand<asio::any_io_executor> strand;
    PresenceStore& store;
    identity::SessionRegistry& sessions;
    std::chrono::milliseconds heartbeat_interval;
    TransitionFn told;

    std::set<std::string> dirty;    ///< users whose count here is to be written
    std::set<std::string> writing;  ///< taken from dirty by the writer, not written yet
    std::vector<PendingSet> sets;   ///< presence.set requests, in arrival order
    bool registered = false;
    bool stopping = false;
    int loops_running = 0;
    bool warned_unreachable = false;
    asio::steady_timer wake;             ///< the writer waits on it; cancel() wakes it
    asio::steady_timer coalesce;         ///< the writer's short wait for a burst to gather
    asio::steady_timer heartbeat_timer;  ///< cancel() makes the heartbeat run now

    void answer_sets(bool ok) {
        for (auto& s : std::exchange(sets, {})) s.reply->try_send(boost::system::error_code{}, ok);
    }

    /// Logs a database failure once until the next success: a database that is down must not
    /// flood the log.
    void unreachable(const char* what, const boost::system::error_code& ec) {
        if (warned_unreachable) return;
        warned_unreachable = true;
        log::db().warn("presence: {} failed ({}); retrying", what, ec.message());
    }

    void tell(const std::vector<std::string>& users, const std::string& status) {
        for (const auto& user : users) told(user, status);
    }

    static asio::awaitable<void> remove_dead_nodes(std::shared_ptr<State> s) {
        auto finding = s->store.dead_nodes();
        auto dead = co_await std::move(finding);
        if (!dead) {
            s->unreachable("looking for dead nodes", dead.error());
            co_return;
        }
        for (const auto& node : *dead) {
            auto removing = s->store.remove_node(node, true);
            auto removal = co_await std::move(removing);
            if (!removal) {
                s->unreachable("removing a dead node", removal.error());
                co_return;
            }
            if (!removal->removed) continue;  // another process was first, or it came back
            log::app().info(
                "presence: removed node {} (no heartbeat within its TTL); {} user(s) "
                "now offline",
                node, removal->offline.size());
            s->tell(removal->offline, "offline");
        }
    }

    static asio::awaitable<void> heartbeat_loop(std::shared_ptr<State> s) {
        while (!s->stopping) {
            try {
                if (!s->registered) {
                    auto registering = s->store.register_node();
                    if (auto done = co_await std::move(registering); done) {
                        s->registered = true;
                        s->warned_unreachable = false;
                        log::app().info("presence: node {} registered (heartbeat every {} ms)",
                                        s->store.node(), s->heartbeat_interval.count());
                        // Every connection here is written anew (none at the first start).
                        for (auto& user : s->sessions.users()) s->dirty.insert(std::move(user));
                        s->wake.cancel();
                    } else {
                        s->unreachable("registering the node", done.error());
                    }
                } else {
                    auto beating = s->store.heartbeat();
                    auto beat = co_await std::move(beating);
                    if (beat && !*beat) {
                        log::app().warn("presence: node {} was removed as dead; registering again",
                                        s->store.node());
                        s->registered = false;
                        continue;
                    }
                    if (beat) s->warned_unreachable = false;
                    if (!beat) s->unreachable("the heartbeat", beat.error());
                }
                if (s->registered && !s->stopping) {
                    auto removing = remove_dead_nodes(s);
                    co_await std::move(removing);
                }
            } catch (const std::exception& e) {
                log::app().error("presence heartbeat failed: {}", e.what());
            }
            if (s->stopping) break;
            // Not registered (the database not reachable yet): try again within a second.
            s->heartbeat_timer.expires_after(s->registered
                                                 ? s->heartbeat_interval
                                                 : std::min(s->heartbeat_interval, kRetryDelay));
            std::ignore = co_await s->heartbeat_timer.async_wait(use_nothrow);
        }
        --s->loops_running;
    }

    /// Writes the counts here of the users in `writing`, in one transaction; false if it
    /// failed (the users are then dirty again).
    static asio::awaitable<bool> write_counts(std::shared_ptr<State> s) {
        std::vector<PresenceStore::ConnectionCount> counts;
        for (const auto& user : s->writing)
            counts.push_back({user, s->sessions.connections_of(user)});
        auto storing = s->store.set_connections(counts);
        auto written = co_await std::move(storing);
        if (written) {
            s->warned_unreachable = false;
            s->writing.clear();
            for (std::size_t i = 0; i < counts.size(); ++i) {
                if ((*written)[i] == PresenceTransition::came_online)
                    s->told(counts[i].user_id, "available");
                if ((*written)[i] == PresenceTransition::went_offline)
                    s->told(counts[i].user_id, "offline");
            }
            co_return true;
        }
        s->dirty.merge(s->writing);
        s->writing.clear();
        if (written.error() == make_error_code(Errc::not_found)) {
            // Removed as dead meanwhile: register now; everything is written anew then.
            s->registered = false;
            s->heartbeat_timer.cancel();
        } else {
            s->unreachable("writing connections", written.error());
        }
        co_return false;
    }

    /// Moves up to PresenceStore::kMaxBatch users from dirty to writing.
    void take_batch() {
        while (!dirty.empty() && writing.size() < PresenceStore::kMaxBatch)
            writing.insert(dirty.extract(dirty.begin()));
    }

    /// Stores the waiting presence.set requests whose user has no count write pending (those
    /// wait for it, in order); answers them.
    static asio::awaitable<void> serve_sets(std::shared_ptr<State> s) {
        std::vector<PendingSet> waiting = std::exchange(s->sets, {});
        std::vector<PendingSet> later;
        for (auto& set : waiting) {
            if (s->registered &&
                (s->dirty.contains(set.user_id) || s->writing.contains(set.user_id))) {
                later.push_back(std::move(set));
                continue;
            }
            bool stored = false;
            if (s->registered) {
                auto storing = s->store.set_status(set.user_id, set.org_id, set.status);
                auto done = co_await std::move(storing);
                if (!done) s->unreachable("storing a status", done.error());
                stored = done.has_value();
            }
            set.reply->try_send(boost::system::error_code{}, stored);
        }
        // Those that came meanwhile go after the ones kept, in arrival order.
        later.insert(later.end(), std::make_move_iterator(s->sets.begin()),
                     std::make_move_iterator(s->sets.end()));
        s->sets = std::move(later);
    }

    static asio::awaitable<void> write_loop(std::shared_ptr<State> s) {
        while (!s->stopping) {
            if (!s->registered) s->answer_sets(false);
            if (!s->registered || (s->dirty.empty() && s->sets.empty())) {
                s->wake.expires_at(asio::steady_timer::time_point::max());
                std::ignore = co_await s->wake.async_wait(use_nothrow);
                continue;
            }
            bool ok = true;
            try {
                // A short window lets a burst of connection changes gather, then the counts go
                // in batches of many users, one transaction each; between batches the
                // presence.set requests of users with nothing pending, so a reconnect storm
                // does not hold them up.
                if (s->dirty.size() < PresenceStore::kMaxBatch) {
                    s->coalesce.expires_after(kCoalesceWindow);
                    std::ignore = co_await s->coalesce.async_wait(use_nothrow);
                }
                while (ok && !s->dirty.empty() && !s->stopping) {
                    s->take_batch();
                    auto batch = write_counts(s);
                    ok = co_await std::move(batch);
                    auto serving = serve_sets(s);
                    co_await std::move(serving);
                }
                s->dirty.merge(s->writing);  // not written: a failure or the stop came first
                s->writing.clear();
                if (!ok) {
                    // A failed write leaves its user's sets waiting: answer them now.
                    s->answer_sets(false);
                } else {
                    auto serving = serve_sets(s);
                    co_await std::move(serving);
                }
            } catch (const std::exception& e) {
                log::app().error("presence writer failed: {}", e.what());
                s->dirty.merge(s->writing);
                s->writing.clear();
                ok = false;
            }
            if (!ok && s->registered && !s->stopping) {
                s->wake.expires_after(kRetryDelay);
                std::ignore = co_await s->wake.async_wait(use_nothrow);
            }
        }
        s->answer_sets(false);
        --s->loops_running;
    }

    static asio::awaitable<void> stop_node(std::shared_ptr<State> s, std::function<void()> done) {
        s->stopping = true;
        s->wake.cancel();
        s->coalesce.cancel();
        s->heartbeat_timer.cancel();
        asio::steady_timer pause(s->strand);
        const auto deadline = std::chrono::steady_clock::now() + kStopWait;
        while (s->loops_running > 0 && std::chrono::steady_clock::now() < deadline) {
            pause.expires_after(std::chrono::milliseconds(10));
            std::ignore = co_await pause.async_wait(use_nothrow);
        }
        s->answer_sets(false);
        try {
            auto removing = s->store.remove_node(s->store.node(), false);
            auto removal = co_await std::move(removing);
            if (removal && removal->removed) {
                log::app().info("presence: node {} removed itself; {} user(s) now offline",
                                s->store.node(), removal->offline.size());
                s->tell(removal->offline, "offline");
            } else if (removal) {
                log::app().info("presence: node {} was not registered; nothing to remove",
                                s->store.node());
            } else {
                log::db().warn(
                    "presence: node {} could not remove itself ({}); the other nodes "
                    "will when its TTL has passed",
                    s->store.node(), removal.error().message());
            }
        } catch (const std::exception& e) {
            log::app().error("presence: removing the node failed: {}", e.what());
        }
        done();
    }
};

PresenceNode::PresenceNode(asio::any_io_executor executor, PresenceStore& store,
                           identity::SessionRegistry& sessions, std::chrono::seconds ttl,
                           TransitionFn told)
    : state_(std::make_shared<State>(std::move(executor), store, sessions, ttl, std::move(told))) {}

PresenceNode::~PresenceNode() = default;

void PresenceNode::start() {
    state_->loops_running = 2;
    asio::co_spawn(state_->strand, State::heartbeat_loop(state_), asio::detached);
    asio::co_spawn(state_->strand, State::write_loop(state_), asio::detached);
}

void PresenceNode::connections_changed(const std::string& user_id) {
    asio::post(state_->strand, [s = state_, user_id] {
        s->dirty.insert(user_id);
        s->wake.cancel();
    });
}

asio::awaitable<Result<void>> PresenceNode::set_status(std::string user_id, std::string org_id,
                                                       std::string status) {
    const auto executor = co_await asio::this_coro::executor;
    auto reply = std::make_shared<Reply>(executor, 1);
    PendingSet set{std::move(user_id), std::move(org_id), std::move(status), reply};
    asio::post(state_->strand, [s = state_, set = std::move(set)]() mutable {
        if (s->stopping) {
            set.reply->try_send(boost::system::error_code{}, false);
            return;
        }
        s->sets.push_back(std::move(set));
        s->wake.cancel();
    });
    auto [ec, stored] = co_await reply->async_receive(use_nothrow);
    if (ec || !stored) co_return Errc::unavailable;
    co_return Result<void>{};
}

void PresenceNode::stop(std::function<void()> done) {
    asio::co_spawn(state_->strand, State::stop_node(state_, std::move(done)), asio::detached);
}

}  // namespace wardline::server::clinical
