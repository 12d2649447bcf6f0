// SPDX-License-Identifier: Apache-2.0
// Dispatch, the shared lookups of the workflow, and typing indicators. Order in every handler:
// (session and permission checked by the dispatcher) validate, act and audit in one
// transaction, respond, then push events. Coroutine arguments are built as named locals before
// co_await (GCC 12, CONTRIBUTING.md).
#include "server/messaging/workflow_service.hpp"

#include "common/core/device_credential.hpp"
#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/session_registry.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/messaging/workflow_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

namespace wardline::server::messaging {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

WorkflowService::WorkflowService(storage::PgPool& pool, identity::SessionRegistry& sessions,
                                 WorkflowConfig config)
    : pool_(pool), sessions_(sessions), config_(config) {}

asio::awaitable<Outcome> WorkflowService::handle(std::string type, json body,
                                                 identity::ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy it, since it may end while the handler waits.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "messages.read")
        work = read(std::move(body), caller);
    else if (type == "receipts.get")
        work = receipts(std::move(body), caller);
    else if (type == "messages.acknowledge")
        work = acknowledge(std::move(body), caller, source);
    else if (type == "messages.recall")
        work = recall(std::move(body), caller, source);
    else if (type == "messages.typing")
        work = typing(std::move(body), caller);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<std::variant<std::int64_t, Failure>> WorkflowService::member_last_seq(
    BoundSession caller, std::string conversation_id, bool* read_only) {
    if (!is_canonical_uuid(conversation_id))
        co_return Failure{Errc::bad_request, "conversation_id is not a lower-case UUID"};
    PgParams params{caller.org_id, conversation_id, caller.user_id};
    auto viewing = pool_.query(sql::member_view(), std::move(params));
    auto viewed = co_await std::move(viewing);
    if (!viewed) co_return Failure{Errc::unavailable, "database unavailable"};
    if (viewed->rows() != 1) co_return Failure{Errc::not_found, "no such conversation"};
    if (read_only) *read_only = viewed->text_or_throw(0, 4) == "read_only";
    co_return viewed->int64(0, 3);
}

asio::awaitable<std::optional<MessageFacts>> WorkflowService::message_facts(
    std::string conversation_id, std::int64_t seq, bool* unavailable) {
    PgParams params{conversation_id};
    params.integer(seq);
    auto reading = pool_.query(sql::wf_message(), std::move(params));
    auto got = co_await std::move(reading);
    if (!got) {
        *unavailable = true;
        co_return std::nullopt;
    }
    if (got->rows() != 1) co_return std::nullopt;
    MessageFacts f;
    f.kind = std::string(got->text_or_throw(0, 0));
    f.sender_user_id = std::string(got->text(0, 1).value_or(""));
    f.priority = static_cast<int>(got->int64(0, 2));
    f.created_at_ms = got->int64(0, 3);
    f.recalled = got->boolean(0, 4);
    co_return f;
}

asio::awaitable<void> WorkflowService::audit(BoundSession caller, std::string action,
                                             std::string outcome, std::string conversation_id,
                                             json details, std::string source) {
    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        identity::AuditNote n;
        n.action = action;
        n.outcome = outcome;
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "conversation";
        n.target_id = conversation_id;
        n.source_address = source;
        n.details = details;
        n.details["device_id"] = caller.device_id;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done)
        log::audit().warn("could not audit {} ({}): {}", action, outcome, done.error().message());
}

// --- messages.typing ------------------------------------------------------------------------

bool WorkflowService::take_typing_token(const std::string& user_id) {
    const auto now = TokenBucket::Clock::now();
    std::lock_guard lock(typing_mutex_);
    auto it = typing_.find(user_id);
    if (it == typing_.end())
        it =
            typing_
                .emplace(user_id, TokenBucket(config_.typing_per_second, config_.typing_burst, now))
                .first;
    return it->second.take(now);
}

asio::awaitable<Outcome> WorkflowService::typing(json body, BoundSession caller) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    bool read_only = false;
    auto checking = member_last_seq(caller, conversation_id, &read_only);
    auto checked = co_await std::move(checking);
    if (auto* failure = std::get_if<Failure>(&checked)) co_return *failure;
    if (read_only)
        co_return Failure{Errc::forbidden, "read-only members may not post in this conversation"};
    if (!take_typing_token(caller.user_id))
        co_return Failure{Errc::rate_limited, "typing indicators faster than allowed; retry later"};
    // Never stored: the members are read and the event pushed, nothing else.
    const std::string ids = "{" + conversation_id + "}";
    PgParams params{ids};
    auto reading = pool_.query(sql::members_of(), std::move(params));
    auto members = co_await std::move(reading);
    if (!members) co_return Failure{Errc::unavailable, "database unavailable"};
    const json event{{"conversation_id", conversation_id}, {"user_id", caller.user_id}};
    for (int r = 0; r < members->rows(); ++r) {
        const std::string user(members->text_or_throw(r, 1));
        if (user != caller.user_id) sessions_.notify_user(user, "typing", event);
    }
    co_return json{{"conversation_id", conversation_id}};
}

}  // namespace wardline::server::messaging
