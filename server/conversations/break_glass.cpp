// SPDX-License-Identifier: Apache-2.0
// break_glass.open (issue #3 "emergency access", issue #5 names the target): a holder of
// break_glass states a reason and gets a time-boxed grant to read one patient thread they are
// not a member of. The grant lasts the organization's break_glass_minutes
// (organization_policies); conversations.get and patients.find honour live grants, and each
// read under one is audited with high severity (conversation_service.cpp).
#include "server/conversations/conversation_common_p.hpp"
#include "server/conversations/conversation_service.hpp"
#include "server/conversations/conversation_sql.hpp"
#include "server/identity/credentials.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>

namespace wardline::server::conversations {

namespace asio = boost::asio;
using namespace detail;
using identity::AuditNote;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

boost::asio::awaitable<Outcome> ConversationService::break_glass_open(json body,
                                                                      BoundSession caller,
                                                                      std::string source) {
    auto id = body.at("conversation_id").get<std::string>();
    if (!is_uuid(id)) co_return Failure{Errc::bad_request, "conversation_id must be a UUID"};
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto reason = body.at("reason").get<std::string>();
    if (auto rule = identity::Credentials::check_profile_text(reason, "reason", 500, true);
        !rule.empty())
        co_return Failure{Errc::bad_request, rule};
    // The reason may name the patient: sealed like the thread itself, bound to its grant.
    const std::string grant_id = new_uuid();
    const auto sealed = seal(credentials_, grant_id, "break_glass_reason", reason);
    const std::string sealed_reason = base64(std::as_bytes(std::span(sealed)));

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    std::string expires_at;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        PgParams target{caller.org_id, id, caller.user_id};
        auto looking = l.query(sql::bg_target(), std::move(target));
        auto found = co_await std::move(looking);
        if (!found) co_return found.error();
        // Only patient threads; any other conversation looks like an unknown one.
        if (found->rows() != 1 || found->text_or_throw(0, 0) != "patient") {
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
        AuditNote n = note_for(caller, "break_glass.open", id, source);
        n.high_severity = true;
        n.details["grant_id"] = grant_id;
        n.details["expires_at"] = expires_at;
        // The reason itself is in the grant (sealed): it may name the patient.
        n.details["reason_sealed_in_grant"] = true;
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
    co_return json{{"grant_id", grant_id}, {"conversation_id", id}, {"expires_at", expires_at}};
}

}  // namespace wardline::server::conversations
