// SPDX-License-Identifier: Apache-2.0
// Reading the server's stream entries and Welcomes (client-qt/core/stream_item.hpp): every
// field the protocol defines, and refusals of wrong types, missing fields, malformed ids,
// impossible numbers and unknown kinds.
#include "client-qt/core/stream_item.hpp"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

using client::parse_stream_item;
using client::parse_welcome_item;
using client::StreamItem;

const QString kConv = QStringLiteral("0b0c5b8e-3a52-4f0e-9d59-2f6f7a1d7a10");
const QString kUser = QStringLiteral("1b0c5b8e-3a52-4f0e-9d59-2f6f7a1d7a11");
const QString kDevice = QStringLiteral("2b0c5b8e-3a52-4f0e-9d59-2f6f7a1d7a12");

QJsonObject entry() {
    return QJsonObject{{"conversation_id", kConv},      {"seq", 12},
                       {"kind", "application"},         {"sender_user_id", kUser},
                       {"sender_device_id", kDevice},   {"client_msg_id", kConv},
                       {"priority", "urgent"},          {"epoch", 3},
                       {"created_at", 1700000000000.0}, {"message", "AAAA"}};
}

TEST(StreamItem, AWellFormedEntryIsReadCompletely) {
    auto o = entry();
    o.insert("reply_to", 4);
    const auto item = parse_stream_item(o);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->conversation_id, kConv);
    EXPECT_EQ(item->seq, 12);
    EXPECT_EQ(item->kind, StreamItem::Kind::application);
    EXPECT_EQ(item->sender_user_id, kUser);
    EXPECT_EQ(item->sender_device_id, kDevice);
    EXPECT_EQ(item->priority, "urgent");
    EXPECT_EQ(item->epoch, 3);
    EXPECT_EQ(item->created_at_ms, 1700000000000);
    EXPECT_EQ(item->reply_to.value_or(0), 4);
    EXPECT_FALSE(item->recalled);

    // The server's own proposal names no sender; a recalled entry has no message.
    auto server = entry();
    server["kind"] = "proposal";
    server["sender_user_id"] = "";
    server["sender_device_id"] = "";
    EXPECT_TRUE(parse_stream_item(server));
    auto recalled = entry();
    recalled["message"] = "";
    recalled["recalled_at"] = 1700000000001.0;
    ASSERT_TRUE(parse_stream_item(recalled));
    EXPECT_TRUE(parse_stream_item(recalled)->recalled);
}

TEST(StreamItem, BadEntriesAreRefused) {
    const std::vector<std::pair<const char*, QJsonValue>> bad{
        {"conversation_id", QJsonValue(42)},
        {"conversation_id", QJsonValue("not-a-uuid")},
        {"conversation_id", QJsonValue(kConv.toUpper())},
        {"seq", QJsonValue(0)},
        {"seq", QJsonValue(-1)},
        {"seq", QJsonValue(1.5)},
        {"seq", QJsonValue("12")},
        {"seq", QJsonValue(1e300)},
        {"kind", QJsonValue("welcome")},
        {"kind", QJsonValue(QJsonValue::Null)},
        {"sender_device_id", QJsonValue("")},  // a user without a device
        {"sender_user_id", QJsonValue("someone")},
        {"epoch", QJsonValue(-2)},
        {"message", QJsonValue("")},  // empty without being recalled
        {"message", QJsonValue(QJsonArray{})},
        {"reply_to", QJsonValue(0)},
        {"recalled_at", QJsonValue("yesterday")},
    };
    for (const auto& [field, value] : bad) {
        auto o = entry();
        o[QLatin1String(field)] = value;
        EXPECT_FALSE(parse_stream_item(o)) << field << " " << QJsonDocument(o).toJson().constData();
    }
    for (const char* field :
         {"conversation_id", "seq", "kind", "sender_user_id", "sender_device_id", "client_msg_id",
          "priority", "epoch", "created_at", "message"}) {
        auto o = entry();
        o.remove(QLatin1String(field));
        EXPECT_FALSE(parse_stream_item(o)) << "without " << field;
    }
}

TEST(WelcomeItem, WellFormedAndBadWelcomes) {
    const QJsonObject good{{"conversation_id", kConv}, {"commit_seq", 3}, {"welcome", "AAAA"}};
    const auto w = parse_welcome_item(good);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->commit_seq, 3);
    for (const auto& [field, value] :
         std::vector<std::pair<const char*, QJsonValue>>{{"conversation_id", QJsonValue("x")},
                                                         {"commit_seq", QJsonValue(0)},
                                                         {"commit_seq", QJsonValue("3")},
                                                         {"welcome", QJsonValue("")},
                                                         {"welcome", QJsonValue(7)}}) {
        auto o = good;
        o[QLatin1String(field)] = value;
        EXPECT_FALSE(parse_welcome_item(o)) << field;
    }
    EXPECT_FALSE(parse_welcome_item(QJsonObject{}));
}

}  // namespace
}  // namespace wardline::test
