// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/message_push.hpp"

#include "server/identity/session_registry.hpp"
#include "server/storage/pg_result.hpp"

#include <algorithm>

namespace wardline::server::messaging {

std::string priority_name(int priority) {
    switch (priority) {
        case 1:
            return "urgent";
        case 2:
            return "critical";
        default:
            return "routine";
    }
}

int priority_value(const std::string& name) {
    if (name == "routine") return 0;
    if (name == "urgent") return 1;
    if (name == "critical") return 2;
    return -1;
}

std::optional<StoredMessage> read_stored_message(const storage::PgResult& rows, int row,
                                                 const identity::Credentials& keys) {
    StoredMessage m;
    m.conversation_id = std::string(rows.text_or_throw(row, 0));
    m.seq = rows.int64(row, 1);
    m.kind = std::string(rows.text_or_throw(row, 2));
    m.sender_user_id = std::string(rows.text(row, 3).value_or(""));
    m.sender_device_id = std::string(rows.text(row, 4).value_or(""));
    m.client_msg_id = std::string(rows.text_or_throw(row, 5));
    m.priority = static_cast<int>(rows.int64(row, 6));
    m.epoch = rows.int64(row, 7);
    m.created_at_ms = rows.int64(row, 8);
    if (!rows.is_null(row, 9)) m.expires_at_ms = rows.int64(row, 9);
    if (rows.columns() > 11 && !rows.is_null(row, 11)) {
        m.recalled_at_ms = rows.int64(row, 11);
        return m;  // recalled: the ciphertext stays stored but is no longer handed out
    }
    const auto sealed = rows.bytea(row, 10);
    ByteVector bytes(sealed.size());
    std::transform(sealed.begin(), sealed.end(), bytes.begin(),
                   [](std::byte b) { return static_cast<std::uint8_t>(b); });
    auto opened = open_body(keys, bytes, m.conversation_id, m.seq);
    if (!opened) return std::nullopt;
    m.body = std::move(*opened);
    return m;
}

nlohmann::json message_json(const StoredMessage& m) {
    nlohmann::json j{{"conversation_id", m.conversation_id},
                     {"seq", m.seq},
                     {"kind", m.kind},
                     {"sender_user_id", m.sender_user_id},
                     {"sender_device_id", m.sender_device_id},
                     {"client_msg_id", m.client_msg_id},
                     {"priority", priority_name(m.priority)},
                     {"epoch", m.epoch},
                     {"created_at", m.created_at_ms},
                     {"message", m.recalled_at_ms ? std::string() : encode_base64(m.body.mls_message)}};
    if (m.recalled_at_ms) j["recalled_at"] = *m.recalled_at_ms;
    if (m.body.reply_to) j["reply_to"] = *m.body.reply_to;
    if (!m.body.attachments.empty()) j["attachments"] = m.body.attachments;
    if (m.expires_at_ms) j["expires_at"] = *m.expires_at_ms;
    return j;
}

void MessagePush::committed(const std::vector<CommittedMessage>& batch) {
    for (const auto& c : batch) {
        if (c.entry == nullptr || c.members == nullptr) continue;
        StoredMessage m;
        m.conversation_id = c.entry->conversation_id;
        m.seq = c.ack.seq;
        m.kind = "application";
        m.sender_user_id = c.entry->sender_user_id;
        m.sender_device_id = c.entry->sender_device_id;
        m.client_msg_id = c.entry->client_msg_id;
        m.priority = c.entry->priority;
        m.epoch = static_cast<std::int64_t>(c.entry->epoch);
        m.created_at_ms = c.ack.server_time_ms;
        m.expires_at_ms = c.entry->expires_at_ms;
        m.body.mls_message = c.entry->mls_message;
        m.body.reply_to = c.entry->reply_to;
        m.body.attachments = c.entry->attachments;
        message(m, *c.members);
    }
}

void MessagePush::message(const StoredMessage& m, const std::vector<std::string>& members) {
    const auto body = message_json(m);
    for (const auto& user : members)
        sessions_.notify_user_here(user, "message.new", body, m.sender_device_id);
}

void MessagePush::welcome(const std::string& device_id, const std::string& conversation_id,
                          std::int64_t commit_seq, const std::string& welcome_base64) {
    const nlohmann::json body{{"conversation_id", conversation_id},
                              {"commit_seq", commit_seq},
                              {"welcome", welcome_base64}};
    sessions_.notify_device(device_id, "welcome.new", body);
}

}  // namespace wardline::server::messaging
