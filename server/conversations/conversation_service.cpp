// SPDX-License-Identifier: Apache-2.0
// conversations.create, .list, .get, .discover and patients.find. Order in every handler:
// (session and the request type's permission checked by the dispatcher) validate, act and
// audit in one transaction, respond, then push events. Coroutine arguments are built as named
// locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/conversations/conversation_service.hpp"

#include "common/core/log.hpp"
#include "server/conversations/conversation_common_p.hpp"
#include "server/conversations/conversation_sql.hpp"
#include "server/conversations/patient_identifiers.hpp"
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

std::span<const std::byte> bytes_of(const std::vector<std::uint8_t>& v) {
    return std::as_bytes(std::span(v));
}

std::string hex_of(const std::vector<std::uint8_t>& v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const auto b : v) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

/// Page size from the body (the schema bounds it).
std::int64_t page_size(const json& body) {
    return body.value("limit", ConversationService::kDefaultPage);
}

/// "after" of a paged request: absent, or a conversation id. Empty string for absent;
/// nullopt if malformed.
std::optional<std::string> page_after(const json& body) {
    const auto it = body.find("after");
    if (it == body.end()) return std::string();
    auto text = it->get<std::string>();
    if (!is_uuid(text)) return std::nullopt;
    return text;
}

/// The permission a kind needs beyond conversations.create (request_policy.cpp), or empty.
std::string extra_permission(const std::string& kind) {
    if (kind == "patient") return "patient_threads.create";
    if (kind == "announcement") return "org.settings";
    return "";
}

}  // namespace

ConversationService::ConversationService(storage::PgPool& pool, identity::SessionRegistry& sessions,
                                         const identity::Credentials& credentials,
                                         const BlindIndexKey* mrn_key,
                                         std::function<std::chrono::system_clock::time_point()> now)
    : pool_(pool),
      sessions_(sessions),
      credentials_(credentials),
      mrn_key_(mrn_key),
      now_(std::move(now)) {}

