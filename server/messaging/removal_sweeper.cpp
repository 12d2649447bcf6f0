// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/removal_sweeper.hpp"

#include "common/core/log.hpp"
#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/struct_codec.hpp"
#include "server/delivery/external_sender_key.hpp"
#include "server/delivery/leaf_roster.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/messaging/fanout.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/sealed_body.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/storage/transaction.hpp"

#include <sodium.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <set>
#include <vector>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using storage::PgLease;
using storage::PgParams;

/// Proposals the sweeper stores per conversation and pass; the rest wait for the next pass.
constexpr std::int64_t kMaxPerConversation = 100;
/// Rows of the "what is due" query per pass.
constexpr std::int64_t kMaxDue = 500;

/// The server's index in every group's external_senders extension. Clients put the server's
/// entry first (docs/e2ee.md).
constexpr std::uint32_t kServerSenderIndex = 0;

std::string random_uuid() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return text;
}

std::string array_of(const std::vector<std::string>& items) {
    std::string out = "{";
    for (const auto& item : items) out += (out.size() == 1 ? "" : ",") + item;
    return out + "}";
}

/// One Remove proposal the server stores.
struct Removal {
    std::uint32_t leaf = 0;
    std::string device_id;
    ByteVector message;
    ByteVector ref;
    std::string client_msg_id;
};

}  // namespace

struct RemovalSweeper::State {
    asio::strand<asio::any_io_executor> strand;
    storage::PgPool& pool;
    const identity::Credentials& keys;
    const delivery::ExternalSenderKey& key;
    MessagePush& push;
    std::string node;
    std::chrono::milliseconds interval;

