// SPDX-License-Identifier: Apache-2.0
// The group-commit writer. Coroutine arguments are built as named locals before co_await
// (GCC 12, CONTRIBUTING.md).
#include "server/messaging/message_writer.hpp"

#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/messaging/fanout.hpp"
#include "server/messaging/sealed_body.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using storage::PgLease;
using storage::PgParams;
using Signal = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

const Failure kUnavailable{Errc::unavailable, "the message was not stored; retry"};
const Failure kNoConversation{Errc::not_found, "no such conversation"};

struct Pending {
    Pending(asio::any_io_executor ex, StreamEntry e)
        : done(std::move(ex), 1), entry(std::move(e)) {}
    Signal done;
    StreamEntry entry;
    std::optional<WriteResult> result;
};
using PendingPtr = std::shared_ptr<Pending>;

/// A PostgreSQL array literal of elements that need no quoting (UUIDs, numbers, hex, words);
/// nullopt elements are NULL.
class ArrayLiteral {
public:
    ArrayLiteral& add(std::string_view element) {
        text_ += text_.size() == 1 ? "" : ",";
        text_ += element;
        return *this;
    }
    ArrayLiteral& add(std::int64_t value) { return add(std::to_string(value)); }
    ArrayLiteral& add_optional(const std::optional<std::int64_t>& value) {
        return value ? add(*value) : add("NULL");
    }
    std::string str() const { return text_ + "}"; }

private:
    std::string text_ = "{";
};

struct LockedConversation {
    std::string org_id;
    std::int64_t last_seq = 0;
    std::int64_t epoch = 0;
    bool archived = false;
    std::int64_t taken = 0;  ///< seqs this batch takes
};

}  // namespace

struct MessageWriter::State {
    State(asio::any_io_executor ex, storage::PgPool& p, const identity::Credentials& k,
          CommittedFn fn, std::string n, std::size_t cap, std::size_t max)
        : strand(asio::make_strand(ex)),
          wake(strand, 1),
          pool(p),
          keys(k),
          on_committed(std::move(fn)),
          node(std::move(n)),
          capacity(cap),
          max_batch(max) {}

    asio::strand<asio::any_io_executor> strand;
    Signal wake;
    storage::PgPool& pool;
    const identity::Credentials& keys;
    CommittedFn on_committed;
    const std::string node;
    const std::size_t capacity;
    const std::size_t max_batch;

    std::mutex mutex;
    std::deque<PendingPtr> queue;
    bool stopped = false;

    static void complete(const PendingPtr& p, WriteResult r) {
        p->result = std::move(r);
        p->done.try_send(boost::system::error_code{});
    }

    void fail_queued() {
        std::deque<PendingPtr> left;
        {
            std::lock_guard lock(mutex);
            left.swap(queue);
        }
        for (auto& p : left) complete(p, kUnavailable);
    }

    asio::awaitable<void> commit_batch(std::vector<PendingPtr> batch);
    static asio::awaitable<void> run(std::shared_ptr<State> s);
};

