// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/presence_service.hpp"

#include "server/clinical/clinical_sql.hpp"
#include "server/clinical/service_support.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <tuple>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

}  // namespace

PresenceService::PresenceService(storage::PgPool& pool, identity::SessionRegistry& sessions)
    : pool_(pool), sessions_(sessions) {}

std::string PresenceService::presence_of(const std::string& user_id) const {
    if (!sessions_.has_user(user_id)) return "offline";
    return board_.status(user_id);
}

asio::awaitable<Outcome> PresenceService::handle(std::string type, json body,
                                                 identity::ConnectionAuth& auth) {
    if (type != "presence.set")
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    const identity::BoundSession caller = *auth.session;
    // The schema admits available, busy and away only: offline is derived, never set.
    const std::string status = body.at("status").get<std::string>();
    const auto decision = board_.set(caller.user_id, status, PresenceBoard::Clock::now());
    const auto executor = co_await asio::this_coro::executor;
    if (decision == PresenceBoard::Push::now) {
        asio::co_spawn(executor, push(caller.org_id, caller.user_id, status), asio::detached);
    } else if (decision == PresenceBoard::Push::schedule) {
        asio::co_spawn(executor, push_later(caller.org_id, caller.user_id), asio::detached);
    }
    co_return json{{"status", status}};
}

asio::awaitable<void> PresenceService::push_later(std::string org_id, std::string user_id) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(board_.next_push_at(user_id));
    std::ignore = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::string status = board_.take_pending(user_id, PresenceBoard::Clock::now());
    co_await push(std::move(org_id), std::move(user_id), std::move(status));
}

asio::awaitable<void> PresenceService::push(std::string org_id, std::string user_id,
                                            std::string status) {
    storage::PgParams params{org_id, user_id};
    auto reading = pool_.query(sql::presence_peers(), std::move(params));
    auto peers = co_await std::move(reading);
    if (!peers) co_return;  // a lost push only delays: directory.search reads presence anew
    const json event{{"user_id", user_id}, {"status", status}};
    for (int i = 0; i < peers->rows(); ++i)
        sessions_.notify_user(std::string(peers->text_or_throw(i, 0)), "presence.changed", event);
}

}  // namespace wardline::server::clinical
