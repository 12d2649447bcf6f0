// SPDX-License-Identifier: Apache-2.0
// Break-glass emergency access (issue #3; docs/security.md, "Break-glass"). A holder of
// break_glass re-enters their second factor, states a reason and gets a time-boxed grant to
// read one conversation they are not a member of; the organization's holders of
// break_glass.review are told at once (break_glass.opened), list grants with their reasons
// and may revoke a live one. conversations.get and patients.find honour live grants, and each
// read under one is audited with high severity (conversation_service.cpp).
#include "common/core/log.hpp"
#include "server/conversations/conversation_common_p.hpp"
#include "server/conversations/conversation_service.hpp"
#include "server/conversations/conversation_sql.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/identity_sql.hpp"
#include "server/identity/second_factor.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>

namespace wardline::server::conversations {

namespace asio = boost::asio;
using namespace detail;
using identity::AuditNote;
using identity::BoundSession;
using identity::EndReason;
using identity::TotpUse;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

namespace {

// The same answer for a wrong, a replayed and a throttled code, as at login.
const Failure kWrongCode{Errc::forbidden, "wrong or already used code"};
const Failure kNoGrant{Errc::not_found, "no such break-glass grant"};
constexpr std::int64_t kDefaultGrantPage = 50;

std::string lower(std::string id) {
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

}  // namespace

boost::asio::awaitable<Outcome> ConversationService::break_glass_open(json body,
                                                                      BoundSession caller,
                                                                      std::string source) {
    auto id = lower(body.at("conversation_id").get<std::string>());
    if (!is_uuid(id)) co_return Failure{Errc::bad_request, "conversation_id must be a UUID"};
    const auto reason = body.at("reason").get<std::string>();
    if (auto rule = identity::Credentials::check_profile_text(reason, "reason", 500, true);
        !rule.empty())
        co_return Failure{Errc::bad_request, rule};
    const std::string code = body.value("totp", std::string());

    // A refused attempt is on the record with high severity; the code itself never is.
    auto refused = [&caller, &id, &source](const std::string& why) {
        AuditNote n = note_for(caller, "break_glass.open", id, source);
        n.outcome = "failure";
        n.high_severity = true;
        n.details["reason"] = why;
        return n;
    };
    if (code.empty()) {
        auto writing = audit_alone(refused("missing_code"));
        co_await std::move(writing);
        co_return Failure{Errc::bad_request,
                          "break_glass.open needs the current code of your authenticator (totp)"};
    }

    // The login path's per-account state: an enrolled second factor, the lock, the delay.
    PgParams who{caller.user_id};
    auto reading = pool_.query(identity::sql::factor_recheck_state(), std::move(who));
    auto state = co_await std::move(reading);
    if (!state) co_return kUnavailable;
    if (state->rows() != 1) co_return kUnavailable;
    if (state->is_null(0, 0)) {
        auto writing = audit_alone(refused("mfa_not_enrolled"));
        co_await std::move(writing);
        co_return Failure{Errc::forbidden, "break-glass needs an enrolled second factor"};
    }
    const int failures = static_cast<int>(state->int64(0, 1));
    const std::int64_t last_failed_ms = state->int64(0, 2);
    const bool locked = state->boolean(0, 3);
    const int threshold = static_cast<int>(state->int64(0, 4));
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch()).count();
    if (locked || now_ms < last_failed_ms + identity::delay_seconds_after(failures) * 1000) {
        // Inside the delay the code is not even tried, as at login.
        auto writing = audit_alone(refused(locked ? "account_locked" : "account_throttled"));
        co_await std::move(writing);
        co_return kWrongCode;
    }

