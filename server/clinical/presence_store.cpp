// SPDX-License-Identifier: Apache-2.0
// Coroutine arguments are built as named locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/clinical/presence_store.hpp"

#include "server/clinical/clinical_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>
#include <span>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
using storage::PgLease;
using storage::PgParams;

/// A uuid[] or integer[] literal of user ids or counts. The ids come from the sessions and
/// the database (UUIDs), never from a request, and travel as a parameter.
std::string array_literal(std::span<const std::string> ids) {
    std::string out = "{";
    for (const auto& id : ids) {
        if (out.size() > 1) out += ',';
        out += id;
    }
    return out + "}";
}

/// Locks the users' presence (presence_lock_users.sql).
asio::awaitable<Result<void>> lock_users(PgLease& l, std::vector<std::string> users) {
    if (users.empty()) co_return Result<void>{};
    PgParams params;
    params.text(array_literal(users));
    auto locking = l.query(sql::presence_lock_users(), std::move(params));
    auto locked = co_await std::move(locking);
    if (!locked) co_return locked.error();
    co_return Result<void>{};
}

/// Those of `users` with a connection on a live node other than `node`.
asio::awaitable<Result<std::vector<std::string>>> online_elsewhere(PgLease& l,
                                                                   std::vector<std::string> users,
                                                                   std::string node) {
    std::vector<std::string> out;
    if (users.empty()) co_return out;
    PgParams params;
    params.text(array_literal(users)).text(node);
    auto reading = l.query(sql::presence_online_elsewhere(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return r.error();
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->text_or_throw(i, 0));
    co_return out;
}

}  // namespace

PresenceStore::PresenceStore(storage::PgPool& pool, std::string node, std::chrono::seconds ttl)
    : pool_(pool), node_(std::move(node)), ttl_(ttl) {}

asio::awaitable<Result<void>> PresenceStore::register_node() {
    PgParams params;
    params.text(node_).integer(ttl_.count());
    auto registering = pool_.query(sql::presence_node_register(), std::move(params));
    auto done = co_await std::move(registering);
    if (!done) co_return done.error();
    co_return Result<void>{};
}

asio::awaitable<Result<bool>> PresenceStore::heartbeat() {
    PgParams params{node_};
    auto beating = pool_.query(sql::presence_node_heartbeat(), std::move(params));
    auto done = co_await std::move(beating);
    // result<bool> does not convert from an error_code by itself (bool would take it too).
    if (!done) co_return Result<bool>(boost::system::in_place_error, done.error());
    co_return Result<bool>(boost::system::in_place_value, done->rows() == 1);
}

asio::awaitable<Result<std::vector<PresenceTransition>>> PresenceStore::set_connections(
    std::vector<ConnectionCount> counts) {
    std::vector<PresenceTransition> transitions;
    if (counts.empty()) co_return transitions;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return lease.error();
    std::vector<std::string> users;
    for (const auto& c : counts) users.push_back(c.user_id);
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        transitions.assign(counts.size(), PresenceTransition::none);
        // The node first, then the users: the order remove_node() takes them in.
        PgParams node_params{node_};
        auto checking = l.query(sql::presence_node_check(), std::move(node_params));
        auto checked = co_await std::move(checking);
        if (!checked) co_return checked.error();
        if (checked->rows() == 0) co_return Errc::not_found;
        auto locking = lock_users(l, users);
        if (auto locked = co_await std::move(locking); !locked) co_return locked.error();

        // Under the locks: who has a row here, and who is online on another live node.
        PgParams here_params;
        here_params.text(node_).text(array_literal(users));
        auto getting = l.query(sql::presence_connections_here(), std::move(here_params));
        auto here_rows = co_await std::move(getting);
        if (!here_rows) co_return here_rows.error();
        std::vector<std::string> here;
        for (int i = 0; i < here_rows->rows(); ++i)
            here.emplace_back(here_rows->text_or_throw(i, 0));
        std::sort(here.begin(), here.end());
        auto asking = online_elsewhere(l, users, node_);
        auto elsewhere = co_await std::move(asking);
        if (!elsewhere) co_return elsewhere.error();
        std::sort(elsewhere->begin(), elsewhere->end());

        std::vector<std::string> put_ids, put_counts, drop_ids, came_online;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            const auto& user = counts[i].user_id;
            const bool was_here = std::binary_search(here.begin(), here.end(), user);
            const bool online_elsewhere_now =
                std::binary_search(elsewhere->begin(), elsewhere->end(), user);
            if (counts[i].count > 0) {
                put_ids.push_back(user);
                put_counts.push_back(std::to_string(counts[i].count));
                if (!was_here && !online_elsewhere_now) {
                    came_online.push_back(user);
                    transitions[i] = PresenceTransition::came_online;
                }
            } else if (was_here) {
                drop_ids.push_back(user);
                if (!online_elsewhere_now) transitions[i] = PresenceTransition::went_offline;
            }
        }
        if (!put_ids.empty()) {
            PgParams put;
            put.text(node_).text(array_literal(put_ids)).text(array_literal(put_counts));
            auto putting = l.query(sql::presence_connections_put_many(), std::move(put));
            if (auto written = co_await std::move(putting); !written) co_return written.error();
        }
        if (!drop_ids.empty()) {
            PgParams drop;
            drop.text(node_).text(array_literal(drop_ids));
            auto dropping = l.query(sql::presence_connections_drop_many(), std::move(drop));
            if (auto dropped = co_await std::move(dropping); !dropped) co_return dropped.error();
        }
        if (!came_online.empty()) {
            PgParams clear;
            clear.text(array_literal(came_online));
            auto clearing = l.query(sql::presence_statuses_clear_many(), std::move(clear));
            if (auto cleared = co_await std::move(clearing); !cleared) co_return cleared.error();
        }
        co_return Result<void>{};
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    if (!done) co_return done.error();
    co_return transitions;
}

