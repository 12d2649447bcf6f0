// SPDX-License-Identifier: Apache-2.0
// messages.recall (docs/architecture.md, "Clinical workflow"): the sender takes back an
// application message within messaging.recall_window_seconds. The row keeps its ciphertext
// (retention decides when it goes); sync and message.new stop handing it out.
#include "server/identity/audit_bridge.hpp"
#include "server/identity/session_registry.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/messaging/workflow_service.hpp"
#include "server/messaging/workflow_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <chrono>

namespace wardline::server::messaging {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

asio::awaitable<Outcome> WorkflowService::recall(json body, BoundSession caller,
                                                 std::string source) {
    const Failure unavailable_failure{Errc::unavailable, "database unavailable"};
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::int64_t seq = body.at("seq").get<std::int64_t>();
    auto checking = member_last_seq(caller, conversation_id);
    auto checked = co_await std::move(checking);
    if (auto* failure = std::get_if<Failure>(&checked)) {
        if (failure->code == Errc::not_found) {
            auto auditing = audit(caller, "messages.recall", "denied", conversation_id,
                                  json{{"seq", seq}, {"reason", "not_member_or_unknown"}}, source);
            co_await std::move(auditing);
        }
        co_return *failure;
    }
    bool unavailable = false;
    auto finding = message_facts(conversation_id, seq, &unavailable);
    auto facts = co_await std::move(finding);
    if (unavailable) co_return unavailable_failure;
    if (!facts) co_return Failure{Errc::not_found, "no such message"};
    if (facts->kind != "application")
        co_return Failure{Errc::bad_request, "only application messages can be recalled"};
    if (facts->sender_user_id != caller.user_id) {
        auto auditing = audit(caller, "messages.recall", "denied", conversation_id,
                              json{{"seq", seq}, {"reason", "not_sender"}}, source);
        co_await std::move(auditing);
        co_return Failure{Errc::forbidden, "only the sender may recall a message"};
    }

    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return unavailable_failure;
    std::int64_t recalled_at = 0;
    bool inside = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{conversation_id};
        params.integer(seq)
            .text(caller.user_id)
            .text(std::to_string(config_.recall_window_seconds));
        auto updating = l.query(sql::wf_recall(), std::move(params));
        auto updated = co_await std::move(updating);
        if (!updated) co_return updated.error();
        inside = updated->rows() == 1;
        if (!inside) co_return Result<void>{};
        recalled_at = updated->int64(0, 0);
        identity::AuditNote n;
        n.action = "messages.recall";
        n.outcome = "success";
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "conversation";
        n.target_id = conversation_id;
        n.source_address = source;
        n.details =
            json{{"seq", seq}, {"device_id", caller.device_id}, {"repeated", facts->recalled}};
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return unavailable_failure;
    if (!inside) {
        auto auditing = audit(caller, "messages.recall", "denied", conversation_id,
                              json{{"seq", seq}, {"reason", "outside_window"}}, source);
        co_await std::move(auditing);
        co_return Failure{Errc::conflict, "the recall window of this message has passed"};
    }

    const std::string ids = "{" + conversation_id + "}";
    PgParams member_params{ids};
    // Members and the holders of a live break-glass grant: whoever received it is told.
    auto reading = pool_.query(sql::readers_of(), std::move(member_params));
    auto members = co_await std::move(reading);
    if (members) {
        const json event{
            {"conversation_id", conversation_id}, {"seq", seq}, {"recalled_at", recalled_at}};
        // Every reader's devices, the sender's other devices included.
        for (int r = 0; r < members->rows(); ++r)
            sessions_.notify_user(std::string(members->text_or_throw(r, 1)), "message.recalled",
                                  event, caller.device_id);
    }
    co_return json{
        {"conversation_id", conversation_id}, {"seq", seq}, {"recalled_at", recalled_at}};
}

}  // namespace wardline::server::messaging
