// SPDX-License-Identifier: Apache-2.0
#pragma once
// The push after COMMIT (docs/architecture.md, "Write path"): message.new to every online
// device of every current member, welcome.new to an added device. This process's
// connections, through the SessionRegistry; other processes push the rows fanout.hpp tells
// them of, and get welcome.new from the registry's relay (event_relay.hpp).
#include "server/messaging/message_writer.hpp"
#include "server/messaging/sealed_body.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wardline::server::identity {
class Credentials;
class SessionRegistry;
}  // namespace wardline::server::identity
namespace wardline::server::storage {
class PgResult;
}

namespace wardline::server::messaging {

/// One message of a stream as members receive it (message.new, messages.sync).
struct StoredMessage {
    std::string conversation_id;
    std::int64_t seq = 0;
    std::string kind;  ///< application | commit | proposal
    std::string sender_user_id;
    std::string sender_device_id;
    std::string client_msg_id;
    int priority = 0;
    std::int64_t epoch = 0;
    std::int64_t created_at_ms = 0;
    std::optional<std::int64_t> expires_at_ms;
    /// Set when the sender recalled it (messages.recall): the body is then not handed out.
    std::optional<std::int64_t> recalled_at_ms;
    MessageBody body;
};

/// The wire name of a priority (0 routine, 1 urgent, 2 critical) and back (-1 if unknown).
std::string priority_name(int priority);
int priority_value(const std::string& name);

/// Row `row` of a result in the column order of stream_sync_page.sql / stream_range.sql, its
/// body opened (not for a recalled message); nullopt if the body does not open with the keyring.
std::optional<StoredMessage> read_stored_message(const storage::PgResult& rows, int row,
                                                 const identity::Credentials& keys);

/// The JSON of a message (the body of message.new, an item of messages.sync).
nlohmann::json message_json(const StoredMessage& m);

class MessagePush {
public:
    explicit MessagePush(identity::SessionRegistry& sessions) : sessions_(sessions) {}

    /// The writer's batch, in seq order per conversation.
    void committed(const std::vector<CommittedMessage>& batch);
    /// message.new to every connection of this process of every member except the sending
    /// device's. Not relayed: other processes push the rows themselves (fanout.*).
    void message(const StoredMessage& m, const std::vector<std::string>& members);
    /// welcome.new to the device's connections, on every process (relayed).
    void welcome(const std::string& device_id, const std::string& conversation_id,
                 std::int64_t commit_seq, const std::string& welcome_base64);

private:
    identity::SessionRegistry& sessions_;
};

}  // namespace wardline::server::messaging