    // The reason may name the patient: sealed like the thread itself, bound to its grant.
    const std::string grant_id = new_uuid();
    const auto sealed = seal(credentials_, grant_id, "break_glass_reason", reason);
    const std::string sealed_reason = base64(std::as_bytes(std::span(sealed)));

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    std::optional<TotpUse> factor;
    std::string expires_at;
    const std::int64_t unix_now = now_ms / 1000;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        factor.reset();
        // The second factor first: without it nothing is looked up, so a stolen session alone
        // cannot even learn which conversations exist. A refusal below rolls back, which
        // releases the code's time step again.
        auto checking = identity::use_totp_code(l, credentials_, caller.user_id, code, unix_now);
        auto use = co_await std::move(checking);
        if (!use) co_return use.error();
        if (*use != TotpUse::accepted) {
            factor = *use;
            co_return Errc::forbidden;
        }
        PgParams target{caller.org_id, id, caller.user_id};
        auto looking = l.query(sql::bg_target(), std::move(target));
        auto found = co_await std::move(looking);
        if (!found) co_return found.error();
        if (found->rows() != 1) {
            refusal = kNoConversation;
            co_return Errc::not_found;
        }
        if (found->boolean(0, 1)) {
            refusal = Failure{Errc::conflict, "you are a member of this conversation already"};
            co_return Errc::conflict;
        }
        PgParams insert{grant_id, caller.org_id, caller.user_id, id, sealed_reason};
        auto inserting = l.query(sql::bg_insert(), std::move(insert));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        expires_at = std::string(inserted->text_or_throw(0, 0));
        // A correct second factor ends a run of failures, as a completed login does.
        PgParams clear{caller.user_id};
        auto clearing = l.query(identity::sql::login_succeeded(), std::move(clear));
        if (auto cleared = co_await std::move(clearing); !cleared) co_return cleared.error();
        AuditNote n = note_for(caller, "break_glass.open", id, source);
        n.high_severity = true;
        n.details["grant_id"] = grant_id;
        n.details["expires_at"] = expires_at;
        n.details["second_factor"] = "totp";
        // The reason itself is in the grant (sealed): it may name the patient.
        n.details["reason_sealed_in_grant"] = true;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    if (!done && factor) {
        if (*factor == TotpUse::not_enrolled) {
            lease->release();
            auto writing = audit_alone(refused("mfa_not_enrolled"));
            co_await std::move(writing);
            co_return Failure{Errc::forbidden, "break-glass needs an enrolled second factor"};
        }
        // Counted toward the same delay and lockout as a wrong code at login. The failure that
        // locks the account ends every session of the user: whoever holds this one could not
        // give the second factor.
        using identity::FailureCounted;
        auto count = [&](PgLease& l) -> boost::asio::awaitable<Result<FailureCounted>> {
            auto counting = identity::count_failure(
                l, caller.user_id, threshold, refused(identity::totp_refusal_reason(*factor)));
            auto locked_now = co_await std::move(counting);
            if (!locked_now || *locked_now != FailureCounted::locked) co_return locked_now;
            PgParams end{caller.user_id,
                         std::string(identity::to_string(EndReason::account_locked))};
            end.null();
            auto ending = l.query(identity::sql::sessions_end_for_user(), std::move(end));
            if (auto ended = co_await std::move(ending); !ended) co_return ended.error();
            co_return FailureCounted::locked;
        };
        auto counting = storage::with_transaction(*lease, count);
        auto counted = co_await std::move(counting);
        lease->release();
        if (!counted) co_return kUnavailable;
        if (*counted == FailureCounted::locked)
            sessions_.end_user(caller.user_id, EndReason::account_locked);
        co_return kWrongCode;
    }
    lease->release();
    if (!done) {
        if (refusal) co_return *refusal;
        co_return kUnavailable;
    }

