// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/escalation_planner.hpp"

#include "server/identity/audit_bridge.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <sstream>

namespace wardline::server::messaging {

namespace asio = boost::asio;
using storage::PgLease;
using storage::PgParams;

namespace {

std::vector<std::string> split_ids(std::string_view text) {
    std::vector<std::string> out;
    std::string id;
    std::istringstream in{std::string(text)};
    while (std::getline(in, id, ','))
        if (!id.empty()) out.push_back(id);
    return out;
}

}  // namespace

asio::awaitable<Result<std::vector<Escalation>>> plan_escalations(storage::PgPool* pool,
                                                                  std::int64_t now_ms, int limit) {
    auto acquiring = pool->acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return lease.error();
    std::vector<Escalation> out;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        out.clear();  // a retried transaction starts again
        PgParams params;
        params.integer(now_ms).integer(limit);
        auto planning = l.query(storage::statement("escalation_plan"), std::move(params));
        auto planned = co_await std::move(planning);
        if (!planned) co_return planned.error();
        for (int r = 0; r < planned->rows(); ++r) {
            Escalation e;
            e.conversation_id = std::string(planned->text_or_throw(r, 0));
            e.seq = planned->int64(r, 1);
            e.org_id = std::string(planned->text_or_throw(r, 2));
            e.sender_user_id = std::string(planned->text(r, 3).value_or(""));
            e.status = std::string(planned->text_or_throw(r, 4));
            e.targets = split_ids(planned->text_or_throw(r, 5));
            e.pending_users = split_ids(planned->text_or_throw(r, 6));
            e.escalated_at_ms = planned->int64(r, 7);
            e.level = static_cast<int>(planned->int64(r, 8));
            identity::AuditNote n;
            n.action = "messages.escalate";
            n.outcome = e.status == "escalated" ? "success" : "failure";
            n.org_id = e.org_id;
            n.actor_kind = "system";
            n.actor_id = "escalator";
            n.target_kind = "conversation";
            n.target_id = e.conversation_id;
            n.details = nlohmann::json{{"seq", e.seq},
                                       {"level", e.level},
                                       {"status", e.status},
                                       {"targets", e.targets},
                                       {"pending_users", e.pending_users}};
            n.high_severity = e.status != "escalated";
            auto writing = identity::write_audit(l, std::move(n));
            if (auto written = co_await std::move(writing); !written) co_return written.error();
            out.push_back(std::move(e));
        }
        co_return Result<void>{};
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return done.error();
    co_return out;
}

nlohmann::json escalation_json(const Escalation& e) {
    nlohmann::json j{{"conversation_id", e.conversation_id},
                     {"seq", e.seq},
                     {"level", e.level},
                     {"status", e.status},
                     {"targets", e.targets},
                     {"pending_users", e.pending_users},
                     {"escalated_at", e.escalated_at_ms}};
    if (!e.sender_user_id.empty()) j["sender_user_id"] = e.sender_user_id;
    return j;
}

}  // namespace wardline::server::messaging
