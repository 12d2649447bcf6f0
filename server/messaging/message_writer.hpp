// SPDX-License-Identifier: Apache-2.0
#pragma once
// The batching writer of the message stream (group commit; docs/architecture.md, "Write path").
// One per server process. Sessions submit application messages; one writer coroutine takes
// everything queued and commits it in ONE transaction (synchronous_commit on): it locks the
// batch's conversations in ascending id order, assigns each message its per-conversation seq
// from conversations.last_seq, inserts the sealed rows and one audit record per conversation
// and sending device, then COMMITs. A submitter's acknowledgement is completed only after
// COMMIT returned; a failed batch fails every message in it with `unavailable`, and nothing
// of it is stored. The queue is bounded: when full, submit() answers `unavailable` at once.
#include "server/messaging/mls_envelope.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class Credentials;
}

namespace wardline::server::messaging {

/// One application message to append to a conversation's stream. The caller has checked the
/// MLS envelope; the writer checks membership, role and archive state again under the lock.
struct StreamEntry {
    std::string conversation_id;
    std::string org_id;
    std::string sender_user_id;
    std::string sender_device_id;
    std::string client_msg_id;
    int priority = 0;  ///< 0 routine, 1 urgent, 2 critical
    std::uint64_t epoch = 0;
    ByteVector mls_message;
    std::optional<std::int64_t> reply_to;
    std::vector<std::string> attachments;
    std::optional<std::int64_t> expires_at_ms;
    std::string source_address;  ///< for the audit record
};

/// The acknowledgement of a stored message. A retry of a stored client_msg_id gets the
/// original one (duplicate = true).
struct StreamAck {
    std::string conversation_id;
    std::int64_t seq = 0;
    std::int64_t server_time_ms = 0;
    bool duplicate = false;
};

using WriteResult = std::variant<StreamAck, Failure>;

/// A message as committed, for the push after COMMIT.
struct CommittedMessage {
    const StreamEntry* entry = nullptr;
    StreamAck ack;
    /// The conversation's current members (user ids) at commit time.
    const std::vector<std::string>* members = nullptr;
};

class MessageWriter {
public:
    static constexpr std::size_t kDefaultQueueCapacity = 4096;
    static constexpr std::size_t kDefaultMaxBatch = 256;

    /// Called on the writer's strand after each COMMIT, with the batch's new messages in
    /// commit (seq) order per conversation: pushes them to the members' devices.
    using CommittedFn = std::function<void(const std::vector<CommittedMessage>&)>;

    MessageWriter(boost::asio::any_io_executor executor, storage::PgPool& pool,
                  const identity::Credentials& keys, CommittedFn on_committed, std::string node,
                  std::size_t queue_capacity = kDefaultQueueCapacity,
                  std::size_t max_batch = kDefaultMaxBatch);
    ~MessageWriter();
    MessageWriter(const MessageWriter&) = delete;
    MessageWriter& operator=(const MessageWriter&) = delete;

    /// Starts the writer coroutine.
    void start();
    /// Ends it; queued and later submissions fail with `unavailable`.
    void stop();

    /// `node`: this process's id in the stream notifications after each COMMIT (fanout.hpp);
    /// empty for none.
    /// Queues the message and completes after its batch committed (or failed).
    boost::asio::awaitable<WriteResult> submit(StreamEntry entry);

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace wardline::server::messaging