    // Told after COMMIT, on every node (SessionRegistry relays it). Ids only: the reason may
    // name the patient, so reviewers read it with break_glass.list.
    PgParams org{caller.org_id};
    auto listing = pool_.query(sql::bg_reviewers(), std::move(org));
    if (auto reviewers = co_await std::move(listing); reviewers) {
        const json event{{"grant_id", grant_id},
                         {"conversation_id", id},
                         {"user_id", caller.user_id},
                         {"expires_at", expires_at}};
        for (int i = 0; i < reviewers->rows(); ++i)
            sessions_.notify_user(std::string(reviewers->text_or_throw(i, 0)), "break_glass.opened",
                                  event);
    } else {
        log::app().warn("break-glass grant {}: reviewers not notified (database)", grant_id);
    }
    co_return json{{"grant_id", grant_id}, {"conversation_id", id}, {"expires_at", expires_at}};
}

boost::asio::awaitable<Outcome> ConversationService::break_glass_list(json body,
                                                                      BoundSession caller,
                                                                      std::string source) {
    const bool active_only = body.value("filter", std::string("active")) == "active";
    std::optional<std::string> after;
    if (auto it = body.find("after"); it != body.end()) {
        after = lower(it->get<std::string>());
        if (!is_uuid(*after)) co_return Failure{Errc::bad_request, "after must be a grant id"};
    }
    const std::int64_t limit = body.value("limit", kDefaultGrantPage);
    PgParams params{caller.org_id};
    params.boolean(active_only).optional_text(after).integer(limit + 1);
    auto reading = pool_.query(sql::bg_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json grants = json::array();
    json shown = json::array();
    for (int i = 0; i < r->rows() && i < limit; ++i) {
        const std::string grant_id(r->text_or_throw(i, 0));
        const auto sealed = base64_decode(r->text_or_throw(i, 4));
        std::optional<std::string> reason;
        if (sealed)
            reason = open(credentials_, grant_id, "break_glass_reason",
                          std::as_bytes(std::span(*sealed)));
        if (!reason) {
            log::app().error("break-glass grant {}: the sealed reason does not open", grant_id);
            co_return Failure{Errc::internal, "a sealed field could not be opened"};
        }
        json g{{"grant_id", grant_id},
               {"user_id", std::string(r->text_or_throw(i, 1))},
               {"username", std::string(r->text_or_throw(i, 2))},
               {"conversation_id", std::string(r->text_or_throw(i, 3))},
               {"reason", *reason},
               {"granted_at", std::string(r->text_or_throw(i, 5))},
               {"expires_at", std::string(r->text_or_throw(i, 6))},
               {"active", r->boolean(i, 9)}};
        if (!r->is_null(i, 7)) {
            g["revoked_at"] = std::string(r->text_or_throw(i, 7));
            g["revoked_by"] = std::string(r->text_or_throw(i, 8));
        }
        grants.push_back(std::move(g));
        shown.push_back(grant_id);
    }
    // Reading the reasons is itself on the record: which grants were shown, never the reasons.
    AuditNote n = note_for(caller, "break_glass.list", "", source);
    n.target_kind.clear();
    n.details["filter"] = active_only ? "active" : "all";
    n.details["grants"] = shown;
    auto writing = audit_alone(std::move(n));
    co_await std::move(writing);
    json out{{"grants", std::move(grants)}};
    if (r->rows() > limit) out["next_after"] = shown.back();
    co_return out;
}

boost::asio::awaitable<Outcome> ConversationService::break_glass_revoke(json body,
                                                                        BoundSession caller,
                                                                        std::string source) {
    const auto grant_id = lower(body.at("grant_id").get<std::string>());
    if (!is_uuid(grant_id)) co_return Failure{Errc::bad_request, "grant_id must be a UUID"};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    std::string holder;
    std::string conversation;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        PgParams params{caller.org_id, grant_id, caller.user_id};
        auto revoking = l.query(sql::bg_revoke(), std::move(params));
        auto revoked = co_await std::move(revoking);
        if (!revoked) co_return revoked.error();
        if (revoked->rows() != 1) {
            PgParams exists{caller.org_id, grant_id};
            auto looking = l.query(sql::bg_get(), std::move(exists));
            auto found = co_await std::move(looking);
            if (!found) co_return found.error();
            refusal = found->rows() == 1 ? Failure{Errc::conflict, "the grant has ended already"}
                                         : kNoGrant;
            co_return refusal->code;
        }
        holder = std::string(revoked->text_or_throw(0, 0));
        conversation = std::string(revoked->text_or_throw(0, 1));
        AuditNote n = note_for(caller, "break_glass.revoke", conversation, source);
        n.high_severity = true;
        n.details["grant_id"] = grant_id;
        n.details["holder_id"] = holder;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        if (refusal) co_return *refusal;
        co_return kUnavailable;
    }
    const json event{{"grant_id", grant_id}, {"conversation_id", conversation}};
    sessions_.notify_user(holder, "break_glass.revoked", event);
    co_return json{{"grant_id", grant_id}, {"conversation_id", conversation}};
}

}  // namespace wardline::server::conversations