asio::awaitable<void> MessageWriter::State::commit_batch(std::vector<PendingPtr> batch) {
    auto acquiring = pool.acquire();
    auto lease = co_await std::move(acquiring);
    if (!lease) {
        for (auto& p : batch) complete(p, kUnavailable);
        co_return;
    }
    const std::size_t n = batch.size();
    std::vector<std::optional<WriteResult>> results;
    std::vector<std::ptrdiff_t> leader;  // an earlier entry of this batch with the same id
    std::map<std::string, std::vector<std::string>> members;  // conversation -> user ids
    std::vector<std::size_t> fresh;  // entries stored by this batch, in seq order per conversation

    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        results.assign(n, std::nullopt);
        leader.assign(n, -1);
        members.clear();
        fresh.clear();

        // The flush of COMMIT is what the sender's acknowledgement promises.
        auto syncing = l.query(sql::synchronous_commit());
        if (auto synced = co_await std::move(syncing); !synced) co_return synced.error();

        // 1. Lock the conversations, ascending by id.
        std::set<std::string> ids;
        for (const auto& p : batch) ids.insert(p->entry.conversation_id);
        ArrayLiteral id_array;
        for (const auto& id : ids) id_array.add(id);
        PgParams lock_params;
        lock_params.text(id_array.str());
        auto locking = l.query(sql::lock_conversations(), std::move(lock_params));
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        std::map<std::string, LockedConversation> convs;
        for (int r = 0; r < locked->rows(); ++r) {
            LockedConversation c;
            c.org_id = std::string(locked->text_or_throw(r, 1));
            c.last_seq = locked->int64(r, 2);
            c.epoch = locked->int64(r, 3);
            c.archived = locked->boolean(r, 4);
            convs.emplace(std::string(locked->text_or_throw(r, 0)), std::move(c));
        }

        // 2. Who may post there now (the session's check ran before the lock).
        PgParams member_params;
        member_params.text(id_array.str());
        // Holders of a live break-glass grant receive the messages but never post.
        auto listing = l.query(sql::readers_of(), std::move(member_params));
        auto listed = co_await std::move(listing);
        if (!listed) co_return listed.error();
        std::map<std::pair<std::string, std::string>, std::string> roles;
        for (int r = 0; r < listed->rows(); ++r) {
            std::string conv(listed->text_or_throw(r, 0));
            std::string user(listed->text_or_throw(r, 1));
            std::string role(listed->text_or_throw(r, 2));
            members[conv].push_back(user);
            if (role != "break_glass")
                roles.emplace(std::pair{std::move(conv), std::move(user)}, std::move(role));
        }

        // 3. What these devices stored already under these client message ids. Under the
        // conversation locks, a racing writer of the same message has committed already.
        ArrayLiteral devices, client_ids;
        for (const auto& p : batch) {
            devices.add(p->entry.sender_device_id);
            client_ids.add(p->entry.client_msg_id);
        }
        PgParams find_params;
        find_params.text(devices.str()).text(client_ids.str());
        auto finding = l.query(sql::find_sent(), std::move(find_params));
        auto found = co_await std::move(finding);
        if (!found) co_return found.error();
        std::map<std::string, StreamAck> stored;  // device|client id -> original ack
        for (int r = 0; r < found->rows(); ++r) {
            StreamAck ack;
            ack.conversation_id = std::string(found->text_or_throw(r, 2));
            ack.seq = found->int64(r, 3);
            ack.server_time_ms = found->int64(r, 4);
            ack.duplicate = true;
            stored.emplace(std::string(found->text_or_throw(r, 0)) + "|" +
                               std::string(found->text_or_throw(r, 1)),
                           std::move(ack));
        }

        // 4. Decide each entry and hand out sequence numbers in batch order.
        std::map<std::string, std::size_t> first_of;
        std::vector<std::int64_t> seqs(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const StreamEntry& e = batch[i]->entry;
            const std::string key = e.sender_device_id + "|" + e.client_msg_id;
            if (auto it = first_of.find(key); it != first_of.end()) {
                leader[i] = static_cast<std::ptrdiff_t>(it->second);
                continue;
            }
            first_of.emplace(key, i);
            if (auto it = stored.find(key); it != stored.end()) {
                if (it->second.conversation_id == e.conversation_id)
                    results[i] = it->second;
                else
                    results[i] =
                        Failure{Errc::conflict, "client_msg_id was used for another conversation"};
                continue;
            }
            auto conv = convs.find(e.conversation_id);
            if (conv == convs.end() || conv->second.org_id != e.org_id) {
                results[i] = kNoConversation;
                continue;
            }
            auto role = roles.find({e.conversation_id, e.sender_user_id});
            if (role == roles.end()) {
                results[i] = kNoConversation;
                continue;
            }
            if (conv->second.archived) {
                results[i] = Failure{Errc::archived, "the conversation is archived"};
                continue;
            }
            if (role->second == "read_only") {
                results[i] =
                    Failure{Errc::forbidden, "read-only members may not post in this conversation"};
                continue;
            }
            if (static_cast<std::int64_t>(e.epoch) > conv->second.epoch) {
                results[i] = Failure{Errc::bad_request,
                                     "message epoch is ahead of the conversation's epoch"};
                continue;
            }
            seqs[i] = conv->second.last_seq + ++conv->second.taken;
            fresh.push_back(i);
        }
        if (fresh.empty()) co_return Result<void>{};

        // 5. Advance last_seq of each conversation by what it took.
        ArrayLiteral adv_ids, adv_counts, adv_epochs;
        for (const auto& [id, c] : convs) {
            if (c.taken == 0) continue;
            adv_ids.add(id);
            adv_counts.add(c.taken);
            adv_epochs.add(std::int64_t{0});
        }
        PgParams adv_params;
        adv_params.text(adv_ids.str()).text(adv_counts.str()).text(adv_epochs.str());
        auto advancing = l.query(sql::advance(), std::move(adv_params));
        if (auto advanced = co_await std::move(advancing); !advanced) co_return advanced.error();

        // 6. Insert the sealed rows.
        ArrayLiteral a_conv, a_seq, a_org, a_kind, a_user, a_device, a_client, a_prio, a_epoch,
            a_body, a_expires, a_refs;
        for (const std::size_t i : fresh) {
            const StreamEntry& e = batch[i]->entry;
            MessageBody body;
            body.mls_message = e.mls_message;
            body.reply_to = e.reply_to;
            body.attachments = e.attachments;
            a_conv.add(e.conversation_id);
            a_seq.add(seqs[i]);
            a_org.add(e.org_id);
            a_kind.add("application");
            a_user.add(e.sender_user_id);
            a_device.add(e.sender_device_id);
            a_client.add(e.client_msg_id);
            a_prio.add(std::int64_t{e.priority});
            a_epoch.add(static_cast<std::int64_t>(e.epoch));
            a_body.add(to_hex(seal_body(keys, body, e.conversation_id, seqs[i])));
            a_expires.add_optional(e.expires_at_ms);
            a_refs.add("NULL");
        }
        PgParams ins;
        ins.text(a_conv.str()).text(a_seq.str()).text(a_org.str()).text(a_kind.str());
        ins.text(a_user.str()).text(a_device.str()).text(a_client.str()).text(a_prio.str());
        ins.text(a_epoch.str()).text(a_body.str()).text(a_expires.str()).text(a_refs.str());
        auto inserting = l.query(sql::insert(), std::move(ins));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        std::int64_t server_time = 0;
        if (inserted->rows() > 0)
            server_time = inserted->int64(0, 2);  // now(): one per transaction
        for (const std::size_t i : fresh) {
            StreamAck ack;
            ack.conversation_id = batch[i]->entry.conversation_id;
            ack.seq = seqs[i];
            ack.server_time_ms = server_time;
            ack.duplicate = false;
            results[i] = std::move(ack);
        }

        // 7. One audit record per conversation and sending device: who wrote which seqs. The
        // chain's lock serializes audit appends, so a record per message would serialize the
        // whole batch once more per message; the seq range names every message.
        std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
        for (const std::size_t i : fresh)
            groups[{batch[i]->entry.conversation_id, batch[i]->entry.sender_device_id}].push_back(
                i);
        for (const auto& [key, idx] : groups) {
            const StreamEntry& e = batch[idx.front()]->entry;
            identity::AuditNote note;
            note.action = "messages.send";
            note.outcome = "success";
            note.org_id = e.org_id;
            note.actor_kind = "user";
            note.actor_id = e.sender_user_id;
            note.target_kind = "conversation";
            note.target_id = e.conversation_id;
            note.source_address = e.source_address;
            note.details["device_id"] = e.sender_device_id;
            note.details["messages"] = idx.size();
            note.details["first_seq"] = seqs[idx.front()];
            note.details["last_seq"] = seqs[idx.back()];
            auto writing = identity::write_audit(l, std::move(note));
            if (auto written = co_await std::move(writing); !written) co_return written.error();
        }
        co_return Result<void>{};
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    if (!done) {
        lease->release();
        log::db().warn("message batch of {} failed: {}", n, done.error().message());
        for (auto& p : batch) complete(p, kUnavailable);
        co_return;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (leader[i] < 0) continue;
        // A repeat inside the batch gets the first one's answer, as a retry after it would.
        WriteResult r = results[static_cast<std::size_t>(leader[i])].value_or(kUnavailable);
        if (auto* ack = std::get_if<StreamAck>(&r)) {
            if (ack->conversation_id != batch[i]->entry.conversation_id)
                r = Failure{Errc::conflict, "client_msg_id was used for another conversation"};
            else
                ack->duplicate = true;
        }
        results[i] = std::move(r);
    }
    for (std::size_t i = 0; i < n; ++i) complete(batch[i], results[i].value_or(kUnavailable));
    if (on_committed && !fresh.empty()) {
        std::vector<CommittedMessage> out;
        out.reserve(fresh.size());
        for (const std::size_t i : fresh) {
            CommittedMessage m;
            m.entry = &batch[i]->entry;
            m.ack = std::get<StreamAck>(*results[i]);
            m.members = &members[batch[i]->entry.conversation_id];
            out.push_back(std::move(m));
        }
        try {
            on_committed(out);
        } catch (const std::exception& ex) {
            log::app().error("message push failed: {}", ex.what());
        }
    }
    // Then the other nodes: one notification per conversation, after COMMIT.
    if (!node.empty() && !fresh.empty()) {
        std::map<std::string, StoredRange> ranges;
        for (const std::size_t i : fresh) {
            const auto& ack = std::get<StreamAck>(*results[i]);
            auto [it, added] = ranges.try_emplace(
                ack.conversation_id, StoredRange{ack.conversation_id, ack.seq, ack.seq});
            if (!added) {
                it->second.first = std::min(it->second.first, ack.seq);
                it->second.last = std::max(it->second.last, ack.seq);
            }
        }
        std::vector<StoredRange> list;
        for (auto& [id, r] : ranges) list.push_back(std::move(r));
        auto publishing = publish_ranges(*lease, node, std::move(list));
        co_await std::move(publishing);
    }
    lease->release();
}

