// SPDX-License-Identifier: Apache-2.0
// Order in every handler: (session and permission checked by the dispatcher) validate, act and
// audit in one transaction, respond, then push events. Coroutine arguments are built as named
// locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/messaging/stream_service.hpp"

#include "common/core/device_credential.hpp"
#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/message_writer.hpp"
#include "server/messaging/mls_envelope.hpp"
#include "server/messaging/sealed_body.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/messaging/workflow_service.hpp"
#include "server/messaging/workflow_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>
#include <set>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoConversation{Errc::not_found, "no such conversation"};
const Failure kBadConversationId{Errc::bad_request, "conversation_id is not a lower-case UUID"};

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The caller's view of one conversation (stream_member_view.sql).
struct MemberView {
    ByteVector group_id;
    bool archived = false;
    std::int64_t epoch = 0;
    std::int64_t last_seq = 0;
    std::string role;
};

MemberView read_view(const storage::PgResult& r) {
    MemberView v;
    const auto gid = r.bytea(0, 0);
    v.group_id.resize(gid.size());
    std::transform(gid.begin(), gid.end(), v.group_id.begin(),
                   [](std::byte b) { return static_cast<std::uint8_t>(b); });
    v.archived = r.boolean(0, 1);
    v.epoch = r.int64(0, 2);
    v.last_seq = r.int64(0, 3);
    v.role = std::string(r.text_or_throw(0, 4));
    return v;
}

ByteVector to_bytes(const std::vector<std::byte>& in) {
    ByteVector out(in.size());
    std::transform(in.begin(), in.end(), out.begin(),
                   [](std::byte b) { return static_cast<std::uint8_t>(b); });
    return out;
}

}  // namespace

StreamService::StreamService(storage::PgPool& pool, const identity::Credentials& keys,
                             MessageWriter& writer, MessagePush& push, SendRate rate,
                             std::string node)
    : pool_(pool), keys_(keys), writer_(writer), push_(push), rate_(rate), node_(std::move(node)) {}

StreamService::~StreamService() = default;

asio::awaitable<Outcome> StreamService::handle(std::string type, json body,
                                               identity::ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy it, since it may end while the handler waits.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "messages.send")
        work = send(std::move(body), caller, source);
    else if (type == "messages.sync")
        work = sync(std::move(body), caller, source);
    else if (type == "messages.delivered")
        work = delivered(std::move(body), caller);
    else if (type == "handshake.submit")
        work = handshake(std::move(body), caller, source);
    else if (type == "group_info.get")
        work = group_info(std::move(body), caller);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

bool StreamService::take_send_token(const std::string& user_id) {
    const auto now = TokenBucket::Clock::now();
    std::lock_guard lock(buckets_mutex_);
    auto it = buckets_.find(user_id);
    if (it == buckets_.end())
        it = buckets_.emplace(user_id, TokenBucket(rate_.per_second, rate_.burst, now)).first;
    return it->second.take(now);
}

asio::awaitable<void> StreamService::audit_denial(BoundSession caller, std::string action,
                                                  std::string conversation_id, std::string reason,
                                                  std::string source) {
    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        identity::AuditNote n;
        n.action = action;
        n.outcome = "denied";
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "conversation";
        n.target_id = conversation_id;
        n.source_address = source;
        n.details["device_id"] = caller.device_id;
        n.details["reason"] = reason;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    if (auto done = co_await std::move(transacting); !done)
        log::audit().warn("could not audit a denied {}: {}", action, done.error().message());
}

// --- messages.send --------------------------------------------------------------------------

