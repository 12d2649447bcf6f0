// SPDX-License-Identifier: Apache-2.0
// handshake.submit: MLS commits and proposals (RFC 9420 §12) as PublicMessage, ordered in the
// conversation's stream by the same row lock as application messages (message_writer.cpp), with
// the Delivery Service's epoch check (§14: one commit per epoch wins) and membership check.
#include "common/core/device_credential.hpp"
#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/messaging/fanout.hpp"
#include "server/messaging/group_roster.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/mls_envelope.hpp"
#include "server/messaging/sealed_body.hpp"
#include "server/messaging/stream_service.hpp"
#include "server/messaging/stream_sql.hpp"
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

std::string array_of(const std::vector<std::string>& items) {
    std::string out = "{";
    for (const auto& i : items) out += (out.size() == 1 ? "" : ",") + i;
    return out + "}";
}

}  // namespace

asio::awaitable<Outcome> StreamService::handshake(json body, BoundSession caller,
                                                  std::string source) {
    const std::string conversation_id = body.at("conversation_id").get<std::string>();
    const std::string client_msg_id = body.at("client_msg_id").get<std::string>();
    if (!is_canonical_uuid(client_msg_id))
        co_return Failure{Errc::bad_request, "client_msg_id is not a lower-case UUID"};
    auto decoded = decode_base64(body.at("message").get<std::string>(), kMaxHandshakeBytes);
    if (!decoded)
        co_return Failure{Errc::bad_request, "message is not base64 (RFC 4648 §4) of at most " +
                                                 std::to_string(kMaxHandshakeBytes) + " bytes"};
    auto inspected = inspect_framed(*decoded);
    if (auto* rule = std::get_if<std::string>(&inspected))
        co_return Failure{Errc::bad_request, "message " + *rule};
    const Framed framed = std::get<Framed>(std::move(inspected));
    if (framed.wire != Framed::Wire::public_message ||
        framed.content == Framed::Content::application)
        co_return Failure{Errc::bad_request,
                          "message must be a PublicMessage with a commit or a proposal"};
    const bool is_commit = framed.content == Framed::Content::commit;

    std::optional<ByteVector> welcome;
    if (auto it = body.find("welcome"); it != body.end()) {
        welcome = decode_base64(it->get<std::string>(), kMaxHandshakeBytes);
        if (!welcome)
            co_return Failure{Errc::bad_request, "welcome is not base64 of at most " +
                                                     std::to_string(kMaxHandshakeBytes) + " bytes"};
        if (auto rule = check_welcome(*welcome))
            co_return Failure{Errc::bad_request, "welcome " + *rule};
    }
    std::optional<ByteVector> info;
    std::optional<GroupInfoSummary> info_summary;
    if (auto it = body.find("group_info"); it != body.end()) {
        info = decode_base64(it->get<std::string>(), kMaxHandshakeBytes);
        if (!info)
            co_return Failure{Errc::bad_request, "group_info is not base64 of at most " +
                                                     std::to_string(kMaxHandshakeBytes) + " bytes"};
        auto summary = inspect_group_info(*info);
        if (auto* rule = std::get_if<std::string>(&summary))
            co_return Failure{Errc::bad_request, "group_info " + *rule};
        info_summary = std::get<GroupInfoSummary>(std::move(summary));
    }
    if (!is_commit && (welcome || info))
        co_return Failure{Errc::bad_request, "welcome and group_info come with a commit only"};
    // A proposal to add someone is checked like the commit that would carry it.
    const bool adds = !framed.added.empty();
    if (is_commit && adds && !welcome)
        co_return Failure{Errc::bad_request, "a commit that adds devices needs their welcome"};
    if (welcome && !adds)
        co_return Failure{Errc::bad_request, "welcome given for a commit that adds no device"};
    if (info_summary &&
        (info_summary->group_id != framed.group_id || info_summary->epoch != framed.epoch + 1))
        co_return Failure{Errc::bad_request,
                          "group_info must be of the conversation's group at the commit's new "
                          "epoch"};

    if (!is_canonical_uuid(conversation_id)) co_return kBadConversationId;

    // The server's view of membership (docs/e2ee.md): every added device names a user of the
    // caller's organization; an external commit adds the caller's own device only.
    std::string refusal;
    if (framed.foreign_credential)
        refusal = "an added member's credential is not a Wardline device credential";
    std::vector<std::string> add_users, add_devices;
    for (const auto& ids : framed.added) {
        if (ids.org_id != caller.org_id)
            refusal = "a commit may add only users of your organization";
        add_users.push_back(ids.user_id);
        add_devices.push_back(ids.device_id);
    }
    if (framed.external_commit) {
        if (!framed.joiner || framed.joiner->org_id != caller.org_id ||
            framed.joiner->user_id != caller.user_id ||
            framed.joiner->device_id != caller.device_id)
            refusal = "an external commit may only join this session's own device";
    }
    if (!refusal.empty()) {
        auto auditing =
            audit_denial(caller, "handshake.submit", conversation_id, "membership_check", source);
        co_await std::move(auditing);
        co_return Failure{Errc::forbidden, refusal};
    }

    auto acquiring = pool_.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) co_return kUnavailable;
    const std::string kind = is_commit ? "commit" : "proposal";
    std::int64_t seq = 0, epoch = 0, server_time = 0;
    bool duplicate = false;
    std::vector<std::string> members;
    std::optional<Failure> failure;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        seq = epoch = server_time = 0;
        duplicate = false;
        members.clear();
        failure.reset();
        auto syncing = l.query(sql::synchronous_commit());
        if (auto synced = co_await std::move(syncing); !synced) co_return synced.error();
        PgParams lock_params;
        lock_params.text("{" + conversation_id + "}");
        auto locking = l.query(sql::lock_conversations(), std::move(lock_params));
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        PgParams view_params{caller.org_id, conversation_id, caller.user_id};
        // A holder of a live break-glass grant sees the conversation too, and may only join
        // their own device by external commit (docs/e2ee.md, "Break-glass and MLS").
        auto viewing = l.query(sql::reader_view(), std::move(view_params));
        auto viewed = co_await std::move(viewing);
        if (!viewed) co_return viewed.error();
        if (locked->rows() != 1 || viewed->rows() != 1) {
            failure = kNoConversation;
            co_return Errc::not_found;
        }
        if (viewed->text_or_throw(0, 4) == "break_glass" && !framed.external_commit) {
            failure = Failure{Errc::forbidden,
                              "under a break-glass grant only the external commit that joins "
                              "this device is accepted"};
            co_return Errc::forbidden;
        }
        const auto gid = viewed->bytea(0, 0);
        const bool archived = viewed->boolean(0, 1);
        const std::int64_t current = viewed->int64(0, 2);
        if (gid.size() != framed.group_id.size() ||
            !std::equal(
                gid.begin(), gid.end(), framed.group_id.begin(),
                [](std::byte a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; })) {
            failure = Failure{Errc::bad_request,
                              "message belongs to another MLS group than the conversation's"};
            co_return Errc::bad_request;
        }
        // A retry of a stored handshake message gets its original answer.
        PgParams find_params;
        find_params.text("{" + caller.device_id + "}").text("{" + client_msg_id + "}");
        auto finding = l.query(sql::find_sent(), std::move(find_params));
        auto found = co_await std::move(finding);
        if (!found) co_return found.error();
        if (found->rows() == 1) {
            if (found->text_or_throw(0, 2) != conversation_id) {
                failure =
                    Failure{Errc::conflict, "client_msg_id was used for another conversation"};
                co_return Errc::conflict;
            }
            seq = found->int64(0, 3);
            server_time = found->int64(0, 4);
            epoch = current;
            duplicate = true;
            co_return Result<void>{};
        }
        if (archived) {
            failure = Failure{Errc::archived, "the conversation is archived"};
            co_return Errc::conflict;
        }
        if (static_cast<std::int64_t>(framed.epoch) < current) {
            failure = Failure{Errc::stale_epoch, "the group has moved to epoch " +
                                                     std::to_string(current) +
                                                     "; process the newer commits and retry"};
            co_return Errc::stale_epoch;
        }
        if (static_cast<std::int64_t>(framed.epoch) > current) {
            failure = Failure{Errc::bad_request, "message epoch is ahead of the conversation's"};
            co_return Errc::bad_request;
        }
        if (!framed.references.empty()) {
            // A reference passes the membership check only by naming a proposal this stream
            // accepted (and checked) in this epoch.
            std::vector<std::string> refs;
            for (const auto& r : framed.references) refs.push_back(to_hex(r));
            std::sort(refs.begin(), refs.end());
            refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
            PgParams known{conversation_id};
            known.integer(current).text(array_of(refs));
            auto knowing = l.query(sql::proposals_known(), std::move(known));
            auto knew = co_await std::move(knowing);
            if (!knew) co_return knew.error();
            if (knew->int64(0, 0) != static_cast<std::int64_t>(refs.size())) {
                failure = Failure{Errc::forbidden,
                                  "the commit references a proposal the server has not accepted in "
                                  "this epoch"};
                co_return Errc::forbidden;
            }
        }
        if (!add_users.empty()) {
            PgParams check{caller.org_id, conversation_id};
            check.text(array_of(add_users)).text(array_of(add_devices));
            auto checking = l.query(sql::added_devices(), std::move(check));
            auto checked = co_await std::move(checking);
            if (!checked) co_return checked.error();
            for (int r = 0; r < checked->rows(); ++r) {
                if (!checked->boolean(r, 2) || !checked->boolean(r, 3)) {
                    failure = Failure{Errc::forbidden,
                                      "the commit adds a device of a user who is not a member of "
                                      "the conversation, or a device that is not registered"};
                    co_return Errc::forbidden;
                }
            }
        }
        if (is_commit) {
            // The server's view of the group's leaves follows the commit, so that it can
            // propose the Remove of a device later (docs/e2ee.md).
            auto following = follow_commit(
                l, keys_, conversation_id, current,
                Committer{caller.org_id, caller.user_id, caller.device_id}, *decoded,
                framed.references);
            auto followed = co_await std::move(following);
            if (!followed) co_return followed.error();
            if (*followed) {
                failure = Failure{Errc::forbidden,
                                  "the commit does not fit the group's membership: " + **followed};
                co_return Errc::forbidden;
            }
        }
        PgParams adv_params;
        adv_params.text("{" + conversation_id + "}").text("{1}").text(is_commit ? "{1}" : "{0}");
        auto advancing = l.query(sql::advance(), std::move(adv_params));
        auto advanced = co_await std::move(advancing);
        if (!advanced) co_return advanced.error();
        seq = advanced->int64(0, 1);
        epoch = advanced->int64(0, 2);

        MessageBody stored_body;
        stored_body.mls_message = *decoded;
        PgParams ins;
        ins.text("{" + conversation_id + "}").text("{" + std::to_string(seq) + "}");
        ins.text("{" + caller.org_id + "}").text("{" + kind + "}");
        ins.text("{" + caller.user_id + "}").text("{" + caller.device_id + "}");
        ins.text("{" + client_msg_id + "}").text("{0}");
        ins.text("{" + std::to_string(framed.epoch) + "}");
        ins.text("{" + to_hex(seal_body(keys_, stored_body, conversation_id, seq)) + "}");
        ins.text("{NULL}");
        ins.text(framed.proposal_ref.empty() ? std::string("{NULL}")
                                             : "{" + to_hex(framed.proposal_ref) + "}");
        auto inserting = l.query(sql::insert(), std::move(ins));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        server_time = inserted->int64(0, 2);

        if (welcome) {
            std::vector<std::string> sealed;
            for (const auto& device : add_devices)
                sealed.push_back(to_hex(
                    keys_.seal(*welcome, identity::ad::welcome(conversation_id, device, seq))));
            PgParams w{caller.org_id, conversation_id};
            w.text(array_of(add_devices)).integer(seq).text(array_of(sealed));
            auto welcoming = l.query(sql::welcomes_insert(), std::move(w));
            if (auto ok = co_await std::move(welcoming); !ok) co_return ok.error();
        }
        if (info) {
            const auto sealed = keys_.seal(*info, identity::ad::group_info(conversation_id));
            PgParams g{conversation_id};
            g.integer(static_cast<std::int64_t>(info_summary->epoch));
            g.binary(std::as_bytes(std::span(sealed)));
            auto putting = l.query(sql::group_info_put(), std::move(g));
            if (auto ok = co_await std::move(putting); !ok) co_return ok.error();
        }
        PgParams member_params;
        member_params.text("{" + conversation_id + "}");
        auto listing = l.query(sql::readers_of(), std::move(member_params));
        auto listed = co_await std::move(listing);
        if (!listed) co_return listed.error();
        for (int r = 0; r < listed->rows(); ++r) members.emplace_back(listed->text_or_throw(r, 1));

        identity::AuditNote n;
        n.action = "handshake." + kind;
        n.outcome = "success";
        n.org_id = caller.org_id;
        n.actor_kind = "user";
        n.actor_id = caller.user_id;
        n.target_kind = "conversation";
        n.target_id = conversation_id;
        n.source_address = source;
        n.details["device_id"] = caller.device_id;
        n.details["seq"] = seq;
        n.details["epoch"] = epoch;
        n.details["added_devices"] = add_devices;
        n.details["external_commit"] = framed.external_commit;
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    if (done && !duplicate && !node_.empty()) {
        std::vector<StoredRange> ranges{StoredRange{conversation_id, seq, seq}};
        auto publishing = publish_ranges(*lease, node_, std::move(ranges));
        co_await std::move(publishing);
    }
    lease->release();
    if (!done) {
        if (!failure) co_return kUnavailable;
        if (failure->code == Errc::forbidden) {
            auto auditing = audit_denial(caller, "handshake.submit", conversation_id,
                                         "adds_non_member", source);
            co_await std::move(auditing);
        }
        co_return *failure;
    }
    if (!duplicate) {
        StoredMessage m;
        m.conversation_id = conversation_id;
        m.seq = seq;
        m.kind = kind;
        m.sender_user_id = caller.user_id;
        m.sender_device_id = caller.device_id;
        m.client_msg_id = client_msg_id;
        m.priority = 0;
        m.epoch = static_cast<std::int64_t>(framed.epoch);
        m.created_at_ms = server_time;
        m.body.mls_message = *decoded;
        push_.message(m, members);
        if (welcome) {
            const std::string text = encode_base64(*welcome);
            for (const auto& device : add_devices)
                push_.welcome(device, conversation_id, seq, text);
        }
    }
    co_return json{{"conversation_id", conversation_id},
                   {"client_msg_id", client_msg_id},
                   {"seq", seq},
                   {"epoch", epoch},
                   {"server_time", server_time},
                   {"duplicate", duplicate}};
}

}  // namespace wardline::server::messaging
