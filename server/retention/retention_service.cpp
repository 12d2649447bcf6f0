// SPDX-License-Identifier: Apache-2.0
#include "server/retention/retention_service.hpp"

#include "server/identity/admin_service.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/retention/policy_scope.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <chrono>
#include <optional>

namespace wardline::server::retention {
namespace {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoSuchConversation{Errc::not_found, "no such conversation in your organization"};
const Failure kNoSuchChange{Errc::not_found, "no such pending retention change"};


/// The scope's statement parameters: org, scope, kind, conversation.
PgParams scope_params(const std::string& org_id, const PolicyScope& s) {
    PgParams p{org_id, s.scope};
    p.optional_text(s.kind).optional_text(s.conversation_id);
    return p;
}

std::optional<std::string> text_or_null(const storage::PgResult& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return std::string(r.text_or_throw(row, col));
}

/// Adds the scope fields of a row (scope, kind, conversation id at `col`..) to `out`.
void scope_fields(json& out, const storage::PgResult& r, int row, int col) {
    out["scope"] = std::string(r.text_or_throw(row, col));
    if (auto k = text_or_null(r, row, col + 1)) out["kind"] = *k;
    if (auto c = text_or_null(r, row, col + 2)) out["conversation_id"] = *c;
}

/// Whether `proposed` (nullopt: forever) keeps messages for less time than `current`.
bool shortens(std::optional<std::int64_t> proposed, std::optional<std::int64_t> current) {
    if (!proposed) return false;
    return !current || *proposed < *current;
}

}  // namespace

asio::awaitable<Outcome> RetentionService::handle(std::string type, json body,
                                                  identity::ConnectionAuth& auth) {
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "retention.policies.list")
        work = list(caller);
    else if (type == "retention.policies.set")
        work = set(std::move(body), caller, source);
    else if (type == "retention.preview")
        work = preview(std::move(body), caller);
    else if (type == "retention.changes.confirm" || type == "retention.changes.reject")
        work = decide(std::move(type), std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> RetentionService::list(BoundSession caller) {
    PgParams org{caller.org_id};
    auto listing = pool_.query(storage::statement("retention_policies_list"), std::move(org));
    auto r = co_await std::move(listing);
    if (!r) co_return kUnavailable;
    json policies = json::array();
    for (int i = 0; i < r->rows(); ++i) {
        json p{{"id", std::string(r->text_or_throw(i, 0))}};
        scope_fields(p, *r, i, 2);
        p["forever"] = r->is_null(i, 5);
        if (!r->is_null(i, 5)) p["keep_days"] = r->int64(i, 5);
        p["updated_by"] = std::string(r->text_or_throw(i, 6));
        p["updated_ms"] = r->int64(i, 7);
        policies.push_back(std::move(p));
    }
    PgParams org2{caller.org_id};
    auto pending_q =
        pool_.query(storage::statement("retention_changes_pending_list"), std::move(org2));
    auto c = co_await std::move(pending_q);
    if (!c) co_return kUnavailable;
    json pending = json::array();
    for (int i = 0; i < c->rows(); ++i) {
        json p{{"id", std::string(c->text_or_throw(i, 0))}};
        scope_fields(p, *c, i, 1);
        p["keep_days"] = c->int64(i, 4);
        if (!c->is_null(i, 5)) p["previous_keep_days"] = c->int64(i, 5);
        p["proposed_by"] = std::string(c->text_or_throw(i, 6));
        p["proposed_ms"] = c->int64(i, 7);
        pending.push_back(std::move(p));
    }
    co_return json{{"policies", std::move(policies)}, {"pending", std::move(pending)}};
}

asio::awaitable<Outcome> RetentionService::set(json body, BoundSession caller, std::string source) {
    auto parsed = parse_scope(body);
    if (auto* f = std::get_if<Failure>(&parsed)) co_return *f;
    const PolicyScope s = std::get<PolicyScope>(parsed);
    const bool forever = body.value("forever", false);
    std::optional<std::int64_t> keep_days;
    if (auto it = body.find("keep_days"); it != body.end()) keep_days = it->get<std::int64_t>();
    if (forever == keep_days.has_value())
        co_return Failure{Errc::bad_request, "give either keep_days or forever: true"};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    json out;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        out = json::object();
        auto n = identity::caller_note(caller, "retention.policy_set", "retention_policy", "", source);
        n.details["policy"] = scope_json(s);
        n.details["keep_days"] = keep_days ? json(*keep_days) : json(nullptr);
        if (s.conversation_id) {
            PgParams find{caller.org_id, *s.conversation_id};
            auto found = co_await l.query(storage::statement("retention_conversation_kind"),
                                          std::move(find));
            if (!found) co_return found.error();
            if (found->rows() != 1) {
                refusal = kNoSuchConversation;
                n.outcome = "denied";
                n.details["reason"] = "not_found";
                auto writing = identity::write_audit(l, std::move(n));
                co_return co_await std::move(writing);
            }
        }
        auto current = co_await l.query(storage::statement("retention_policy_get"),
                                        scope_params(caller.org_id, s));
        if (!current) co_return current.error();
        const bool exists = current->rows() == 1;
        std::optional<std::int64_t> before;
        if (exists && !current->is_null(0, 1)) before = current->int64(0, 1);
        n.details["previous_keep_days"] = before ? json(*before) : json(nullptr);
        if (shortens(keep_days, before)) {
            // Four-eyes: a second administrator confirms (retention.changes.confirm).
            auto pending = co_await l.query(storage::statement("retention_change_pending"),
                                            scope_params(caller.org_id, s));
            if (!pending) co_return pending.error();
            if (pending->rows() > 0) {
                refusal = Failure{Errc::conflict,
                                  "a change of this policy is waiting for a second administrator"};
                n.action = "retention.change_propose";
                n.outcome = "failure";
                n.details["reason"] = "pending_change";
                auto writing = identity::write_audit(l, std::move(n));
                co_return co_await std::move(writing);
            }
            PgParams p = scope_params(caller.org_id, s);
            p.integer(*keep_days);
            if (before)
                p.integer(*before);
            else
                p.null();
            p.text(caller.user_id);
            auto inserted =
                co_await l.query(storage::statement("retention_change_insert"), std::move(p));
            if (!inserted) co_return inserted.error();
            const std::string id(inserted->text_or_throw(0, 0));
            n.action = "retention.change_propose";
            n.target_kind = "retention_change";
            n.target_id = id;
            out = json{{"status", "pending"}, {"change_id", id}};
            auto writing = identity::write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        std::string id;
        if (exists) {
            id = std::string(current->text_or_throw(0, 0));
            PgParams p{id};
            if (keep_days)
                p.integer(*keep_days);
            else
                p.null();
            p.text(caller.user_id);
            auto u = co_await l.query(storage::statement("retention_policy_update"), std::move(p));
            if (!u) co_return u.error();
        } else {
            PgParams p = scope_params(caller.org_id, s);
            if (keep_days)
                p.integer(*keep_days);
            else
                p.null();
            p.text(caller.user_id);
            auto ins =
                co_await l.query(storage::statement("retention_policy_insert"), std::move(p));
            if (!ins) co_return ins.error();
            id = std::string(ins->text_or_throw(0, 0));
        }
        n.target_id = id;
        out = json{{"status", "applied"}, {"policy_id", id}};
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    co_return out;
}

asio::awaitable<Outcome> RetentionService::preview(json body, BoundSession caller) {
    auto parsed = parse_scope(body);
    if (auto* f = std::get_if<Failure>(&parsed)) co_return *f;
    const PolicyScope s = std::get<PolicyScope>(parsed);
    const std::int64_t keep_days = body.at("keep_days").get<std::int64_t>();
    if (s.conversation_id) {
        PgParams find{caller.org_id, *s.conversation_id};
        auto finding =
            pool_.query(storage::statement("retention_conversation_kind"), std::move(find));
        auto found = co_await std::move(finding);
        if (!found) co_return kUnavailable;
        if (found->rows() != 1) co_return kNoSuchConversation;
    }
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    PgParams p = scope_params(caller.org_id, s);
    p.integer(keep_days).integer(now_ms);
    auto querying = pool_.query(storage::statement("retention_preview"), std::move(p));
    auto r = co_await std::move(querying);
    if (!r) co_return kUnavailable;
    json groups = json::array();
    std::int64_t total = 0;
    for (int i = 0; i < r->rows(); ++i) {
        total += r->int64(i, 2);
        groups.push_back({{"kind", std::string(r->text_or_throw(i, 0))},
                          {"unit", std::string(r->text_or_throw(i, 1))},
                          {"messages", r->int64(i, 2)},
                          {"oldest_ms", r->int64(i, 3)},
                          {"newest_ms", r->int64(i, 4)}});
    }
    co_return json{{"as_of_ms", now_ms}, {"messages", total}, {"groups", std::move(groups)}};
}

asio::awaitable<Outcome> RetentionService::decide(std::string type, json body, BoundSession caller,
                                                  std::string source) {
    const std::string change_id = body.at("change_id").get<std::string>();
    if (!identity::is_uuid(change_id))
        co_return Failure{Errc::bad_request, "change_id is not a UUID"};
    const bool confirm = type == "retention.changes.confirm";
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        auto n = identity::caller_note(caller, confirm ? "retention.change_confirm" : "retention.change_reject",
                      "retention_change", change_id, source);
        PgParams find{caller.org_id, change_id};
        auto found = co_await l.query(storage::statement("retention_change_get"), std::move(find));
        if (!found) co_return found.error();
        if (found->rows() != 1 || found->text_or_throw(0, 5) != "pending") {
            refusal = kNoSuchChange;
            n.outcome = found->rows() == 1 ? "failure" : "denied";
            n.details["reason"] = found->rows() == 1 ? "decided_already" : "not_found";
            auto writing = identity::write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        if (found->text_or_throw(0, 4) == caller.user_id) {
            refusal = Failure{Errc::forbidden,
                              "a second administrator must decide: you proposed this change"};
            n.outcome = "denied";
            n.details["reason"] = "proposer";
            auto writing = identity::write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        PolicyScope s{std::string(found->text_or_throw(0, 0)), text_or_null(*found, 0, 1),
                      text_or_null(*found, 0, 2)};
        const std::int64_t keep_days = found->int64(0, 3);
        n.details["policy"] = scope_json(s);
        n.details["keep_days"] = keep_days;
        n.details["proposed_by"] = std::string(found->text_or_throw(0, 4));
        PgParams decision{change_id, confirm ? "confirmed" : "rejected", caller.user_id};
        auto decided =
            co_await l.query(storage::statement("retention_change_decide"), std::move(decision));
        if (!decided) co_return decided.error();
        if (confirm) {
            auto current = co_await l.query(storage::statement("retention_policy_get"),
                                            scope_params(caller.org_id, s));
            if (!current) co_return current.error();
            if (current->rows() == 1) {
                PgParams p{current->text_or_throw(0, 0)};
                p.integer(keep_days).text(caller.user_id);
                auto u =
                    co_await l.query(storage::statement("retention_policy_update"), std::move(p));
                if (!u) co_return u.error();
            } else {
                PgParams p = scope_params(caller.org_id, s);
                p.integer(keep_days).text(caller.user_id);
                auto ins =
                    co_await l.query(storage::statement("retention_policy_insert"), std::move(p));
                if (!ins) co_return ins.error();
            }
            n.high_severity = true;
        }
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    co_return json{{"status", confirm ? "confirmed" : "rejected"}};
}

}  // namespace wardline::server::retention
