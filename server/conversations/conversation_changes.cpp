// SPDX-License-Identifier: Apache-2.0
// conversations.update, .add_members, .remove_member, .archive and .join: every change locks
// the conversation row first (conv_lock.sql), so the rules below see the state they change.
// Order of the answers, so that nothing leaks: a conversation the caller may not see is
// not_found; then an archived one is `archived`; then a caller without the right role is
// forbidden (and audited as authz.denied).
#include "server/conversations/conversation_service.hpp"

#include "common/core/log.hpp"
#include "server/conversations/conversation_common_p.hpp"
#include "server/conversations/conversation_sql.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>
#include <set>

namespace wardline::server::conversations {
namespace {

namespace asio = boost::asio;
using namespace detail;
using identity::AuditNote;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

}  // namespace

// --- conversations.update -----------------------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::update(json body, BoundSession caller,
                                                            std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    struct Change {
        bool set = false;
        std::optional<std::string> value;  ///< nullopt clears
    };
    Change title;
    Change topic;
    for (const auto& [field, max] : {std::pair{"title", 200}, std::pair{"topic", 1000}}) {
        const auto it = body.find(field);
        if (it == body.end()) continue;
        Change& c = std::string_view(field) == "title" ? title : topic;
        c.set = true;
        auto text = it->get<std::string>();
        if (text.empty()) continue;  // "" clears
        if (auto rule = identity::Credentials::check_profile_text(
                text, field, static_cast<std::size_t>(max), true);
            !rule.empty())
            co_return Failure{Errc::bad_request, rule};
        c.value = std::move(text);
    }
    if (!title.set && !topic.set) co_return Failure{Errc::bad_request, "name title, topic or both"};

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    Refusal refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        auto locking = lock_for_change(l, caller.org_id, *id, caller.user_id, {}, refusal);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        const Locked& c = *locked;
        if (c.kind == "direct") {
            co_return refusal.refuse(
                Failure{Errc::bad_request, "a direct conversation has no title or topic"});
        }
        PgParams params{*id};
        for (const auto* change : {&title, &topic}) {
            params.boolean(change->set);
            if (change->value) {
                const auto sealed =
                    seal(credentials_, *id, change == &title ? "title" : "topic", *change->value);
                params.binary(std::as_bytes(std::span(sealed)));
            } else
                params.null();
        }
        auto updating = l.query(sql::conv_update(), std::move(params));
        if (auto updated = co_await std::move(updating); !updated) co_return updated.error();
        AuditNote n = note_for(caller, "conversations.update", *id, source);
        n.details["title_changed"] = title.set;
        n.details["topic_changed"] = topic.set;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        auto refusing = refused(refusal, caller, source, "conversations.update", *id);
        co_return co_await std::move(refusing);
    }
    json changed = json::array();
    if (title.set) changed.push_back("title");
    if (topic.set) changed.push_back("topic");
    auto listing = member_ids(*id);
    const auto users = co_await std::move(listing);
    notify(users, "conversation.updated", json{{"conversation_id", *id}, {"changed", changed}});
    co_return json{{"conversation_id", *id}, {"changed", std::move(changed)}};
}

// --- conversations.add_members and conversations.join -------------------------------------

