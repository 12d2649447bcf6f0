// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/stream_item.hpp"

#include "common/core/device_credential.hpp"

#include <QJsonValue>

#include <cmath>

namespace wardline::client {
namespace {

bool is_uuid(const QString& s) {
    return is_canonical_uuid(s.toStdString());
}

std::optional<QString> string_field(const QJsonObject& o, const char* key) {
    const auto v = o.value(QLatin1String(key));
    if (!v.isString()) return std::nullopt;
    return v.toString();
}

}  // namespace

std::optional<std::int64_t> json_integer(const QJsonValue& v, std::int64_t min) {
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (std::floor(d) != d || d < static_cast<double>(min) || d > 9007199254740991.0)
        return std::nullopt;
    return static_cast<std::int64_t>(d);
}

std::optional<StreamItem> parse_stream_item(const QJsonObject& o) {
    StreamItem m;
    const auto conversation = string_field(o, "conversation_id");
    const auto kind = string_field(o, "kind");
    const auto user = string_field(o, "sender_user_id");
    const auto device = string_field(o, "sender_device_id");
    const auto client_msg_id = string_field(o, "client_msg_id");
    const auto priority = string_field(o, "priority");
    const auto message = string_field(o, "message");
    const auto seq = json_integer(o.value(QLatin1String("seq")), 1);
    const auto epoch = json_integer(o.value(QLatin1String("epoch")), 0);
    const auto created = json_integer(o.value(QLatin1String("created_at")), 0);
    if (!conversation || !kind || !user || !device || !client_msg_id || !priority || !message ||
        !seq || !epoch || !created)
        return std::nullopt;
    // The server's own proposals (as MLS external sender) name no user and no device.
    if (!is_uuid(*conversation) || user->isEmpty() != device->isEmpty() ||
        (!user->isEmpty() && (!is_uuid(*user) || !is_uuid(*device))))
        return std::nullopt;
    if (*kind == QLatin1String("application"))
        m.kind = StreamItem::Kind::application;
    else if (*kind == QLatin1String("commit"))
        m.kind = StreamItem::Kind::commit;
    else if (*kind == QLatin1String("proposal"))
        m.kind = StreamItem::Kind::proposal;
    else
        return std::nullopt;
    m.conversation_id = *conversation;
    m.seq = *seq;
    m.sender_user_id = *user;
    m.sender_device_id = *device;
    m.client_msg_id = *client_msg_id;
    m.priority = *priority;
    m.epoch = *epoch;
    m.created_at_ms = *created;
    m.message = *message;
    if (o.contains(QLatin1String("recalled_at"))) {
        if (!json_integer(o.value(QLatin1String("recalled_at")), 0)) return std::nullopt;
        m.recalled = true;
    }
    if (o.contains(QLatin1String("reply_to"))) {
        m.reply_to = json_integer(o.value(QLatin1String("reply_to")), 1);
        if (!m.reply_to) return std::nullopt;
    }
    if (m.message.isEmpty() && !m.recalled) return std::nullopt;
    return m;
}

std::optional<WelcomeItem> parse_welcome_item(const QJsonObject& o) {
    const auto conversation = string_field(o, "conversation_id");
    const auto welcome = string_field(o, "welcome");
    const auto seq = json_integer(o.value(QLatin1String("commit_seq")), 1);
    if (!conversation || !welcome || !seq || !is_uuid(*conversation) || welcome->isEmpty())
        return std::nullopt;
    return WelcomeItem{*conversation, *seq, *welcome};
}

}  // namespace wardline::client
