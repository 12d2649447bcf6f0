// SPDX-License-Identifier: Apache-2.0
// encode_ok / encode_error / encode_event: the frames the server sends.
#include "common/proto/envelope.hpp"
#include "proto_test_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

namespace wardline::proto::test {
namespace {

using nlohmann::json;

TEST(ProtoEnvelope, EncodesOkResponses) {
    const json body = {{"server_time_ms", 1700000000000}, {"data", "h\u00e9\"llo"}};
    const auto text = encode_ok("r\"1\\", body);
    EXPECT_EQ(text.rfind(R"({"id":)", 0), 0U) << "the id leads the frame";
    const auto frame = json::parse(text);
    EXPECT_EQ(frame, (json{{"id", "r\"1\\"}, {"status", "ok"}, {"body", body}}));
    EXPECT_EQ(embedded().check_response("system.ping", frame.at("body")), std::nullopt);
}

TEST(ProtoEnvelope, EncodesErrorsWithId) {
    const auto frame = json::parse(encode_error("q7", Errc::not_found, "conversation: not found"));
    EXPECT_EQ(frame,
              (json{{"id", "q7"},
                    {"status", "error"},
                    {"error", {{"code", "not_found"}, {"message", "conversation: not found"}}}}));
}

TEST(ProtoEnvelope, EncodesErrorsWithoutIdAsNull) {
    const auto frame = json::parse(encode_error(std::nullopt, Errc::bad_request, "frame: x"));
    ASSERT_TRUE(frame.contains("id"));
    EXPECT_TRUE(frame.at("id").is_null());
    EXPECT_EQ(frame.at("error").at("code"), "bad_request");
}

TEST(ProtoEnvelope, UsesTheWireNameOfEveryCode) {
    for (int e = static_cast<int>(Errc::bad_request); e <= static_cast<int>(Errc::internal); ++e) {
        const auto code = static_cast<Errc>(e);
        const auto frame = json::parse(encode_error("i", code, "m"));
        EXPECT_EQ(frame.at("error").at("code"), to_code(code));
    }
}

TEST(ProtoEnvelope, ErrorEncodingSurvivesInvalidUtf8) {
    std::string text;
    ASSERT_NO_THROW(text = encode_error(std::string("a\xff"), Errc::internal, "bad \xc3"));
    const auto frame = json::parse(text);
    EXPECT_EQ(frame.at("id"), "a\xef\xbf\xbd");
    EXPECT_EQ(frame.at("error").at("message"), "bad \xef\xbf\xbd");
}

TEST(ProtoEnvelope, EncodesDecodeErrorsWithTheirId) {
    auto result = embedded().decode_request(R"({"id":"z1","type":"nope"})");
    ASSERT_TRUE(std::holds_alternative<DecodeError>(result));
    const auto frame = json::parse(encode_error(std::get<DecodeError>(result)));
    EXPECT_EQ(frame.at("id"), "z1");
    EXPECT_EQ(frame.at("error").at("code"), "unknown_type");
    EXPECT_EQ(frame.at("error").at("message"), "type: unknown request type");
}

TEST(ProtoEnvelope, EncodesEvents) {
    const json body = {{"protocol", 1}, {"server", "s"}, {"connection_id", "c"}};
    const auto seq = std::numeric_limits<std::uint64_t>::max();
    const auto frame = json::parse(encode_event("system.welcome", seq, body));
    EXPECT_EQ(frame.at("event"), "system.welcome");
    EXPECT_EQ(frame.at("seq").get<std::uint64_t>(), seq);
    EXPECT_EQ(frame.at("body"), body);
    EXPECT_EQ(frame.size(), 3U);
    EXPECT_EQ(embedded().check_event("system.welcome", frame.at("body")), std::nullopt);
}

TEST(ProtoEnvelope, OkEncodingRefusesInvalidUtf8Bodies) {
    EXPECT_THROW(encode_ok("i", json{{"data", "\xff"}}), json::type_error);
}

}  // namespace
}  // namespace wardline::proto::test
