// SPDX-License-Identifier: Apache-2.0
// Receipts and acknowledgements (docs/architecture.md, "Clinical workflow"): messages.read,
// receipts.get, messages.acknowledge and the receipt.delivered push after messages.delivered.
#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/session_registry.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/workflow_service.hpp"
#include "server/messaging/workflow_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <sstream>

namespace wardline::server::messaging {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

namespace {

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoMessage{Errc::not_found, "no such message"};

json split_ids(std::string_view text) {
    json out = json::array();
    std::string id;
    std::istringstream in{std::string(text)};
    while (std::getline(in, id, ','))
        if (!id.empty()) out.push_back(id);
    return out;
}

}  // namespace

asio::awaitable<void> WorkflowService::tell_senders(std::string event, std::string conversation_id,
                                                    std::string reader, std::int64_t after,
                                                    std::int64_t upto) {
    if (upto <= after) co_return;
    PgParams params{conversation_id, reader};
    params.integer(after).integer(upto);
    auto reading = pool_.query(sql::wf_senders_between(), std::move(params));
    auto senders = co_await std::move(reading);
    if (!senders) {
        // Only a push is lost: receipts.get reads the truth from the database.
        log::db().warn("{}: could not read the senders to tell", event);
        co_return;
    }
    for (int r = 0; r < senders->rows(); ++r) {
        const std::string sender(senders->text_or_throw(r, 0));
        const json body{{"conversation_id", conversation_id},
                        {"user_id", reader},
                        {"seq", senders->int64(r, 1)}};
        sessions_.notify_user(sender, event, body);
    }
}

// --- messages.read --------------------------------------------------------------------------

asio::awaitable<Outcome> WorkflowService::read(json body, BoundSession caller) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::int64_t seq = body.at("seq").get<std::int64_t>();
    auto checking = member_last_seq(caller, conversation_id);
    auto checked = co_await std::move(checking);
    if (auto* failure = std::get_if<Failure>(&checked)) co_return *failure;
    if (seq > std::get<std::int64_t>(checked))
        co_return Failure{Errc::bad_request, "seq is beyond the conversation's last seq"};
    PgParams params{conversation_id, caller.user_id};
    params.integer(seq);
    auto storing = pool_.query(sql::wf_read(), std::move(params));
    auto stored = co_await std::move(storing);
    if (!stored || stored->rows() != 1) co_return kUnavailable;
    const std::int64_t before = stored->int64(0, 0);
    const std::int64_t now = stored->int64(0, 1);
    auto telling = tell_senders("receipt.read", conversation_id, caller.user_id, before, now);
    co_await std::move(telling);
    co_return json{{"conversation_id", conversation_id}, {"read_seq", now}};
}

// --- receipt.delivered (after messages.delivered) -------------------------------------------

asio::awaitable<void> WorkflowService::delivered(BoundSession caller, std::string conversation_id,
                                                 std::int64_t before, std::int64_t after) {
    auto telling =
        tell_senders("receipt.delivered", conversation_id, caller.user_id, before, after);
    co_await std::move(telling);
}

// --- receipts.get ---------------------------------------------------------------------------