asio::awaitable<Outcome> StreamService::send(json body, BoundSession caller, std::string source) {
    StreamEntry entry;
    entry.conversation_id = body.at("conversation_id").get<std::string>();
    entry.client_msg_id = body.at("client_msg_id").get<std::string>();
    entry.org_id = caller.org_id;
    entry.sender_user_id = caller.user_id;
    entry.sender_device_id = caller.device_id;
    entry.source_address = source;
    if (!is_canonical_uuid(entry.client_msg_id))
        co_return Failure{Errc::bad_request, "client_msg_id is not a lower-case UUID"};
    entry.priority = priority_value(body.value("priority", std::string("routine")));
    if (entry.priority < 0) co_return Failure{Errc::bad_request, "priority is not known"};
    if (auto it = body.find("reply_to"); it != body.end()) entry.reply_to = it->get<std::int64_t>();
    if (auto it = body.find("attachments"); it != body.end())
        entry.attachments = it->get<std::vector<std::string>>();
    if (auto it = body.find("expires_at"); it != body.end()) {
        entry.expires_at_ms = it->get<std::int64_t>();
        if (*entry.expires_at_ms <= unix_ms_now())
            co_return Failure{Errc::bad_request, "expires_at is not in the future"};
    }

    if (!take_send_token(caller.user_id))
        co_return Failure{Errc::rate_limited,
                          "sending faster than this user's send rate; retry later"};

    auto decoded = decode_base64(body.at("message").get<std::string>(), kMaxMessageBytes);
    if (!decoded)
        co_return Failure{Errc::bad_request, "message is not base64 (RFC 4648 §4) of at most " +
                                                 std::to_string(kMaxMessageBytes) + " bytes"};
    auto inspected = inspect_framed(*decoded);
    if (auto* rule = std::get_if<std::string>(&inspected))
        co_return Failure{Errc::bad_request, "message " + *rule};
    const Framed& framed = std::get<Framed>(inspected);
    if (framed.wire != Framed::Wire::private_message ||
        framed.content != Framed::Content::application)
        co_return Failure{Errc::bad_request,
                          "message must be a PrivateMessage with application content; handshake "
                          "messages go to handshake.submit"};

    if (!is_canonical_uuid(entry.conversation_id)) co_return kBadConversationId;
    PgParams view_params{caller.org_id, entry.conversation_id, caller.user_id};
    auto viewing = pool_.query(sql::member_view(), std::move(view_params));
    auto viewed = co_await std::move(viewing);
    if (!viewed) co_return kUnavailable;
    if (viewed->rows() != 1) {
        auto auditing = audit_denial(caller, "messages.send", entry.conversation_id,
                                     "not_member_or_unknown", source);
        co_await std::move(auditing);
        co_return kNoConversation;
    }
    const MemberView view = read_view(*viewed);
    if (view.archived) co_return Failure{Errc::archived, "the conversation is archived"};
    if (view.role == "read_only")
        co_return Failure{Errc::forbidden, "read-only members may not post in this conversation"};
    if (framed.group_id != view.group_id)
        co_return Failure{Errc::bad_request,
                          "message belongs to another MLS group than the conversation's"};
    if (entry.reply_to && *entry.reply_to > view.last_seq)
        co_return Failure{Errc::bad_request, "reply_to names a seq that does not exist yet"};
    entry.epoch = framed.epoch;
    entry.mls_message = std::move(*decoded);

    const std::string conversation_id = entry.conversation_id;
    const std::string client_msg_id = entry.client_msg_id;
    auto writing = writer_.submit(std::move(entry));
    auto written = co_await std::move(writing);
    if (auto* failure = std::get_if<Failure>(&written)) co_return *failure;
    const auto& ack = std::get<StreamAck>(written);
    co_return json{{"conversation_id", conversation_id},
                   {"client_msg_id", client_msg_id},
                   {"seq", ack.seq},
                   {"server_time", ack.server_time_ms},
                   {"duplicate", ack.duplicate}};
}

// --- messages.sync --------------------------------------------------------------------------