boost::asio::awaitable<Outcome> ConversationService::handle(std::string type, json body,
                                                            identity::ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy it, since it may end while the handler waits.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    boost::asio::awaitable<Outcome> work;
    if (type == "conversations.create")
        work = create(std::move(body), caller, source);
    else if (type == "conversations.list")
        work = list(std::move(body), caller);
    else if (type == "conversations.get")
        work = get(std::move(body), caller, source);
    else if (type == "conversations.discover")
        work = discover(std::move(body), caller);
    else if (type == "conversations.update")
        work = update(std::move(body), caller, source);
    else if (type == "conversations.add_members")
        work = add_members(std::move(body), caller, source);
    else if (type == "conversations.remove_member")
        work = remove_member(std::move(body), caller, source);
    else if (type == "conversations.set_role")
        work = set_role(std::move(body), caller, source);
    else if (type == "conversations.archive")
        work = archive(std::move(body), caller, source);
    else if (type == "conversations.join")
        work = join(std::move(body), caller, source);
    else if (type == "break_glass.open")
        work = break_glass_open(std::move(body), caller, source);
    else if (type == "break_glass.list")
        work = break_glass_list(std::move(body), caller, source);
    else if (type == "break_glass.revoke")
        work = break_glass_revoke(std::move(body), caller, source);
    else if (type == "patients.find")
        work = find_patients(std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

// --- helpers ------------------------------------------------------------------------------

boost::asio::awaitable<void> ConversationService::audit_alone(AuditNote note) {
    auto lease = co_await pool_.acquire();
    if (!lease) {
        log::app().error("audit record {} not written: database unavailable", note.action);
        co_return;
    }
    auto work = [&note](PgLease& l) { return identity::write_audit(l, note); };
    auto writing = storage::with_transaction(*lease, work);
    if (auto r = co_await std::move(writing); !r)
        log::app().error("audit record {} not written: {}", note.action, r.error().message());
}

boost::asio::awaitable<void> ConversationService::audit_denied(BoundSession caller,
                                                               std::string source, std::string type,
                                                               std::string target_id,
                                                               std::string reason) {
    AuditNote n = note_for(caller, "authz.denied", target_id, source);
    n.outcome = "denied";
    n.details["request"] = type;
    n.details["reason"] = reason;
    if (target_id.empty()) {
        n.target_kind = "request";
        n.target_id = type;
    }
    auto writing = audit_alone(std::move(n));
    co_await std::move(writing);
}

boost::asio::awaitable<Failure> ConversationService::refused(const Refusal& refusal,
                                                             BoundSession caller,
                                                             std::string source, std::string type,
                                                             std::string id) {
    if (refusal.denied) {
        auto auditing = audit_denied(std::move(caller), std::move(source), std::move(type),
                                     std::move(id), "not_owner");
        co_await std::move(auditing);
    }
    co_return refusal.answer ? *refusal.answer : kUnavailable;
}

boost::asio::awaitable<std::vector<std::string>> ConversationService::member_ids(
    std::string conversation_id) {
    std::vector<std::string> out;
    PgParams params{conversation_id};
    auto reading = pool_.query(sql::conv_members_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->text_or_throw(i, 0));
    co_return out;
}

void ConversationService::notify(const std::vector<std::string>& users, const std::string& event,
                                 const json& body) {
    // The registry relays it to the other server processes (server/messaging/event_relay.*).
    for (const auto& user : users) sessions_.notify_user(user, event, body);
}

boost::asio::awaitable<Outcome> ConversationService::view(BoundSession caller, std::string id,
                                                          std::string source) {
    PgParams params{caller.org_id, id, caller.user_id};
    auto reading = pool_.query(sql::conv_get(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    if (r->rows() != 1) co_return kNoConversation;
    json out{{"id", id},
             {"kind", std::string(r->text_or_throw(0, 0))},
             {"roles", json::parse(r->text_or_throw(0, 3))},
             {"mls_group_id", base64(r->bytea(0, 6))},
             {"epoch", r->int64(0, 7)},
             {"last_seq", r->int64(0, 8)},
             {"archived", r->boolean(0, 9)},
             {"created_by", std::string(r->text_or_throw(0, 10))},
             {"created_at", std::string(r->text_or_throw(0, 11))}};
    bool sealed_ok = true;
    auto unseal = [&](int col, const char* column, const char* field) {
        if (r->is_null(0, col)) return;
        auto opened = open(credentials_, id, column, r->bytea(0, col));
        if (!opened) {
            sealed_ok = false;
            return;
        }
        out[field] = *opened;
    };
    unseal(1, "title", "title");
    unseal(2, "topic", "topic");
    if (auto unit = r->text(0, 4)) out["unit"] = std::string(*unit);
    if (!r->is_null(0, 5)) {
        auto opened = open(credentials_, id, "patient", r->bytea(0, 5));
        if (opened)
            out["patient"] = json::parse(*opened);
        else
            sealed_ok = false;
    }
    if (!sealed_ok) {
        // Ids only in the log: the values are what is protected.
        log::app().error("conversation {}: a sealed field does not open with the keyring", id);
        co_return Failure{Errc::internal, "a sealed field of the conversation could not be opened"};
    }
    PgParams member_params{id};
    auto listing = pool_.query(sql::conv_members_list(), std::move(member_params));
    auto m = co_await std::move(listing);
    if (!m) co_return kUnavailable;
    json members = json::array();
    for (int i = 0; i < m->rows(); ++i) {
        const std::string user(m->text_or_throw(i, 0));
        const std::string role(m->text_or_throw(i, 1));
        if (user == caller.user_id) out["my_role"] = role;
        members.push_back({{"user_id", user},
                           {"role", role},
                           {"from_seq", m->int64(i, 2)},
                           {"read_seq", m->int64(i, 3)},
                           {"joined_at", std::string(m->text_or_throw(i, 4))}});
    }
    out["members"] = std::move(members);
    if (!r->boolean(0, 12)) {
        // Read under a break-glass grant: every such read is on the record, loudly.
        AuditNote n = note_for(caller, "break_glass.read", id, source);
        n.high_severity = true;
        auto auditing = audit_alone(std::move(n));
        co_await std::move(auditing);
    }
    co_return out;
}

// --- conversations.create -----------------------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::create(json body, BoundSession caller,
                                                            std::string source) {
    const std::string kind = body.at("kind").get<std::string>();
    if (const auto permission = extra_permission(kind);
        !permission.empty() && !caller.has(permission)) {
        auto auditing = audit_denied(caller, source, "conversations.create", "",
                                     "a " + kind + " conversation needs " + permission);
        co_await std::move(auditing);
        co_return Failure{Errc::forbidden, "your roles do not grant " + permission + ", which a " +
                                               kind + " conversation needs"};
    }
    auto bad = [](std::string text) -> Outcome {
        return Failure{Errc::bad_request, std::move(text)};
    };

    const auto group_id = base64_decode(body.at("mls_group_id").get<std::string>());
    if (!group_id || group_id->size() < 16 || group_id->size() > 64)
        co_return bad("mls_group_id must be base64 of 16 to 64 bytes");

    std::optional<std::string> title;
    std::optional<std::string> topic;
    for (const auto& [field, max] : {std::pair{"title", 200}, std::pair{"topic", 1000}}) {
        const auto it = body.find(field);
        if (it == body.end()) continue;
        if (kind == "direct") co_return bad("a direct conversation has no title or topic");
        auto text = it->get<std::string>();
        if (auto rule = identity::Credentials::check_profile_text(
                text, field, static_cast<std::size_t>(max), true);
            !rule.empty())
            co_return bad(rule);
        (std::string_view(field) == "title" ? title : topic) = std::move(text);
    }

    std::vector<std::string> members;
    {
        std::set<std::string> seen{caller.user_id};
        for (const auto& m : body.value("members", json::array())) {
            auto id = m.get<std::string>();
            if (!is_uuid(id)) co_return bad("members must be user ids");
            std::transform(id.begin(), id.end(), id.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (seen.insert(id).second) members.push_back(std::move(id));
        }
    }
    if (kind == "direct" && members.size() != 1)
        co_return bad("a direct conversation has exactly one member besides its creator");
    if (static_cast<std::int64_t>(members.size()) + 1 > kMaxMembers)
        co_return Failure{Errc::conflict,
                          "a conversation has at most " + std::to_string(kMaxMembers) + " members"};

    std::vector<std::string> roles;
    if (const auto it = body.find("roles"); it != body.end()) {
        if (kind != "channel" && kind != "announcement")
            co_return bad("roles are for channel and announcement conversations only");
        std::set<std::string> seen;
        for (const auto& r : *it) {
            auto name = r.get<std::string>();
            if (!is_role_name(name)) co_return bad("roles must be role names");
            if (seen.insert(name).second) roles.push_back(std::move(name));
        }
    }
    std::optional<std::string> unit;
    if (const auto it = body.find("unit"); it != body.end()) {
        if (kind != "announcement") co_return bad("unit is for announcement conversations only");
        auto text = it->get<std::string>();
        if (auto rule = identity::Credentials::check_profile_text(text, "unit", 64, true);
            !rule.empty())
            co_return bad(rule);
        unit = std::move(text);
    }
    std::optional<CheckedPatient> patient;
    const auto patient_it = body.find("patient");
    if ((kind == "patient") != (patient_it != body.end()))
        co_return bad("patient is required for, and only for, patient conversations");
    if (kind == "patient") {
        if (mrn_key_ == nullptr)
            co_return Failure{Errc::unavailable,
                              "patient threads are not configured on this server "
                              "(identity.blind_index_key_file)"};
        std::string rule;
        patient = check_patient(*patient_it, rule);
        if (!patient) co_return bad(rule);
    }
    std::vector<std::uint8_t> mrn_index;
    std::uint32_t mrn_index_key = 0;
    if (patient) {
        mrn_index_key = mrn_key_->key_id();
        mrn_index = mrn_key_->index(patient->normalized_mrn);
    }

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::string id;
    bool created = false;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        created = false;
        refusal.reset();
        if (!roles.empty()) {
            PgParams role_params{caller.org_id, array_literal(roles)};
            auto checking = l.query(sql::conv_known_roles(), std::move(role_params));
            auto known = co_await std::move(checking);
            if (!known) co_return known.error();
            if (known->int64(0, 0) != static_cast<std::int64_t>(roles.size())) {
                refusal = Failure{Errc::bad_request, "roles names a role the organization lacks"};
                co_return Errc::bad_request;
            }
        }
        if (!members.empty()) {
            PgParams user_params{caller.org_id, array_literal(members)};
            auto checking = l.query(sql::conv_active_users(), std::move(user_params));
            auto active = co_await std::move(checking);
            if (!active) co_return active.error();
            if (active->rows() != static_cast<int>(members.size())) {
                refusal = kNoSuchUser;
                co_return Errc::not_found;
            }
        }
        id = new_uuid();
        PgParams insert{id, caller.org_id, kind};
        if (title)
            insert.binary(bytes_of(seal(credentials_, id, "title", *title)));
        else
            insert.null();
        if (topic)
            insert.binary(bytes_of(seal(credentials_, id, "topic", *topic)));
        else
            insert.null();
        if (kind == "direct") {
            const auto& [low, high] = std::minmax(caller.user_id, members.front());
            insert.text(low).text(high);
        } else {
            insert.null().null();
        }
        insert.text(array_literal(roles)).optional_text(unit);
        if (patient) {
            insert.binary(bytes_of(seal(credentials_, id, "patient", patient->sealed_json)));
            insert.binary(bytes_of(mrn_index));
        } else {
            insert.null().null();
        }
        insert.binary(bytes_of(*group_id)).text(caller.user_id);
        if (patient)
            insert.integer(mrn_index_key);
        else
            insert.null();
        auto inserting = l.query(sql::conv_insert(), std::move(insert));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        if (inserted->rows() == 0) {
            if (kind == "direct") {
                // One conversation per pair: this is a repeat (or a race lost to the other
                // user), and the answer is the conversation that exists.
                const auto& [low, high] = std::minmax(caller.user_id, members.front());
                PgParams find{caller.org_id, low, high};
                auto finding = l.query(sql::conv_direct_find(), std::move(find));
                auto found = co_await std::move(finding);
                if (!found) co_return found.error();
                if (found->rows() == 1) {
                    id = std::string(found->text_or_throw(0, 0));
                    co_return Result<void>{};
                }
            }
            refusal = Failure{Errc::conflict, "mls_group_id is already in use"};
            co_return Errc::conflict;
        }
        std::vector<std::string> users{caller.user_id};
        std::vector<std::string> user_roles{"owner"};
        for (const auto& m : members) {
            users.push_back(m);
            user_roles.emplace_back(kind == "announcement" ? "auto" : "member");
        }
        PgParams add{id, caller.org_id, array_literal(users), array_literal(user_roles),
                     caller.user_id};
        auto adding = l.query(sql::conv_members_add(), std::move(add));
        auto added = co_await std::move(adding);
        if (!added) co_return added.error();
        created = true;
        AuditNote n = note_for(caller, "conversations.create", id, source);
        n.details["kind"] = kind;
        n.details["members"] = users;
        if (!roles.empty()) n.details["roles"] = roles;
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
    auto viewing = view(caller, id, source);
    auto shown = co_await std::move(viewing);
    if (auto* conversation = std::get_if<json>(&shown); conversation && created) {
        std::vector<std::string> users;
        for (const auto& m : (*conversation)["members"]) users.push_back(m["user_id"]);
        json event{{"conversation_id", id}, {"user_ids", users}, {"by", caller.user_id}};
        notify(users, "conversation.member_added", event);
    }
    if (auto* conversation = std::get_if<json>(&shown))
        co_return json{{"created", created}, {"conversation", std::move(*conversation)}};
    co_return shown;
}

// --- conversations.get / .list / .discover ------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::get(json body, BoundSession caller,
                                                         std::string source) {
    auto id = body.at("conversation_id").get<std::string>();
    if (!is_uuid(id)) co_return Failure{Errc::bad_request, "conversation_id must be a UUID"};
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto viewing = view(caller, id, source);
    co_return co_await std::move(viewing);
}

boost::asio::awaitable<Outcome> ConversationService::list(json body, BoundSession caller) {
    const auto after = page_after(body);
    if (!after) co_return Failure{Errc::bad_request, "after must be a conversation id"};
    const std::int64_t limit = page_size(body);
    PgParams params{caller.org_id, caller.user_id};
    params.optional_text(after->empty() ? std::nullopt : after).integer(limit + 1);
    auto reading = pool_.query(sql::conv_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json items = json::array();
    std::string last;
    for (int i = 0; i < r->rows() && i < limit; ++i) {
        const std::string id(r->text_or_throw(i, 0));
        json item{{"id", id},
                  {"kind", std::string(r->text_or_throw(i, 1))},
                  {"archived", r->boolean(i, 4)},
                  {"last_seq", r->int64(i, 5)},
                  {"role", std::string(r->text_or_throw(i, 6))},
                  {"read_seq", r->int64(i, 7)},
                  {"expired_through_seq", r->int64(i, 8)}};
        for (const auto& [col, field] : {std::pair{2, "title"}, std::pair{3, "topic"}}) {
            if (r->is_null(i, col)) continue;
            auto opened = open(credentials_, id, field, r->bytea(i, col));
            if (!opened) {
                log::app().error("conversation {}: a sealed field does not open", id);
                co_return Failure{Errc::internal, "a sealed field could not be opened"};
            }
            item[field] = *opened;
        }
        items.push_back(std::move(item));
        last = id;
    }
    json out{{"conversations", std::move(items)}};
    if (r->rows() > limit) out["next_after"] = last;
    co_return out;
}

boost::asio::awaitable<Outcome> ConversationService::discover(json body, BoundSession caller) {
    const auto after = page_after(body);
    if (!after) co_return Failure{Errc::bad_request, "after must be a conversation id"};
    const std::int64_t limit = page_size(body);
    PgParams params{caller.org_id, caller.user_id};
    params.null().optional_text(after->empty() ? std::nullopt : after).integer(limit + 1);
    auto reading = pool_.query(sql::conv_discover(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json items = json::array();
    std::string last;
    for (int i = 0; i < r->rows() && i < limit; ++i) {
        const std::string id(r->text_or_throw(i, 0));
        json item{{"id", id},
                  {"kind", std::string(r->text_or_throw(i, 1))},
                  {"member", r->boolean(i, 5)}};
        for (const auto& [col, field] : {std::pair{2, "title"}, std::pair{3, "topic"}}) {
            if (r->is_null(i, col)) continue;
            auto opened = open(credentials_, id, field, r->bytea(i, col));
            if (!opened) co_return Failure{Errc::internal, "a sealed field could not be opened"};
            item[field] = *opened;
        }
        if (auto unit = r->text(i, 4)) item["unit"] = std::string(*unit);
        items.push_back(std::move(item));
        last = id;
    }
    json out{{"conversations", std::move(items)}};
    if (r->rows() > limit) out["next_after"] = last;
    co_return out;
}

// --- patients.find ------------------------------------------------------------------------

boost::asio::awaitable<Outcome> ConversationService::find_patients(json body, BoundSession caller,
                                                                   std::string source) {
    if (mrn_key_ == nullptr)
        co_return Failure{Errc::unavailable,
                          "patient threads are not configured on this server "
                          "(identity.blind_index_key_file)"};
    const auto mrn = normalize_mrn(body.at("mrn").get<std::string>());
    if (!mrn)
        co_return Failure{
            Errc::bad_request,
            "mrn must be 1 to 32 letters and digits (spaces and hyphens are ignored)"};
    // Every live key: threads not yet re-indexed under the newest are found as well.
    std::string indexes = "{";
    for (const auto& index : mrn_key_->all_indexes(*mrn)) {
        indexes += indexes.size() > 1 ? ",\"" : "\"";
        indexes += hex_of(index);
        indexes += '"';
    }
    indexes += '}';
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json threads = json::array();
    bool unopened = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        threads = json::array();
        PgParams params{caller.org_id, caller.user_id};
        params.text(indexes);
        auto finding = l.query(sql::patients_find(), std::move(params));
        auto r = co_await std::move(finding);
        if (!r) co_return r.error();
        std::vector<std::string> ids;
        std::vector<std::string> under_grant;
        for (int i = 0; i < r->rows(); ++i) {
            const std::string id(r->text_or_throw(i, 0));
            auto patient = open(credentials_, id, "patient", r->bytea(i, 1));
            std::optional<std::string> title;
            if (!r->is_null(i, 2)) title = open(credentials_, id, "title", r->bytea(i, 2));
            if (!patient || (!r->is_null(i, 2) && !title)) {
                unopened = true;
                co_return Errc::internal;
            }
            json item{{"conversation_id", id},
                      {"archived", r->boolean(i, 3)},
                      {"patient", json::parse(*patient)}};
            if (title) item["title"] = *title;
            threads.push_back(std::move(item));
            ids.push_back(id);
            if (!r->boolean(i, 4)) under_grant.push_back(id);
        }
        // A lookup of PHI is itself recorded: who looked, and which threads it showed; never
        // the MRN.
        AuditNote n = note_for(caller, "patients.find", "", source);
        n.target_kind = "";
        n.details["threads"] = ids;
        if (!under_grant.empty()) {
            n.details["break_glass"] = under_grant;
            n.high_severity = true;
        }
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        if (unopened) co_return Failure{Errc::internal, "a sealed field could not be opened"};
        co_return kUnavailable;
    }
    co_return json{{"threads", std::move(threads)}};
}

}  // namespace wardline::server::conversations
