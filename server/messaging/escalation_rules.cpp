// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/escalation_rules.hpp"

#include "common/core/device_credential.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <cmath>
#include <optional>

namespace wardline::server::messaging {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

namespace {

const Failure kUnavailable{Errc::unavailable, "database unavailable"};

std::optional<std::string> optional_string(const json& body, const char* key) {
    if (auto it = body.find(key); it != body.end()) return it->get<std::string>();
    return std::nullopt;
}

identity::AuditNote note(const BoundSession& caller, std::string action, std::string target_id,
                         std::string source) {
    identity::AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = caller.org_id;
    n.actor_kind = "user";
    n.actor_id = caller.user_id;
    n.target_kind = "escalation_rule";
    n.target_id = std::move(target_id);
    n.source_address = std::move(source);
    n.details["device_id"] = caller.device_id;
    return n;
}

}  // namespace

asio::awaitable<Outcome> EscalationRuleService::handle(std::string type, json body,
                                                       identity::ConnectionAuth& auth) {
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "escalation_rules.set")
        work = set(std::move(body), caller, source);
    else if (type == "escalation_rules.list")
        work = list(caller);
    else if (type == "escalation_rules.delete")
        work = remove(std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> EscalationRuleService::set(json body, BoundSession caller,
                                                    std::string source) {
    const auto conversation_id = optional_string(body, "conversation_id");
    const auto team_id = optional_string(body, "team_id");
    const auto role = optional_string(body, "role");
    const std::string target = body.at("target").get<std::string>();
    const double minutes = body.at("after_minutes").get<double>();
    const double seconds = std::round(minutes * 60.0 * 1000.0) / 1000.0;
    if (!std::isfinite(seconds) || seconds < 1 || seconds > 86400)
        co_return Failure{Errc::bad_request, "after_minutes must be between 1/60 and 1440"};
    if (conversation_id && !is_canonical_uuid(*conversation_id))
        co_return Failure{Errc::bad_request, "conversation_id is not a lower-case UUID"};
    if (target == "oncall_backup") {
        if (!team_id || role)
            co_return Failure{Errc::bad_request, "target oncall_backup takes team_id and no role"};
        if (!is_canonical_uuid(*team_id))
            co_return Failure{Errc::bad_request, "team_id is not a lower-case UUID"};
    } else if (!role || team_id) {
        co_return Failure{Errc::bad_request, "target role takes role and no team_id"};
    }

    PgParams check{caller.org_id};
    check.optional_text(conversation_id).optional_text(team_id).optional_text(role);
    auto checking = pool_.query(storage::statement("escalation_scope_check"), std::move(check));
    auto checked = co_await std::move(checking);
    if (!checked || checked->rows() != 1) co_return kUnavailable;
    if (!checked->boolean(0, 0)) co_return Failure{Errc::not_found, "no such conversation"};
    if (!checked->boolean(0, 1)) co_return Failure{Errc::not_found, "no such on-call team"};
    if (!checked->boolean(0, 2)) co_return Failure{Errc::not_found, "no such role"};

    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return kUnavailable;
    std::string rule_id;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id};
        params.optional_text(conversation_id)
            .text(std::to_string(seconds))
            .text(target)
            .optional_text(team_id)
            .optional_text(role)
            .text(caller.user_id);
        auto storing = l.query(storage::statement("escalation_rule_set"), std::move(params));
        auto stored = co_await std::move(storing);
        if (!stored) co_return stored.error();
        rule_id = std::string(stored->text_or_throw(0, 0));
        auto n = note(caller, "escalation_rules.set", rule_id, source);
        n.details["after_seconds"] = seconds;
        n.details["target"] = target;
        if (conversation_id) n.details["conversation_id"] = *conversation_id;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return kUnavailable;
    json rule{{"id", rule_id}, {"after_minutes", seconds / 60.0}, {"target", target}};
    if (conversation_id) rule["conversation_id"] = *conversation_id;
    if (team_id) rule["team_id"] = *team_id;
    if (role) rule["role"] = *role;
    co_return json{{"rule", std::move(rule)}};
}

asio::awaitable<Outcome> EscalationRuleService::list(BoundSession caller) {
    PgParams params{caller.org_id};
    auto reading = pool_.query(storage::statement("escalation_rule_list"), std::move(params));
    auto got = co_await std::move(reading);
    if (!got) co_return kUnavailable;
    json rules = json::array();
    for (int r = 0; r < got->rows(); ++r) {
        json rule{{"id", std::string(got->text_or_throw(r, 0))},
                  {"after_minutes", std::stod(std::string(got->text_or_throw(r, 2))) / 60.0},
                  {"target", std::string(got->text_or_throw(r, 3))}};
        if (!got->is_null(r, 1)) rule["conversation_id"] = std::string(got->text_or_throw(r, 1));
        if (!got->is_null(r, 4)) rule["team_id"] = std::string(got->text_or_throw(r, 4));
        if (!got->is_null(r, 5)) rule["role"] = std::string(got->text_or_throw(r, 5));
        rules.push_back(std::move(rule));
    }
    co_return json{{"rules", std::move(rules)}};
}

asio::awaitable<Outcome> EscalationRuleService::remove(json body, BoundSession caller,
                                                       std::string source) {
    const std::string rule_id = body.at("rule_id").get<std::string>();
    if (!is_canonical_uuid(rule_id))
        co_return Failure{Errc::bad_request, "rule_id is not a lower-case UUID"};
    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return kUnavailable;
    bool found = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id, rule_id};
        auto deleting = l.query(storage::statement("escalation_rule_delete"), std::move(params));
        auto deleted = co_await std::move(deleting);
        if (!deleted) co_return deleted.error();
        found = deleted->rows() == 1;
        if (!found) co_return Result<void>{};
        auto writing =
            identity::write_audit(l, note(caller, "escalation_rules.delete", rule_id, source));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return kUnavailable;
    if (!found) co_return Failure{Errc::not_found, "no such escalation rule"};
    co_return json{{"rule_id", rule_id}};
}

}  // namespace wardline::server::messaging