asio::awaitable<bool> StreamService::audit_read(BoundSession caller, std::size_t messages,
                                                std::size_t conversations, std::size_t welcomes,
                                                std::string source) {
    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        identity::AuditNote n;
        n.action = "messages.sync";
        n.outcome = "success";
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "device";
        n.target_id = caller.device_id;
        n.source_address = source;
        n.details["session_id"] = caller.session_id;
        n.details["messages"] = messages;
        n.details["conversations"] = conversations;
        n.details["welcomes"] = welcomes;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    co_return static_cast<bool>(done);
}

asio::awaitable<Outcome> StreamService::sync(json body, BoundSession caller, std::string source) {
    const int limit = body.value("limit", kDefaultSyncLimit);
    std::string ids = "{", seqs = "{";
    std::map<std::string, std::int64_t> given;
    if (auto it = body.find("cursors"); it != body.end()) {
        for (const auto& c : *it) {
            const std::string id = c.at("conversation_id").get<std::string>();
            const std::int64_t seq = c.at("seq").get<std::int64_t>();
            if (!is_canonical_uuid(id)) co_return kBadConversationId;
            if (!given.emplace(id, seq).second)
                co_return Failure{Errc::bad_request, "cursors names a conversation twice"};
            ids += (ids.size() == 1 ? "" : ",") + id;
            seqs += (seqs.size() == 1 ? "" : ",") + std::to_string(seq);
        }
    }
    ids += "}";
    seqs += "}";

    if (!given.empty()) {
        PgParams check{caller.org_id, caller.user_id};
        check.text(ids);
        auto checking = pool_.query(sql::sync_cursors(), std::move(check));
        auto checked = co_await std::move(checking);
        if (!checked) co_return kUnavailable;
        if (checked->rows() != static_cast<int>(given.size())) co_return kNoConversation;
        for (int r = 0; r < checked->rows(); ++r) {
            const std::string id(checked->text_or_throw(r, 0));
            if (given.at(id) > checked->int64(r, 1))
                co_return Failure{Errc::bad_request,
                                  "cursor from the future: a cursor is beyond the conversation's "
                                  "last seq"};
        }
    }

    PgParams page_params{caller.org_id, caller.user_id, caller.device_id};
    page_params.text(ids).text(seqs).integer(limit + 1);
    auto paging = pool_.query(sql::sync_page(), std::move(page_params));
    auto page = co_await std::move(paging);
    if (!page) co_return kUnavailable;

    json messages = json::array();
    std::map<std::string, std::int64_t> reached;
    bool more = page->rows() > limit;
    std::size_t bytes = 0;
    for (int r = 0; r < page->rows() && r < limit; ++r) {
        if (bytes >= kSyncPageBytes) {
            more = true;
            break;
        }
        auto opened = read_stored_message(*page, r, keys_);
        if (!opened) {
            // Never skip silently: the client would move its cursor past the message.
            log::db().error("message {} seq {} does not open with the keyring",
                            page->text_or_throw(r, 0), page->int64(r, 1));
            co_return Failure{Errc::internal, "a stored message could not be read"};
        }
        StoredMessage m = std::move(*opened);
        bytes += m.body.mls_message.size();
        reached[m.conversation_id] = m.seq;
        messages.push_back(message_json(m));
    }
    json cursors = json::array();
    for (const auto& [id, seq] : reached)
        cursors.push_back({{"conversation_id", id}, {"seq", seq}});

    PgParams welcome_params{caller.device_id};
    welcome_params.integer(kSyncWelcomes + 1);
    auto welcoming = pool_.query(sql::sync_welcomes(), std::move(welcome_params));
    auto pending = co_await std::move(welcoming);
    if (!pending) co_return kUnavailable;
    json welcomes = json::array();
    for (int r = 0; r < pending->rows() && r < kSyncWelcomes; ++r) {
        const std::string conversation_id(pending->text_or_throw(r, 1));
        const std::int64_t commit_seq = pending->int64(r, 2);
        const auto sealed = to_bytes(pending->bytea(r, 3));
        auto opened = keys_.open(
            sealed, identity::ad::welcome(conversation_id, caller.device_id, commit_seq));
        if (!opened) co_return Failure{Errc::internal, "a stored Welcome could not be read"};
        welcomes.push_back({{"conversation_id", conversation_id},
                            {"commit_seq", commit_seq},
                            {"welcome", encode_base64(*opened)}});
    }
    if (pending->rows() > kSyncWelcomes) more = true;
    if (!messages.empty() || !welcomes.empty()) {
        auto auditing =
            audit_read(caller, messages.size(), reached.size(), welcomes.size(), source);
        if (!co_await std::move(auditing)) co_return kUnavailable;
    }
    co_return json{{"messages", std::move(messages)},
                   {"welcomes", std::move(welcomes)},
                   {"cursors", std::move(cursors)},
                   {"more", more}};
}