boost::asio::awaitable<Outcome> ConversationService::add_members(json body, BoundSession caller,
                                                                 std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    std::vector<std::string> users;
    {
        std::set<std::string> seen;
        for (const auto& u : body.at("user_ids")) {
            auto user = u.get<std::string>();
            if (!is_uuid(user)) co_return Failure{Errc::bad_request, "user_ids must be user ids"};
            std::transform(user.begin(), user.end(), user.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (seen.insert(user).second) users.push_back(std::move(user));
        }
    }
    const std::string requested_role = body.value("role", std::string("member"));

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    Refusal refusal;
    json added = json::array();
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        added = json::array();
        auto locking = lock_for_change(l, caller.org_id, *id, caller.user_id, {}, refusal);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        const Locked& c = *locked;
        if (c.kind == "direct") {
            co_return refusal.refuse(
                Failure{Errc::bad_request, "a direct conversation keeps its two members"});
        }
        PgParams check{caller.org_id, array_literal(users)};
        auto checking = l.query(sql::conv_active_users(), std::move(check));
        auto active = co_await std::move(checking);
        if (!active) co_return active.error();
        if (active->rows() != static_cast<int>(users.size())) {
            co_return refusal.refuse(kNoSuchUser);
        }
        // Announcement channels: the conversation's roles decide who may post, unless the
        // owner asked for read_only.
        const std::string role =
            c.kind == "announcement" && requested_role == "member" ? "auto" : requested_role;
        const std::vector<std::string> roles(users.size(), role);
        PgParams add{*id, caller.org_id, array_literal(users), array_literal(roles),
                     caller.user_id};
        auto adding = l.query(sql::conv_members_add(), std::move(add));
        auto r = co_await std::move(adding);
        if (!r) co_return r.error();
        if (c.members + r->rows() > kMaxMembers) {
            co_return refusal.refuse(Failure{
                Errc::conflict, "a conversation has at most " + std::to_string(kMaxMembers) +
                                    " members; it has " + std::to_string(c.members)});
        }
        json ids = json::array();
        for (int i = 0; i < r->rows(); ++i) {
            added.push_back({{"user_id", std::string(r->text_or_throw(i, 0))},
                             {"role", std::string(r->text_or_throw(i, 1))}});
            ids.push_back(std::string(r->text_or_throw(i, 0)));
        }
        AuditNote n = note_for(caller, "conversations.add_members", *id, source);
        n.details["added"] = std::move(ids);
        n.details["role"] = role;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        auto refusing = refused(refusal, caller, source, "conversations.add_members", *id);
        co_return co_await std::move(refusing);
    }
    if (!added.empty()) {
        json ids = json::array();
        for (const auto& a : added) ids.push_back(a["user_id"]);
        auto listing = member_ids(*id);
        const auto members = co_await std::move(listing);
        notify(members, "conversation.member_added",
               json{{"conversation_id", *id}, {"user_ids", ids}, {"by", caller.user_id}});
    }
    co_return json{{"conversation_id", *id}, {"added", std::move(added)}};
}

boost::asio::awaitable<Outcome> ConversationService::join(json body, BoundSession caller,
                                                          std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    std::string role;
    bool joined = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        joined = false;
        // Whether the caller may see it at all: the same rule as conversations.discover.
        PgParams visible{caller.org_id, caller.user_id, *id};
        visible.null().integer(1);
        auto looking = l.query(sql::conv_discover(), std::move(visible));
        auto seen = co_await std::move(looking);
        if (!seen) co_return seen.error();
        if (seen->rows() != 1) {
            refusal = kNoConversation;
            co_return Errc::not_found;
        }
        auto locking = lock_conversation(l, caller.org_id, *id, caller.user_id);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        if (!*locked) {
            refusal = kNoConversation;
            co_return Errc::not_found;
        }
        const Locked& c = **locked;
        if (c.archived) {  // archived after the visibility check read it
            refusal = kArchived;
            co_return Errc::archived;
        }
        if (c.caller_role) {  // already a member: nothing to do
            role = *c.caller_role;
            co_return Result<void>{};
        }
        if (c.members + 1 > kMaxMembers) {
            refusal = Failure{Errc::conflict, "a conversation has at most " +
                                                  std::to_string(kMaxMembers) + " members"};
            co_return Errc::conflict;
        }
        const std::vector<std::string> users{caller.user_id};
        const std::vector<std::string> roles{c.kind == "announcement" ? "auto" : "member"};
        PgParams add{*id, caller.org_id, array_literal(users), array_literal(roles),
                     caller.user_id};
        auto adding = l.query(sql::conv_members_add(), std::move(add));
        auto r = co_await std::move(adding);
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::internal;
        role = std::string(r->text_or_throw(0, 1));
        joined = true;
        AuditNote n = note_for(caller, "conversations.join", *id, source);
        n.details["role"] = role;
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
    if (joined) {
        auto listing = member_ids(*id);
        const auto members = co_await std::move(listing);
        notify(members, "conversation.member_added",
               json{{"conversation_id", *id},
                    {"user_ids", json::array({caller.user_id})},
                    {"by", caller.user_id}});
    }
    co_return json{{"conversation_id", *id}, {"joined", joined}, {"role", role}};
}