asio::awaitable<Outcome> WorkflowService::receipts(json body, BoundSession caller) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::int64_t seq = body.at("seq").get<std::int64_t>();
    auto checking = member_last_seq(caller, conversation_id);
    auto checked = co_await std::move(checking);
    if (auto* failure = std::get_if<Failure>(&checked)) co_return *failure;
    bool unavailable = false;
    auto finding = message_facts(conversation_id, seq, &unavailable);
    auto facts = co_await std::move(finding);
    if (unavailable) co_return kUnavailable;
    if (!facts) co_return kNoMessage;
    const bool asks_ack = facts->kind == "application" && facts->priority >= 1;

    PgParams params{conversation_id};
    params.integer(seq);
    if (facts->sender_user_id.empty())
        params.null();
    else
        params.text(facts->sender_user_id);
    auto reading = pool_.query(sql::wf_receipts(), std::move(params));
    auto rows = co_await std::move(reading);
    if (!rows) co_return kUnavailable;
    json members = json::array();
    for (int r = 0; r < rows->rows(); ++r) {
        json m{{"user_id", std::string(rows->text_or_throw(r, 0))},
               {"delivered", rows->boolean(r, 1)},
               {"read", rows->boolean(r, 2)}};
        if (asks_ack) {
            m["acknowledged"] = !rows->is_null(r, 3);
            if (!rows->is_null(r, 3)) m["acknowledged_at"] = rows->int64(r, 3);
        }
        members.push_back(std::move(m));
    }
    json out{{"conversation_id", conversation_id},
             {"seq", seq},
             {"kind", facts->kind},
             {"priority", priority_name(facts->priority)},
             {"recalled", facts->recalled},
             {"members", std::move(members)}};
    if (!facts->sender_user_id.empty()) out["sender_user_id"] = facts->sender_user_id;

    PgParams esc_params{conversation_id};
    esc_params.integer(seq);
    auto escalating = pool_.query(sql::wf_escalation_of(), std::move(esc_params));
    auto esc = co_await std::move(escalating);
    if (!esc) co_return kUnavailable;
    // Every level of the escalation chain that fired, in order.
    json escalations = json::array();
    for (int r = 0; r < esc->rows(); ++r)
        escalations.push_back(json{{"level", esc->int64(r, 0)},
                                   {"status", std::string(esc->text_or_throw(r, 1))},
                                   {"targets", split_ids(esc->text_or_throw(r, 2))},
                                   {"pending_users", split_ids(esc->text_or_throw(r, 3))},
                                   {"escalated_at", esc->int64(r, 4)}});
    if (!escalations.empty()) out["escalations"] = std::move(escalations);
    co_return out;
}

// --- messages.acknowledge -------------------------------------------------------------------

asio::awaitable<Outcome> WorkflowService::acknowledge(json body, BoundSession caller,
                                                      std::string source) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::int64_t seq = body.at("seq").get<std::int64_t>();
    auto checking = member_last_seq(caller, conversation_id);
    auto checked = co_await std::move(checking);
    if (auto* failure = std::get_if<Failure>(&checked)) {
        if (failure->code == Errc::not_found) {
            auto auditing = audit(caller, "messages.acknowledge", "denied", conversation_id,
                                  json{{"seq", seq}, {"reason", "not_member_or_unknown"}}, source);
            co_await std::move(auditing);
        }
        co_return *failure;
    }
    bool unavailable = false;
    auto finding = message_facts(conversation_id, seq, &unavailable);
    auto facts = co_await std::move(finding);
    if (unavailable) co_return kUnavailable;
    if (!facts) co_return kNoMessage;
    if (facts->kind != "application" || facts->priority < 1)
        co_return Failure{Errc::bad_request,
                          "only urgent and critical application messages are acknowledged"};
    if (facts->sender_user_id == caller.user_id) {
        auto auditing = audit(caller, "messages.acknowledge", "denied", conversation_id,
                              json{{"seq", seq}, {"reason", "own_message"}}, source);
        co_await std::move(auditing);
        co_return Failure{Errc::forbidden, "the sender does not acknowledge their own message"};
    }
    if (facts->recalled) co_return Failure{Errc::conflict, "the message was recalled"};

    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return kUnavailable;
    std::int64_t acked_at = 0;
    bool fresh = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{conversation_id};
        params.integer(seq).text(caller.user_id);
        auto inserting = l.query(sql::wf_acknowledge(), std::move(params));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        if (inserted->rows() == 0) {  // already acknowledged: idempotent
            fresh = false;
            PgParams again{conversation_id};
            again.integer(seq).text(caller.user_id);
            auto reading = l.query(sql::wf_ack_of(), std::move(again));
            auto got = co_await std::move(reading);
            if (!got) co_return got.error();
            acked_at = got->rows() == 1 ? got->int64(0, 0) : 0;
            co_return Result<void>{};
        }
        fresh = true;
        acked_at = inserted->int64(0, 0);
        identity::AuditNote n;
        n.action = "messages.acknowledge";
        n.outcome = "success";
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "conversation";
        n.target_id = conversation_id;
        n.source_address = source;
        n.details = json{{"seq", seq}, {"device_id", caller.device_id}};
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return kUnavailable;
    if (fresh && !facts->sender_user_id.empty()) {
        const json event{{"conversation_id", conversation_id},
                         {"seq", seq},
                         {"user_id", caller.user_id},
                         {"acknowledged_at", acked_at}};
        sessions_.notify_user(facts->sender_user_id, "message.acknowledged", event);
    }
    co_return json{{"conversation_id", conversation_id},
                   {"seq", seq},
                   {"acknowledged_at", acked_at},
                   {"duplicate", !fresh}};
}

}  // namespace wardline::server::messaging