// --- messages.delivered ---------------------------------------------------------------------

asio::awaitable<Outcome> StreamService::delivered(json body, BoundSession caller) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::int64_t seq = body.at("seq").get<std::int64_t>();
    if (!is_canonical_uuid(conversation_id)) co_return kBadConversationId;
    PgParams view_params{caller.org_id, conversation_id, caller.user_id};
    auto viewing = pool_.query(sql::member_view(), std::move(view_params));
    auto viewed = co_await std::move(viewing);
    if (!viewed) co_return kUnavailable;
    if (viewed->rows() != 1) co_return kNoConversation;
    const MemberView view = read_view(*viewed);
    if (seq > view.last_seq)
        co_return Failure{Errc::bad_request,
                          "seq is beyond the conversation's last seq (a cursor from the future)"};
    // The user's furthest cursor before (any device), so receipt.delivered names only what is
    // newly delivered to the user.
    PgParams before_params{conversation_id, caller.user_id};
    auto before_reading = pool_.query(sql::wf_user_delivered(), std::move(before_params));
    auto before = co_await std::move(before_reading);
    if (!before || before->rows() != 1) co_return kUnavailable;
    const std::int64_t user_before = before->int64(0, 0);
    PgParams params{caller.device_id, conversation_id};
    params.integer(seq);
    auto storing = pool_.query(sql::delivered(), std::move(params));
    auto stored = co_await std::move(storing);
    if (!stored || stored->rows() != 1) co_return kUnavailable;
    const std::int64_t now_delivered = stored->int64(0, 0);
    if (workflow_ != nullptr && now_delivered > user_before) {
        auto telling = workflow_->delivered(caller, conversation_id, user_before, now_delivered);
        co_await std::move(telling);
    }
    co_return json{{"conversation_id", conversation_id}, {"delivered_seq", now_delivered}};
}

// --- group_info.get -------------------------------------------------------------------------

asio::awaitable<Outcome> StreamService::group_info(json body, BoundSession caller) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    if (!is_canonical_uuid(conversation_id)) co_return kBadConversationId;
    // Members, and holders of a live break-glass grant, who join by external commit.
    PgParams view_params{caller.org_id, conversation_id, caller.user_id};
    auto viewing = pool_.query(sql::reader_view(), std::move(view_params));
    auto viewed = co_await std::move(viewing);
    if (!viewed) co_return kUnavailable;
    if (viewed->rows() != 1) co_return kNoConversation;
    PgParams params{conversation_id};
    auto getting = pool_.query(sql::group_info_get(), std::move(params));
    auto got = co_await std::move(getting);
    if (!got) co_return kUnavailable;
    if (got->rows() != 1)
        co_return Failure{Errc::not_found, "no GroupInfo has been published for this conversation"};
    const auto sealed = to_bytes(got->bytea(0, 1));
    auto opened = keys_.open(sealed, identity::ad::group_info(conversation_id));
    if (!opened) co_return Failure{Errc::internal, "the stored GroupInfo could not be read"};
    co_return json{{"conversation_id", conversation_id},
                   {"epoch", got->int64(0, 0)},
                   {"group_info", encode_base64(*opened)}};
}

}  // namespace wardline::server::messaging
