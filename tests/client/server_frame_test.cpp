// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/server_frame.hpp"

#include <gtest/gtest.h>

namespace wardline::client {
namespace {

bool refused(const char* frame) {
    return std::holds_alternative<FrameError>(parse_server_frame(QByteArray(frame)));
}

TEST(ServerFrame, ReadsResponsesAndErrorsAndEvents) {
    const auto ok = parse_server_frame(R"({"id":"c1","status":"ok","body":{"data":"x"}})");
    ASSERT_TRUE(std::holds_alternative<ServerResponse>(ok));
    const auto& r = std::get<ServerResponse>(ok);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.id, "c1");
    EXPECT_EQ(r.body.value("data").toString(), "x");

    const auto err = parse_server_frame(
        R"({"id":"c2","status":"error","error":{"code":"not_found","message":"no such conversation"}})");
    ASSERT_TRUE(std::holds_alternative<ServerResponse>(err));
    EXPECT_FALSE(std::get<ServerResponse>(err).ok);
    EXPECT_EQ(std::get<ServerResponse>(err).error_code, "not_found");

    const auto unreadable = parse_server_frame(
        R"({"id":null,"status":"error","error":{"code":"bad_request","message":"x"}})");
    ASSERT_TRUE(std::holds_alternative<ServerResponse>(unreadable));
    EXPECT_TRUE(std::get<ServerResponse>(unreadable).id.isEmpty());

    const auto ev = parse_server_frame(R"({"event":"message.new","seq":7,"body":{"seq":3}})");
    ASSERT_TRUE(std::holds_alternative<ServerEvent>(ev));
    EXPECT_EQ(std::get<ServerEvent>(ev).type, "message.new");
    EXPECT_EQ(std::get<ServerEvent>(ev).seq, 7);
}

TEST(ServerFrame, RefusesWhatIsNotAFrameOfTheProtocol) {
    for (const char* bad : {
             "",
             "not json",
             "[1,2,3]",
             "\"text\"",
             "{}",
             R"({"id":"c1"})",
             R"({"id":"c1","status":"maybe"})",
             R"({"id":7,"status":"ok","body":{}})",
             R"({"id":"c1","status":"ok","body":[]})",
             R"({"id":"c1","status":"error"})",
             R"({"id":"c1","status":"error","error":{"message":"no code"}})",
             R"({"id":"c1","status":"error","error":{"code":""}})",
             R"({"event":"","seq":1,"body":{}})",
             R"({"event":5,"seq":1,"body":{}})",
             R"({"event":"typing","seq":0,"body":{}})",
             R"({"event":"typing","seq":1.5,"body":{}})",
             R"({"event":"typing","seq":"1","body":{}})",
             R"({"event":"typing","seq":1e300,"body":{}})",
             R"({"event":"typing","seq":1})",
             R"({"event":"typing","seq":1,"body":"x"})",
             R"({"id":"c1","status":"ok","body":{})",
         })
        EXPECT_TRUE(refused(bad)) << bad;
}

TEST(ServerFrame, RefusesAnOversizedFrame) {
    QByteArray big = R"({"id":"c1","status":"ok","body":{"data":")";
    big.append(QByteArray(2000, 'a'));
    big.append(R"("}})");
    EXPECT_TRUE(std::holds_alternative<ServerResponse>(parse_server_frame(big, 4096)));
    EXPECT_TRUE(std::holds_alternative<FrameError>(parse_server_frame(big, 1024)));
}

}  // namespace
}  // namespace wardline::client
