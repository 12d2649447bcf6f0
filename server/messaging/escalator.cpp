// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/escalator.hpp"

#include "common/core/log.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

namespace wardline::server::messaging {

namespace asio = boost::asio;

Escalator::Escalator(asio::any_io_executor executor, storage::PgPool& pool,
                     identity::SessionRegistry& sessions, std::chrono::milliseconds interval)
    : executor_(std::move(executor)), pool_(pool), sessions_(sessions), interval_(interval) {}

Escalator::~Escalator() = default;

void Escalator::start() {
    asio::co_spawn(executor_, run(), asio::detached);
}

void Escalator::push(const std::vector<Escalation>& escalations) {
    for (const auto& e : escalations) {
        const auto body = escalation_json(e);
        std::set<std::string> told(e.targets.begin(), e.targets.end());
        if (!e.sender_user_id.empty()) told.insert(e.sender_user_id);
        for (const auto& user : told) sessions_.notify_user(user, "message.escalated", body);
    }
}

asio::awaitable<void> Escalator::run() {
    asio::steady_timer timer(executor_);
    for (;;) {
        timer.expires_after(interval_);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        try {
            const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count();
            auto planning = plan_escalations(&pool_, now_ms, kBatch);
            auto planned = co_await std::move(planning);
            if (!planned) {
                // Nothing recorded: the next scan finds the same messages again.
                log::db().warn("escalation scan failed: {}", planned.error().message());
                continue;
            }
            if (!planned->empty())
                log::app().info("escalated {} critical message(s)", planned->size());
            push(*planned);
        } catch (const std::exception& e) {
            log::app().error("escalation scan failed: {}", e.what());
        }
    }
}

}  // namespace wardline::server::messaging
