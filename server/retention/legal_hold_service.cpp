// SPDX-License-Identifier: Apache-2.0
#include "server/retention/legal_hold_service.hpp"

#include "server/identity/admin_service.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <optional>

namespace wardline::server::retention {
namespace {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoSuchHold{Errc::not_found, "no such legal hold in your organization"};

identity::AuditNote note(const BoundSession& caller, std::string action, std::string target_id,
                         std::string source) {
    return identity::caller_note(caller, std::move(action), "legal_hold", std::move(target_id),
                                 std::move(source));
}
std::optional<std::string> text_or_null(const storage::PgResult& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return std::string(r.text_or_throw(row, col));
}

}  // namespace

asio::awaitable<Outcome> LegalHoldService::handle(std::string type, json body,
                                                  identity::ConnectionAuth& auth) {
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "legal_holds.place")
        work = place(std::move(body), caller, source);
    else if (type == "legal_holds.list")
        work = list(std::move(body), caller);
    else if (type == "legal_holds.release" || type == "legal_holds.confirm_release")
        work = release(std::move(type), std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> LegalHoldService::place(json body, BoundSession caller,
                                                 std::string source) {
    const std::string scope = body.at("scope").get<std::string>();
    std::optional<std::string> user_id, conversation_id;
    if (auto it = body.find("user_id"); it != body.end()) user_id = it->get<std::string>();
    if (auto it = body.find("conversation_id"); it != body.end())
        conversation_id = it->get<std::string>();
    const std::string case_name = body.at("case_name").get<std::string>();
    const std::int64_t from_ms = body.at("from_ms").get<std::int64_t>();
    std::optional<std::int64_t> until_ms;
    if (auto it = body.find("until_ms"); it != body.end()) until_ms = it->get<std::int64_t>();
    const bool on_user = scope == "user";
    if (on_user != user_id.has_value() || on_user == conversation_id.has_value())
        co_return Failure{Errc::bad_request,
                          "scope user takes user_id; conversation and patient_thread take "
                          "conversation_id"};
    const std::string& target = on_user ? *user_id : *conversation_id;
    if (!identity::is_uuid(target)) co_return Failure{Errc::bad_request, "the id is not a UUID"};
    if (until_ms && *until_ms <= from_ms)
        co_return Failure{Errc::bad_request, "until_ms must come after from_ms"};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    std::string hold_id;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        auto n = note(caller, "legal_hold.place", "", source);
        n.details["scope"] = scope;
        n.details[on_user ? "user_id" : "conversation_id"] = target;
        n.details["from_ms"] = from_ms;
        n.details["until_ms"] = until_ms ? json(*until_ms) : json(nullptr);
        PgParams find{caller.org_id, target};
        auto found = co_await l.query(
            storage::statement(on_user ? "legal_hold_user_in_org" : "retention_conversation_kind"),
            std::move(find));
        if (!found) co_return found.error();
        if (found->rows() != 1) {
            refusal =
                Failure{Errc::not_found, on_user ? "no such user in your organization"
                                                 : "no such conversation in your organization"};
            n.outcome = "denied";
            n.details["reason"] = "not_found";
            auto writing = identity::write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        if (scope == "patient_thread" && found->text_or_throw(0, 0) != "patient") {
            refusal = Failure{Errc::bad_request, "the conversation is not a patient thread"};
            n.outcome = "failure";
            n.details["reason"] = "not_a_patient_thread";
            auto writing = identity::write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        PgParams p{caller.org_id, scope};
        p.optional_text(user_id).optional_text(conversation_id).text(case_name).integer(from_ms);
        if (until_ms)
            p.integer(*until_ms);
        else
            p.null();
        p.text(caller.user_id);
        auto inserted = co_await l.query(storage::statement("legal_hold_insert"), std::move(p));
        if (!inserted) co_return inserted.error();
        hold_id = std::string(inserted->text_or_throw(0, 0));
        n.target_id = hold_id;
        n.high_severity = true;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    co_return json{{"hold_id", hold_id}};
}

asio::awaitable<Outcome> LegalHoldService::list(json body, BoundSession caller) {
    PgParams p{caller.org_id};
    p.boolean(body.value("include_released", false));
    auto listing = pool_.query(storage::statement("legal_holds_list"), std::move(p));
    auto r = co_await std::move(listing);
    if (!r) co_return kUnavailable;
    json holds = json::array();
    for (int i = 0; i < r->rows(); ++i) {
        json h{{"id", std::string(r->text_or_throw(i, 0))},
               {"scope", std::string(r->text_or_throw(i, 1))},
               {"case_name", std::string(r->text_or_throw(i, 4))},
               {"from_ms", r->int64(i, 5)},
               {"placed_by", std::string(r->text_or_throw(i, 7))},
               {"placed_ms", r->int64(i, 8)}};
        if (!r->is_null(i, 6)) h["until_ms"] = r->int64(i, 6);
        if (auto u = text_or_null(*r, i, 2)) h["user_id"] = *u;
        if (auto c = text_or_null(*r, i, 3)) h["conversation_id"] = *c;
        std::string state = "active";
        if (auto by = text_or_null(*r, i, 9)) {
            state = "release_pending";
            h["release_requested_by"] = *by;
            h["release_requested_ms"] = r->int64(i, 10);
        }
        if (auto by = text_or_null(*r, i, 11)) {
            state = "released";
            h["released_by"] = *by;
            h["released_ms"] = r->int64(i, 12);
        }
        h["state"] = state;
        holds.push_back(std::move(h));
    }
    co_return json{{"holds", std::move(holds)}};
}

asio::awaitable<Outcome> LegalHoldService::release(std::string type, json body, BoundSession caller,
                                                   std::string source) {
    const std::string hold_id = body.at("hold_id").get<std::string>();
    if (!identity::is_uuid(hold_id)) co_return Failure{Errc::bad_request, "hold_id is not a UUID"};
    const bool confirming = type == "legal_holds.confirm_release";
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        auto n =
            note(caller, confirming ? "legal_hold.release_confirm" : "legal_hold.release_request",
                 hold_id, source);
        PgParams find{caller.org_id, hold_id};
        auto found = co_await l.query(storage::statement("legal_hold_get"), std::move(find));
        if (!found) co_return found.error();
        const auto requested_by = found->rows() == 1 ? text_or_null(*found, 0, 0) : std::nullopt;
        if (found->rows() != 1) {
            refusal = kNoSuchHold;
            n.outcome = "denied";
            n.details["reason"] = "not_found";
        } else if (found->boolean(0, 1)) {
            refusal = Failure{Errc::conflict, "the hold is released already"};
            n.outcome = "failure";
            n.details["reason"] = "released_already";
        } else if (!confirming && requested_by) {
            refusal = Failure{Errc::conflict, "a release of this hold is waiting for confirmation"};
            n.outcome = "failure";
            n.details["reason"] = "release_pending";
        } else if (confirming && !requested_by) {
            refusal = Failure{Errc::conflict, "nobody asked to release this hold"};
            n.outcome = "failure";
            n.details["reason"] = "no_release_requested";
        } else if (confirming && *requested_by == caller.user_id) {
            refusal =
                Failure{Errc::forbidden,
                        "a second compliance officer must confirm: you asked for this release"};
            n.outcome = "denied";
            n.details["reason"] = "requester";
        }
        if (!refusal) {
            PgParams p{hold_id, caller.user_id};
            auto changed =
                co_await l.query(storage::statement(confirming ? "legal_hold_confirm_release"
                                                               : "legal_hold_request_release"),
                                 std::move(p));
            if (!changed) co_return changed.error();
            if (confirming) n.details["requested_by"] = *requested_by;
            n.high_severity = true;
        }
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    co_return json{{"state", confirming ? "released" : "release_pending"}};
}

}  // namespace wardline::server::retention