asio::awaitable<void> MessageWriter::State::run(std::shared_ptr<State> s) {
    for (;;) {
        auto waiting = s->wake.async_receive(asio::as_tuple(asio::use_awaitable));
        auto [ec] = co_await std::move(waiting);
        if (ec) break;
        for (;;) {
            std::vector<PendingPtr> batch;
            {
                std::lock_guard lock(s->mutex);
                while (!s->queue.empty() && batch.size() < s->max_batch) {
                    batch.push_back(std::move(s->queue.front()));
                    s->queue.pop_front();
                }
            }
            if (batch.empty()) break;
            auto committing = s->commit_batch(std::move(batch));
            co_await std::move(committing);
        }
    }
    s->fail_queued();
}

MessageWriter::MessageWriter(asio::any_io_executor executor, storage::PgPool& pool,
                             const identity::Credentials& keys, CommittedFn on_committed,
                             std::string node, std::size_t queue_capacity, std::size_t max_batch)
    : state_(std::make_shared<State>(std::move(executor), pool, keys, std::move(on_committed),
                                     std::move(node), queue_capacity, max_batch)) {}

MessageWriter::~MessageWriter() {
    stop();
}

void MessageWriter::start() {
    asio::co_spawn(state_->strand, State::run(state_), asio::detached);
}

void MessageWriter::stop() {
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopped) return;
        state_->stopped = true;
    }
    state_->wake.close();
    state_->fail_queued();
}

asio::awaitable<WriteResult> MessageWriter::submit(StreamEntry entry) {
    auto ex = co_await asio::this_coro::executor;
    auto pending = std::make_shared<Pending>(ex, std::move(entry));
    bool queued = false;
    {
        std::lock_guard lock(state_->mutex);
        if (!state_->stopped && state_->queue.size() < state_->capacity) {
            state_->queue.push_back(pending);
            queued = true;
        }
    }
    if (!queued) co_return Failure{Errc::unavailable, "the message queue is full; retry"};
    state_->wake.try_send(boost::system::error_code{});
    auto receiving = pending->done.async_receive(asio::as_tuple(asio::use_awaitable));
    auto [ec] = co_await std::move(receiving);
    if (ec || !pending->result) co_return kUnavailable;
    co_return std::move(*pending->result);
}

}  // namespace wardline::server::messaging
