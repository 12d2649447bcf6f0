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

bool settable(const std::string& status) {
    return status == "available" || status == "busy" || status == "away";
}

/// Counts a push coroutine in flight for as long as it lives.
class InFlight {
public:
    explicit InFlight(std::atomic<int>& n) : n_(n) {}
    ~InFlight() { --n_; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

private:
    std::atomic<int>& n_;
};

}  // namespace

PresenceService::PresenceService(asio::any_io_executor executor, storage::PgPool& pool,
                                 identity::SessionRegistry& sessions, std::string node,
                                 std::chrono::seconds node_ttl)
    : executor_(executor),
      pool_(pool),
      sessions_(sessions),
      store_(pool, std::move(node), node_ttl),
      node_(executor, store_, sessions, node_ttl,
            [this](const std::string& user_id, const std::string& status) {
                publish(user_id, status);
            }) {
    sessions_.on_connections(
        [this](const std::string& user_id) { node_.connections_changed(user_id); });
}

PresenceService::~PresenceService() {
    sessions_.on_connections({});
}

void PresenceService::start() {
    node_.start();
}

void PresenceService::stop(std::function<void()> done) {
    node_.stop([this, done = std::move(done)]() mutable {
        asio::co_spawn(executor_, wait_for_pushes(std::move(done)), asio::detached);
    });
}

asio::awaitable<void> PresenceService::wait_for_pushes(std::function<void()> done) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + kPushWait;
    while (pushes_in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        pause.expires_after(std::chrono::milliseconds(10));
        std::ignore = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    done();
}

void PresenceService::publish(const std::string& user_id, const std::string& status) {
    const auto decision = throttle_.offer(user_id, status, PresenceThrottle::Clock::now());
    if (decision == PresenceThrottle::Push::now) {
        ++pushes_in_flight_;
        asio::co_spawn(executor_, push(user_id, status), asio::detached);
    } else if (decision == PresenceThrottle::Push::schedule) {
        ++pushes_in_flight_;
        asio::co_spawn(executor_, push_later(user_id), asio::detached);
    }
}

asio::awaitable<Outcome> PresenceService::handle(std::string type, json body,
                                                 identity::ConnectionAuth& auth) {
    if (type != "presence.set")
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    const identity::BoundSession caller = *auth.session;
    // The schema admits available, busy and away only (offline is derived, never set); checked
    // again here, since the database would refuse anything else as a failure.
    const std::string status = body.at("status").get<std::string>();
    if (!settable(status))
        co_return Failure{Errc::bad_request, "status must be available, busy or away"};
    auto storing = node_.set_status(caller.user_id, caller.org_id, status);
    if (auto stored = co_await std::move(storing); !stored) co_return kUnavailable;
    publish(caller.user_id, status);
    co_return json{{"status", status}};
}

asio::awaitable<void> PresenceService::push_later(std::string user_id) {
    const InFlight counted(pushes_in_flight_);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(throttle_.next_push_at(user_id));
    std::ignore = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::string status = throttle_.take_pending(user_id, PresenceThrottle::Clock::now());
    ++pushes_in_flight_;  // the push counts itself
    auto pushing = push(std::move(user_id), std::move(status));
    co_await std::move(pushing);
}

asio::awaitable<void> PresenceService::push(std::string user_id, std::string status) {
    const InFlight counted(pushes_in_flight_);
    // Sent only while it is still true: the status may have changed since, on this process or
    // another (a throttled push waits up to 2 s), and that change is pushed by the process that
    // made it. So a stale status never follows a newer one.
    storage::PgParams who{user_id};
    auto asking = pool_.query(sql::presence_of(), std::move(who));
    auto current = co_await std::move(asking);
    if (!current || current->rows() != 1 || current->text_or_throw(0, 0) != status) co_return;
    storage::PgParams params{user_id};
    auto reading = pool_.query(sql::presence_peers(), std::move(params));
    auto peers = co_await std::move(reading);
    if (!peers) co_return;  // a lost push only delays: directory.search reads presence anew
    const json event{{"user_id", user_id}, {"status", status}};
    for (int i = 0; i < peers->rows(); ++i)
        sessions_.notify_user(std::string(peers->text_or_throw(i, 0)), "presence.changed", event);
}

}  // namespace wardline::server::clinical
