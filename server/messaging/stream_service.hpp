// SPDX-License-Identifier: Apache-2.0
#pragma once
// The message stream of the MLS Delivery Service (issue #5; docs/architecture.md, "Write
// path"): messages.send, messages.sync, messages.delivered, handshake.submit and
// group_info.get. The dispatcher has already checked the session and the permission
// (server/authz/request_policy.cpp). Every conversation is looked up as the caller's member in
// the caller's organization, so an unknown conversation, one of another organization and one
// the caller is not a member of all answer the same not_found.
#include "server/concurrency/token_bucket.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class Credentials;
}

namespace wardline::server::messaging {

class MessageWriter;
class MessagePush;
class WorkflowService;

/// The per-user send rate (messaging.send_per_second, messaging.send_burst).
struct SendRate {
    double per_second = 20;
    double burst = 100;
};

class StreamService {
public:
    /// Largest MLSMessage of messages.send, decoded. Its base64 (43,692 characters) fits a
    /// request inside the default 64 KiB frame (limits.max_frame_bytes) with its metadata.
    static constexpr std::size_t kMaxMessageBytes = 32 * 1024;
    /// Largest commit, proposal, Welcome or GroupInfo of handshake.submit, each decoded; the
    /// frame limit bounds their sum.
    static constexpr std::size_t kMaxHandshakeBytes = 46 * 1024;
    /// Messages of one messages.sync page: the default and the most a client may ask for.
    static constexpr int kDefaultSyncLimit = 100;
    static constexpr int kMaxSyncLimit = 500;
    /// A sync page stops adding messages once their MLS bytes pass this; it holds at least one.
    static constexpr std::size_t kSyncPageBytes = 512 * 1024;
    /// Pending Welcomes in one sync page.
    static constexpr int kSyncWelcomes = 20;

    StreamService(storage::PgPool& pool, const identity::Credentials& keys, MessageWriter& writer,
                  MessagePush& push, SendRate rate, std::string node);
    ~StreamService();

    /// messages.delivered then pushes receipt.delivered through `workflow` (receipts.cpp).
    void set_workflow(WorkflowService& workflow) { workflow_ = &workflow; }

    /// messages.*, handshake.* and group_info.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> send(nlohmann::json body, identity::BoundSession caller,
                                         std::string source);
    boost::asio::awaitable<Outcome> sync(nlohmann::json body, identity::BoundSession caller,
                                         std::string source);
    boost::asio::awaitable<Outcome> delivered(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> group_info(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> handshake(nlohmann::json body, identity::BoundSession caller,
                                              std::string source);
    /// Appends a denial to the audit trail in a transaction of its own.
    boost::asio::awaitable<void> audit_denial(identity::BoundSession caller, std::string action,
                                              std::string conversation_id, std::string reason,
                                              std::string source);
    /// Appends the record of a sync page that handed out messages or Welcomes (message access
    /// is audited: ../shared/DESIGN.md, Audit). Nothing is returned if it cannot be written.
    boost::asio::awaitable<bool> audit_read(identity::BoundSession caller, std::size_t messages,
                                            std::size_t conversations, std::size_t welcomes,
                                            std::string source);
    bool take_send_token(const std::string& user_id);

    storage::PgPool& pool_;
    const identity::Credentials& keys_;
    MessageWriter& writer_;
    MessagePush& push_;
    SendRate rate_;
    WorkflowService* workflow_ = nullptr;
    std::string node_;  ///< this process, in stream notifications (fanout.hpp)
    std::mutex buckets_mutex_;
    std::map<std::string, TokenBucket> buckets_;  ///< per user
};

}  // namespace wardline::server::messaging
