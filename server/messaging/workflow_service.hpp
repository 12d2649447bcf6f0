// SPDX-License-Identifier: Apache-2.0
#pragma once
// The clinical workflow around the message stream (issue #5; docs/architecture.md, "Clinical
// workflow"): read and delivery receipts (receipts.cpp), acknowledgement of urgent and critical
// messages (receipts.cpp), recall (recall.cpp) and typing indicators (this file's .cpp).
// Escalation lives in escalation_*.{hpp,cpp}. The dispatcher has checked the session and the
// permission; every conversation is looked up as the caller's member in the caller's
// organization, so unknown, other organization and non-member answer the same not_found.
#include "server/concurrency/token_bucket.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::messaging {

struct WorkflowConfig {
    /// messaging.recall_window_seconds: how long after sending a sender may recall.
    double recall_window_seconds = 900;
    /// Typing indicators per user (token bucket); beyond it they are answered rate_limited.
    double typing_per_second = 1;
    double typing_burst = 5;
};

/// What the workflow reads of one message (workflow_message.sql); never its body.
struct MessageFacts {
    std::string kind;
    std::string sender_user_id;
    int priority = 0;
    std::int64_t created_at_ms = 0;
    bool recalled = false;
};

class WorkflowService {
public:
    WorkflowService(storage::PgPool& pool, identity::SessionRegistry& sessions,
                    WorkflowConfig config);

    /// messages.read, messages.acknowledge, messages.recall, messages.typing, receipts.get.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

    /// Called by messages.delivered after it moved a device's cursor: `before` is the user's
    /// furthest delivery cursor (any device) before, `after` the device's cursor now. Pushes
    /// receipt.delivered to the senders of what is newly delivered to the user.
    boost::asio::awaitable<void> delivered(identity::BoundSession caller,
                                           std::string conversation_id, std::int64_t before,
                                           std::int64_t after);

private:
    boost::asio::awaitable<Outcome> read(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> receipts(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> acknowledge(nlohmann::json body, identity::BoundSession caller,
                                                std::string source);
    boost::asio::awaitable<Outcome> recall(nlohmann::json body, identity::BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> typing(nlohmann::json body, identity::BoundSession caller);

    /// The caller's last_seq of the conversation (member in the caller's organization), or
    /// the not_found / unavailable failure. Sets *read_only for a read_only member.
    boost::asio::awaitable<std::variant<std::int64_t, Failure>> member_last_seq(
        identity::BoundSession caller, std::string conversation_id, bool* read_only = nullptr);
    /// The message at seq, or nullopt if there is none (a failure in *failure).
    boost::asio::awaitable<std::optional<MessageFacts>> message_facts(std::string conversation_id,
                                                                      std::int64_t seq,
                                                                      bool* unavailable);
    /// One event per sender of application messages in (after, upto], with that sender's
    /// highest seq in the range, to the sender's connections.
    boost::asio::awaitable<void> tell_senders(std::string event, std::string conversation_id,
                                              std::string reader, std::int64_t after,
                                              std::int64_t upto);
    /// A denied request in the audit trail (its own transaction).
    boost::asio::awaitable<void> audit(identity::BoundSession caller, std::string action,
                                       std::string outcome, std::string conversation_id,
                                       nlohmann::json details, std::string source);
    bool take_typing_token(const std::string& user_id);

    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    WorkflowConfig config_;
    std::mutex typing_mutex_;
    std::map<std::string, TokenBucket> typing_;  ///< per user
};

}  // namespace wardline::server::messaging