// --- conversations.remove_member ----------------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::remove_member(json body, BoundSession caller,
                                                                   std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    const auto user = conversation_id(body, "user_id");
    if (!user) co_return Failure{Errc::bad_request, "user_id must be a UUID"};
    const bool leaving = *user == caller.user_id;

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    Refusal refusal;
    std::optional<std::string> successor;  ///< who became owner when the last one left
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        successor.reset();
        auto locking =
            lock_for_change(l, caller.org_id, *id, caller.user_id, {.own = leaving}, refusal);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        const Locked& c = *locked;
        if (c.kind == "direct") {
            co_return refusal.refuse(
                Failure{Errc::bad_request, "a direct conversation keeps its two members"});
        }
        PgParams remove{*id, *user};
        auto removing = l.query(sql::conv_member_remove(), std::move(remove));
        auto r = co_await std::move(removing);
        if (!r) co_return r.error();
        if (r->rows() != 1) {
            co_return refusal.refuse(
                Failure{Errc::not_found, "no such member of the conversation"});
        }
        AuditNote n = note_for(
            caller, leaving ? "conversations.leave" : "conversations.remove_member", *id, source);
        n.details["user_id"] = *user;
        n.details["role"] = std::string(r->text_or_throw(0, 0));
        auto writing = identity::write_audit(l, std::move(n));
        if (auto written = co_await std::move(writing); !written) co_return written;
        // The last owner left: the longest-standing member takes over (audited as such).
        if (r->text_or_throw(0, 0) != "owner") co_return Result<void>{};
        PgParams conv{*id};
        auto succeeding = l.query(sql::conv_owner_succession(), std::move(conv));
        auto s = co_await std::move(succeeding);
        if (!s) co_return s.error();
        if (s->rows() != 1) co_return Result<void>{};
        successor = std::string(s->text_or_throw(0, 0));
        AuditNote promoted = note_for(caller, "conversations.owner_succession", *id, source);
        promoted.details["user_id"] = *successor;
        promoted.details["after"] = *user;
        auto recording = identity::write_audit(l, std::move(promoted));
        co_return co_await std::move(recording);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        auto refusing = refused(refusal, caller, source, "conversations.remove_member", *id);
        co_return co_await std::move(refusing);
    }
    auto listing = member_ids(*id);
    auto users = co_await std::move(listing);
    users.push_back(*user);  // the removed user's devices hear it too
    notify(users, "conversation.member_removed",
           json{{"conversation_id", *id}, {"user_id", *user}, {"by", caller.user_id}});
    json answer{{"conversation_id", *id}, {"removed", *user}};
    if (successor) {
        notify(users, "conversation.member_role_changed",
               json{{"conversation_id", *id}, {"user_id", *successor}, {"role", "owner"}});
        answer["new_owner"] = *successor;
    }
    co_return answer;
}

// --- conversations.archive ----------------------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::archive(json body, BoundSession caller,
                                                             std::string source) {
    const auto id = conversation_id(body);
    if (!id) co_return kBadConversationId;
    const bool org_admin = caller.has("org.settings");
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    Refusal refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        // org.settings holders may archive any conversation of their organization.
        auto locking = lock_for_change(
            l, caller.org_id, *id, caller.user_id,
            {.org_admin = org_admin,
             .not_owner =
                 {Errc::forbidden,
                  "only an owner of the conversation or a holder of org.settings may archive it"}},
            refusal);
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        const Locked& c = *locked;
        PgParams params{*id};
        auto archiving = l.query(sql::conv_archive(), std::move(params));
        if (auto archived = co_await std::move(archiving); !archived) co_return archived.error();
        AuditNote n = note_for(caller, "conversations.archive", *id, source);
        n.details["as"] = c.caller_role == "owner" ? "owner" : "org.settings";
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        auto refusing = refused(refusal, caller, source, "conversations.archive", *id);
        co_return co_await std::move(refusing);
    }
    auto listing = member_ids(*id);
    const auto users = co_await std::move(listing);
    notify(users, "conversation.updated",
           json{{"conversation_id", *id}, {"changed", json::array({"archived"})}});
    co_return json{{"conversation_id", *id}, {"archived", true}};
}

}  // namespace wardline::server::conversations