asio::awaitable<Result<void>> PresenceStore::set_status(std::string user_id, std::string org_id,
                                                        std::string status) {
    auto lease = co_await pool_.acquire();
    if (!lease) co_return lease.error();
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        std::vector<std::string> just_the_user{user_id};
        auto locking = lock_users(l, just_the_user);
        if (auto locked = co_await std::move(locking); !locked) co_return locked.error();
        PgParams row{user_id, org_id, status};
        auto putting = l.query(sql::presence_status_put(), std::move(row));
        if (auto put = co_await std::move(putting); !put) co_return put.error();
        co_return Result<void>{};
    };
    auto transacting = storage::with_transaction(*lease, work);
    co_return co_await std::move(transacting);
}

asio::awaitable<Result<std::vector<std::string>>> PresenceStore::dead_nodes() {
    auto reading = pool_.query(sql::presence_nodes_dead());
    auto r = co_await std::move(reading);
    if (!r) co_return r.error();
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i)
        if (r->text_or_throw(i, 0) != node_) out.emplace_back(r->text_or_throw(i, 0));
    co_return out;
}

asio::awaitable<Result<PresenceStore::Removal>> PresenceStore::remove_node(std::string node,
                                                                           bool only_if_dead) {
    auto lease = co_await pool_.acquire();
    if (!lease) co_return lease.error();
    Removal removal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        removal = Removal{};
        PgParams lock_params{node};
        lock_params.boolean(only_if_dead);
        auto locking = l.query(sql::presence_node_lock(), std::move(lock_params));
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        if (locked->rows() == 0) co_return Result<void>{};  // gone already, or alive again

        // The node's row is locked: no connection row of it can appear until COMMIT.
        PgParams users_params{node};
        auto listing = l.query(sql::presence_node_users(), std::move(users_params));
        auto listed = co_await std::move(listing);
        if (!listed) co_return listed.error();
        std::vector<std::string> users;
        for (int i = 0; i < listed->rows(); ++i) users.emplace_back(listed->text_or_throw(i, 0));
        auto user_locking = lock_users(l, users);
        if (auto users_locked = co_await std::move(user_locking); !users_locked)
            co_return users_locked.error();

        PgParams remove_params{node};
        auto removing = l.query(sql::presence_node_remove(), std::move(remove_params));
        auto removed = co_await std::move(removing);
        if (!removed) co_return removed.error();
        std::vector<std::string> gone;
        for (int i = 0; i < removed->rows(); ++i) gone.emplace_back(removed->text_or_throw(i, 0));
        PgParams delete_params{node};
        auto deleting = l.query(sql::presence_node_delete(), std::move(delete_params));
        if (auto deleted = co_await std::move(deleting); !deleted) co_return deleted.error();

        auto asking = online_elsewhere(l, gone, node);
        auto elsewhere = co_await std::move(asking);
        if (!elsewhere) co_return elsewhere.error();
        std::sort(elsewhere->begin(), elsewhere->end());
        removal.removed = true;
        for (auto& user : gone)
            if (!std::binary_search(elsewhere->begin(), elsewhere->end(), user))
                removal.offline.push_back(std::move(user));
        co_return Result<void>{};
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    if (!done) co_return done.error();
    co_return removal;
}

}  // namespace wardline::server::clinical
