// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/escalation_rules.hpp"

#include "common/core/device_credential.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/messaging/escalation_levels.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

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
    identity::AuditNote n = identity::caller_note(caller, std::move(action), "escalation_rule",
                                                  std::move(target_id), std::move(source));
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
    if (conversation_id && !is_canonical_uuid(*conversation_id))
        co_return Failure{Errc::bad_request, "conversation_id is not a lower-case UUID"};
    auto parsed = parse_levels(body.at("levels"));
    if (auto* failure = std::get_if<Failure>(&parsed)) co_return *failure;
    const auto levels = std::get<std::vector<EscalationLevel>>(std::move(parsed));

    // Everything named must be this organization's: the conversation once, then each level's
    // team or role. Another organization's team is not_found, like an unknown one.
    for (std::size_t i = 0; i <= levels.size(); ++i) {
        PgParams check{caller.org_id};
        if (i == 0) {
            check.optional_text(conversation_id).null().null();
        } else {
            check.null().optional_text(levels[i - 1].team_id).optional_text(levels[i - 1].role);
        }
        auto checking = pool_.query(storage::statement("escalation_scope_check"), std::move(check));
        auto checked = co_await std::move(checking);
        if (!checked || checked->rows() != 1) co_return kUnavailable;
        if (!checked->boolean(0, 0)) co_return Failure{Errc::not_found, "no such conversation"};
        const std::string at = " (level " + std::to_string(i) + ")";
        if (!checked->boolean(0, 1))
            co_return Failure{Errc::not_found, "no such on-call team" + at};
        if (!checked->boolean(0, 2)) co_return Failure{Errc::not_found, "no such role" + at};
    }

    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return kUnavailable;
    std::string rule_id;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id};
        params.optional_text(conversation_id).text(caller.user_id);
        auto storing = l.query(storage::statement("escalation_rule_set"), std::move(params));
        auto stored = co_await std::move(storing);
        if (!stored) co_return stored.error();
        rule_id = std::string(stored->text_or_throw(0, 0));
        auto clearing = l.query(storage::statement("escalation_levels_clear"), PgParams{rule_id});
        if (auto cleared = co_await std::move(clearing); !cleared) co_return cleared.error();
        for (std::size_t i = 0; i < levels.size(); ++i) {
            const auto& level = levels[i];
            PgParams add{rule_id, caller.org_id};
            add.integer(static_cast<std::int64_t>(i + 1))
                .text(std::to_string(level.after_seconds))
                .text(level.target)
                .optional_text(level.team_id)
                .optional_text(level.role);
            auto adding = l.query(storage::statement("escalation_level_add"), std::move(add));
            if (auto added = co_await std::move(adding); !added) co_return added.error();
        }
        auto n = note(caller, "escalation_rules.set", rule_id, source);
        n.details["levels"] = levels_json(levels);
        if (conversation_id) n.details["conversation_id"] = *conversation_id;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done) co_return kUnavailable;
    json rule{{"id", rule_id}, {"levels", levels_json(levels)}};
    if (conversation_id) rule["conversation_id"] = *conversation_id;
    co_return json{{"rule", std::move(rule)}};
}

asio::awaitable<Outcome> EscalationRuleService::list(BoundSession caller) {
    PgParams params{caller.org_id};
    auto reading = pool_.query(storage::statement("escalation_rule_list"), std::move(params));
    auto got = co_await std::move(reading);
    if (!got) co_return kUnavailable;
    // One row per level, the rule's levels together and in order.
    json rules = json::array();
    std::string current;
    for (int r = 0; r < got->rows(); ++r) {
        const std::string id(got->text_or_throw(r, 0));
        if (id != current) {
            json rule{{"id", id}, {"levels", json::array()}};
            if (!got->is_null(r, 1))
                rule["conversation_id"] = std::string(got->text_or_throw(r, 1));
            rules.push_back(std::move(rule));
            current = id;
        }
        EscalationLevel level;
        level.after_seconds = std::stod(std::string(got->text_or_throw(r, 3)));
        level.target = std::string(got->text_or_throw(r, 4));
        if (!got->is_null(r, 5)) level.team_id = std::string(got->text_or_throw(r, 5));
        if (!got->is_null(r, 6)) level.role = std::string(got->text_or_throw(r, 6));
        rules.back()["levels"].push_back(level_json(level));
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
