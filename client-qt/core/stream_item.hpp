// SPDX-License-Identifier: Apache-2.0
#pragma once
// One entry of a conversation's message stream as the server hands it out (message.new and
// messages.sync "messages[]", docs/protocol.md), and one pending Welcome (welcome.new and
// messages.sync "welcomes[]"), read strictly: a field of the wrong type, an id that is not a
// UUID, a seq below 1 or a kind the protocol does not define makes the whole entry unreadable.
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace wardline::client {

struct StreamItem {
    enum class Kind { application, commit, proposal };
    QString conversation_id;
    std::int64_t seq = 0;
    Kind kind = Kind::application;
    QString sender_user_id;  ///< empty for a proposal of the server (external sender)
    QString sender_device_id;
    QString client_msg_id;
    QString priority;
    std::int64_t epoch = 0;
    std::int64_t created_at_ms = 0;
    QString message;  ///< base64 MLSMessage; empty once recalled
    bool recalled = false;
    std::optional<std::int64_t> reply_to;
};

struct WelcomeItem {
    QString conversation_id;
    std::int64_t commit_seq = 0;
    QString welcome;  ///< base64 MLSMessage(Welcome)
};

std::optional<StreamItem> parse_stream_item(const QJsonObject& o);
std::optional<WelcomeItem> parse_welcome_item(const QJsonObject& o);

/// A JSON number that is a whole number a double holds exactly, within [min, 2^53 - 1].
std::optional<std::int64_t> json_integer(const QJsonValue& v, std::int64_t min = 0);

}  // namespace wardline::client