    /// Proposes the due Removes of one conversation in one transaction; returns how many.
    asio::awaitable<Result<int>> sweep_conversation(std::string conversation_id) {
        auto acquiring = pool.acquire();
        auto lease = co_await std::move(acquiring);
        if (!lease) co_return lease.error();
        std::vector<Removal> removals;
        std::vector<std::string> members;
        std::int64_t first_seq = 0, epoch = 0;
        auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
            removals.clear();
            members.clear();
            auto syncing = l.query(sql::synchronous_commit());
            if (auto synced = co_await std::move(syncing); !synced) co_return synced.error();
            PgParams lock_params;
            lock_params.text("{" + conversation_id + "}");
            auto locking = l.query(sql::lock_conversations(), std::move(lock_params));
            auto locked = co_await std::move(locking);
            if (!locked) co_return locked.error();
            if (locked->rows() != 1) co_return Result<void>{};
            const std::string org_id(locked->text_or_throw(0, 1));
            epoch = locked->int64(0, 3);
            const auto gid = locked->bytea(0, 5);
            const mls::Bytes group_id(
                reinterpret_cast<const std::uint8_t*>(gid.data()),
                reinterpret_cast<const std::uint8_t*>(gid.data()) + gid.size());

            // Again under the lock: the epoch may have moved since the pass looked.
            PgParams due_params{conversation_id};
            due_params.integer(kMaxPerConversation);
            auto finding = l.query(sql::removals_due(), std::move(due_params));
            auto due = co_await std::move(finding);
            if (!due) co_return due.error();
            if (due->rows() == 0) co_return Result<void>{};
            const auto* suite = mls::suite_for(mls::kSuite3);
            for (int r = 0; r < due->rows(); ++r) {
                Removal removal;
                removal.leaf = static_cast<std::uint32_t>(due->int64(r, 1));
                removal.device_id = std::string(due->text_or_throw(r, 2));
                auto proposal = key.propose_remove(group_id, static_cast<std::uint64_t>(epoch),
                                                   kServerSenderIndex, removal.leaf);
                if (!proposal) co_return Errc::internal;
                auto bytes = mls::serialize(*proposal);
                auto ref =
                    delivery::proposal_ref(*suite, std::get<mls::PublicMessage>(proposal->body));
                if (!bytes || !ref) co_return Errc::internal;
                removal.message.assign(bytes->begin(), bytes->end());
                removal.ref.assign(ref->begin(), ref->end());
                removal.client_msg_id = random_uuid();
                removals.push_back(std::move(removal));
            }
            const auto n = static_cast<std::int64_t>(removals.size());
            PgParams adv_params;
            adv_params.text("{" + conversation_id + "}")
                .text("{" + std::to_string(n) + "}")
                .text("{0}");
            auto advancing = l.query(sql::advance(), std::move(adv_params));
            auto advanced = co_await std::move(advancing);
            if (!advanced) co_return advanced.error();
            first_seq = advanced->int64(0, 1) - n + 1;

            std::vector<std::string> ids, seqs, orgs, kinds, nulls, client_ids, zeros, epochs,
                bodies, refs, leaves, devices;
            for (std::int64_t i = 0; i < n; ++i) {
                const Removal& removal = removals[static_cast<std::size_t>(i)];
                const std::int64_t seq = first_seq + i;
                ids.push_back(conversation_id);
                seqs.push_back(std::to_string(seq));
                orgs.push_back(org_id);
                kinds.push_back("proposal");
                nulls.push_back("NULL");
                client_ids.push_back(removal.client_msg_id);
                zeros.push_back("0");
                epochs.push_back(std::to_string(epoch));
                MessageBody body;
                body.mls_message = removal.message;
                bodies.push_back(to_hex(seal_body(keys, body, conversation_id, seq)));
                refs.push_back(to_hex(removal.ref));
                leaves.push_back(std::to_string(removal.leaf));
                devices.push_back(removal.device_id);
            }
            PgParams ins;
            ins.text(array_of(ids)).text(array_of(seqs)).text(array_of(orgs)).text(array_of(kinds));
            ins.text(array_of(nulls)).text(array_of(nulls)).text(array_of(client_ids));
            ins.text(array_of(zeros)).text(array_of(epochs)).text(array_of(bodies));
            ins.text(array_of(nulls)).text(array_of(refs));
            auto inserting = l.query(sql::insert(), std::move(ins));
            if (auto inserted = co_await std::move(inserting); !inserted)
                co_return inserted.error();
            PgParams record{conversation_id};
            record.integer(epoch)
                .text(array_of(leaves))
                .text(array_of(devices))
                .text(array_of(seqs));
            auto recording = l.query(sql::removals_record(), std::move(record));
            if (auto recorded = co_await std::move(recording); !recorded)
                co_return recorded.error();

            PgParams member_params;
            member_params.text("{" + conversation_id + "}");
            auto listing = l.query(sql::members_of(), std::move(member_params));
            auto listed = co_await std::move(listing);
            if (!listed) co_return listed.error();
            for (int r = 0; r < listed->rows(); ++r)
                members.emplace_back(listed->text_or_throw(r, 1));

            identity::AuditNote note;
            note.action = "mls.server_remove_proposed";
            note.outcome = "success";
            note.org_id = org_id;
            note.actor_kind = "system";
            note.target_kind = "conversation";
            note.target_id = conversation_id;
            note.details["epoch"] = epoch;
            note.details["leaves"] = leaves;
            note.details["devices"] = devices;
            note.details["first_seq"] = first_seq;
            auto writing = identity::write_audit(l, std::move(note));
            co_return co_await std::move(writing);
        };
        auto transacting = storage::with_transaction(*lease, work);
        auto done = co_await std::move(transacting);
        if (!done) co_return done.error();
        if (removals.empty()) co_return 0;
        const auto n = static_cast<std::int64_t>(removals.size());
        if (!node.empty()) {
            std::vector<StoredRange> ranges{
                StoredRange{conversation_id, first_seq, first_seq + n - 1}};
            auto publishing = publish_ranges(*lease, node, std::move(ranges));
            co_await std::move(publishing);
        }
        lease->release();
        for (std::int64_t i = 0; i < n; ++i) {
            StoredMessage m;
            m.conversation_id = conversation_id;
            m.seq = first_seq + i;
            m.kind = "proposal";
            m.client_msg_id = removals[static_cast<std::size_t>(i)].client_msg_id;
            m.epoch = epoch;
            m.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
            m.body.mls_message = removals[static_cast<std::size_t>(i)].message;
            push.message(m, members);
        }
        co_return static_cast<int>(n);
    }

    asio::awaitable<Result<int>> sweep() {
        PgParams due_params;
        due_params.null().integer(kMaxDue);
        auto finding = pool.query(sql::removals_due(), std::move(due_params));
        auto due = co_await std::move(finding);
        if (!due) co_return due.error();
        std::set<std::string> conversations;
        for (int r = 0; r < due->rows(); ++r) conversations.emplace(due->text_or_throw(r, 0));
        int proposed = 0;
        for (const std::string& id : conversations) {
            auto sweeping = sweep_conversation(id);
            auto swept = co_await std::move(sweeping);
            if (!swept) co_return swept.error();
            proposed += *swept;
        }
        co_return proposed;
    }

    static asio::awaitable<void> run(std::shared_ptr<State> s) {
        for (;;) {
            asio::steady_timer timer(s->strand, s->interval);
            auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            auto sweeping = s->sweep();
            auto swept = co_await std::move(sweeping);
            if (!swept)
                log::db().warn("removal sweep failed ({}); retrying", swept.error().message());
            else if (*swept > 0)
                log::app().info("proposed the Remove of {} leaf/leaves as external sender", *swept);
        }
    }
};

RemovalSweeper::RemovalSweeper(asio::any_io_executor executor, storage::PgPool& pool,
                               const identity::Credentials& keys,
                               const delivery::ExternalSenderKey& key, MessagePush& push,
                               std::string node, std::chrono::milliseconds interval)
    : state_(std::make_shared<State>(State{asio::make_strand(std::move(executor)), pool, keys, key,
                                           push, std::move(node), interval})) {}

RemovalSweeper::~RemovalSweeper() = default;

void RemovalSweeper::start() {
    asio::co_spawn(state_->strand, State::run(state_), asio::detached);
}

boost::asio::awaitable<Result<int>> RemovalSweeper::sweep_once() {
    auto sweeping = state_->sweep();
    co_return co_await std::move(sweeping);
}

}  // namespace wardline::server::messaging
