// SPDX-License-Identifier: Apache-2.0
// conversations.set_role: an owner (or a holder of org.settings, who may act on any
// conversation of the organization, as for archiving) makes a member owner, member or
// read_only. Several owners are allowed; the last one cannot step down, so a conversation
// always has someone who can manage it (when the last owner leaves, conversation_changes.cpp
// hands ownership on). The answers follow conversation_changes.cpp's order: not_found, then
// archived, then forbidden (audited as authz.denied).
#include "server/conversations/conversation_common_p.hpp"
#include "server/conversations/conversation_service.hpp"
#include "server/conversations/conversation_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

namespace wardline::server::conversations {

namespace asio = boost::asio;
using namespace detail;
using identity::AuditNote;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

boost::asio::awaitable<Outcome> ConversationService::set_role(json body, BoundSession caller,
                                                              std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    const auto user = conversation_id(body, "user_id");
    if (!user) co_return Failure{Errc::bad_request, "user_id must be a UUID"};
    const auto role = body.at("role").get<std::string>();
    if (role != "owner" && role != "member" && role != "read_only")
        co_return Failure{Errc::bad_request, "role must be owner, member or read_only"};
    const bool org_admin = caller.has("org.settings");

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    Refusal refusal;
    bool changed = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        changed = false;
        auto locking = lock_for_change(l, caller.org_id, *id, caller.user_id,
                                       {.org_admin = org_admin}, refusal);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        const Locked& c = *locked;
        if (c.kind == "direct") {
            co_return refusal.refuse(
                Failure{Errc::bad_request, "the members of a direct conversation are equals"});
        }
        PgParams params{*id, *user, role};
        auto setting = l.query(sql::conv_member_set_role(), std::move(params));
        auto r = co_await std::move(setting);
        if (!r) co_return r.error();
        if (r->rows() != 1) {
            co_return refusal.refuse(
                Failure{Errc::not_found, "no such member of the conversation"});
        }
        const std::string previous(r->text_or_throw(0, 0));
        const std::int64_t owners =
            r->int64(0, 1) - (previous == "owner" ? 1 : 0) + (role == "owner" ? 1 : 0);
        if (owners < 1) {
            co_return refusal.refuse(
                Failure{Errc::conflict,
                        "the conversation needs an owner: make another member owner first"});
        }
        if (previous == role) co_return Result<void>{};  // nothing changed, nothing to record
        changed = true;
        AuditNote n = note_for(caller, "conversations.set_role", *id, source);
        n.details["user_id"] = *user;
        n.details["from"] = previous;
        n.details["to"] = role;
        n.details["as"] = c.caller_role == "owner" ? "owner" : "org.settings";
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        auto refusing = refused(refusal, caller, source, "conversations.set_role", *id);
        co_return co_await std::move(refusing);
    }
    if (changed) {
        auto listing = member_ids(*id);
        const auto users = co_await std::move(listing);
        notify(users, "conversation.member_role_changed",
               json{{"conversation_id", *id},
                    {"user_id", *user},
                    {"role", role},
                    {"by", caller.user_id}});
    }
    co_return json{
        {"conversation_id", *id}, {"user_id", *user}, {"role", role}, {"changed", changed}};
}

}  // namespace wardline::server::conversations
