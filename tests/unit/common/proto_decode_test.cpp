// SPDX-License-Identifier: Apache-2.0
// Protocol::decode_request() against the embedded schema: envelope rules, body rules, refusals.
#include "proto_test_support.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace wardline::proto::test {
namespace {

using nlohmann::json;

/// A system.ping frame whose body is `body` (raw JSON text).
std::string ping(std::string_view body, std::string_view id = "r1") {
    return R"({"id":")" + std::string(id) + R"(","type":"system.ping","body":)" +
           std::string(body) + "}";
}

TEST(ProtoDecode, AcceptsValidHello) {
    const auto request =
        accepted(R"({"id":"r1","type":"system.hello","body":{"protocol":1,"client":"cli/1.0"}})");
    EXPECT_EQ(request.id, "r1");
    EXPECT_EQ(request.type, "system.hello");
    EXPECT_EQ(request.body, json::parse(R"({"protocol":1,"client":"cli/1.0"})"));
}

TEST(ProtoDecode, AbsentBodyBecomesEmptyObject) {
    const auto request = accepted(R"({"type":"system.status","id":"abc"})");
    EXPECT_EQ(request.id, "abc");
    EXPECT_TRUE(request.body.is_object());
    EXPECT_TRUE(request.body.empty());
}

TEST(ProtoDecode, AbsentBodyStillNeedsRequiredFields) {
    const auto error = refused(R"({"id":"x","type":"system.hello"})");
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "body.protocol: required field is missing");
    EXPECT_EQ(error.id, "x");
}

TEST(ProtoDecode, RefusesMalformedJson) {
    for (const auto* frame : {R"({"id":"a",)", "", " ", "{", R"({"id":"a"} x)", "{'id':'a'}",
                              R"({"id":"a","type":"system.ping",})", "nul"}) {
        const auto error = refused(frame);
        EXPECT_EQ(error.code, Errc::bad_request) << frame;
        EXPECT_EQ(error.message, "frame: not valid JSON") << frame;
        EXPECT_FALSE(error.id) << frame;
    }
}

TEST(ProtoDecode, RefusesFramesThatAreNotObjects) {
    for (const auto* frame :
         {R"([{"id":"a","type":"system.ping"}])", R"("text")", "42", "-1.5", "null", "true"}) {
        const auto error = refused(frame);
        EXPECT_EQ(error.code, Errc::bad_request) << frame;
        EXPECT_EQ(error.message, "frame: must be a JSON object") << frame;
        EXPECT_FALSE(error.id) << frame;
    }
}

TEST(ProtoDecode, RefusesMissingId) {
    const auto error = refused(R"({"type":"system.ping"})");
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "id: required field is missing");
    EXPECT_FALSE(error.id);
}

TEST(ProtoDecode, RefusesIdOfWrongType) {
    for (const auto* id : {"1", "null", "true", R"(["a"])", R"({"a":"b"})"}) {
        const auto error = refused(R"({"id":)" + std::string(id) + R"(,"type":"system.ping"})");
        EXPECT_EQ(error.code, Errc::bad_request) << id;
        EXPECT_EQ(error.message, "id: must be a string") << id;
        EXPECT_FALSE(error.id) << id;
    }
}

TEST(ProtoDecode, RefusesEmptyAndOverlongIds) {
    EXPECT_EQ(refused(R"({"id":"","type":"system.ping"})").message,
              "id: must be 1 to 64 characters");
    const auto error = refused(ping("{}", std::string(65, 'a')));
    EXPECT_EQ(error.message, "id: must be 1 to 64 characters");
    EXPECT_FALSE(error.id);
    EXPECT_EQ(accepted(ping("{}", std::string(64, 'a'))).id, std::string(64, 'a'));
}

TEST(ProtoDecode, RefusesNonPrintableIds) {
    for (const auto* id : {R"(a\u0001b)", R"(a\tb)", R"(a\u007fb)", "caf\xc3\xa9", R"(\u00e9)"}) {
        const auto error = refused(ping("{}", id));
        EXPECT_EQ(error.code, Errc::bad_request) << id;
        EXPECT_EQ(error.message, "id: must be printable ASCII") << id;
        EXPECT_FALSE(error.id) << id;
    }
}

TEST(ProtoDecode, AcceptsEveryPrintableAsciiInId) {
    EXPECT_EQ(accepted(ping("{}", R"( ~!\"#\\/{}[])")).id, R"( ~!"#\/{}[])");
}

TEST(ProtoDecode, RefusesMissingTypeAndEchoesId) {
    const auto error = refused(R"({"id":"q1"})");
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "type: required field is missing");
    EXPECT_EQ(error.id, "q1");
}

TEST(ProtoDecode, RefusesTypeThatIsNotAString) {
    const auto error = refused(R"({"id":"q2","type":["system.ping"]})");
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "type: must be a string");
    EXPECT_EQ(error.id, "q2");
}

TEST(ProtoDecode, AnswersUnknownTypeWithIdEchoed) {
    for (const auto* type : {"message.send", "", "SYSTEM.PING", "system.ping "}) {
        const auto error = refused(R"({"id":"q3","type":")" + std::string(type) + R"("})");
        EXPECT_EQ(error.code, Errc::unknown_type) << type;
        EXPECT_EQ(error.message, "type: unknown request type") << type;
        EXPECT_EQ(error.id, "q3") << type;
    }
}

TEST(ProtoDecode, RefusesBodyThatIsNotAnObject) {
    for (const auto* body : {"[]", R"("x")", "null", "3", "false"}) {
        const auto error = refused(ping(body));
        EXPECT_EQ(error.code, Errc::bad_request) << body;
        EXPECT_EQ(error.message, "body: must be an object") << body;
        EXPECT_EQ(error.id, "r1") << body;
    }
}

TEST(ProtoDecode, RefusesUnknownTopLevelKey) {
    const auto error = refused(R"({"id":"r9","type":"system.ping","extra":1})");
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "frame: unknown field (allowed: id, type, body)");
    EXPECT_EQ(error.id, "r9");
    EXPECT_EQ(refused(R"({"id":"r9","type":"system.ping","Body":{}})").message,
              "frame: unknown field (allowed: id, type, body)");
}

TEST(ProtoDecode, RefusesUnknownBodyField) {
    const auto error = refused(ping(R"({"data":"hi","x":1})"));
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "body: unknown field (not in the schema)");
    EXPECT_EQ(error.id, "r1");
    EXPECT_EQ(refused(R"({"id":"s","type":"system.status","body":{"a":null}})").message,
              "body: unknown field (not in the schema)");
}

TEST(ProtoDecode, NeverEchoesUnknownFieldNames) {
    // A client could put patient data into a key; the message names the rule only.
    const auto error = refused(ping(R"({"PATIENT-SECRET-123":1})"));
    EXPECT_EQ(error.message, "body: unknown field (not in the schema)");
    const auto top = refused(R"({"id":"r","type":"system.ping","PATIENT-SECRET-123":1})");
    EXPECT_EQ(top.message, "frame: unknown field (allowed: id, type, body)");
}

TEST(ProtoDecode, RefusesWrongFieldTypes) {
    for (const auto* value : {R"("1")", "1.5", "1.0", "1e0", "true", "null", "[1]", "{}"}) {
        const auto error = refused(R"({"id":"h","type":"system.hello","body":{"protocol":)" +
                                   std::string(value) + "}}");
        EXPECT_EQ(error.code, Errc::bad_request) << value;
        EXPECT_EQ(error.message, "body.protocol: must be an integer") << value;
        EXPECT_EQ(error.id, "h") << value;
    }
    EXPECT_EQ(refused(ping(R"({"data":5})")).message, "body.data: must be a string");
}

TEST(ProtoDecode, EnforcesMaxLength) {
    accepted(ping(R"({"data":")" + std::string(1024, 'd') + R"("})"));
    const auto error = refused(ping(R"({"data":")" + std::string(1025, 'd') + R"("})"));
    EXPECT_EQ(error.code, Errc::bad_request);
    EXPECT_EQ(error.message, "body.data: longer than 1024 characters");
}

TEST(ProtoDecode, CountsLengthInCodePointsNotBytes) {
    std::string two_bytes;
    for (int i = 0; i < 1024; ++i) two_bytes += "\xc3\xa9";  // U+00E9, 2048 bytes in all
    accepted(ping(R"({"data":")" + two_bytes + R"("})"));
    EXPECT_EQ(refused(ping(R"({"data":")" + two_bytes + R"(x"})")).message,
              "body.data: longer than 1024 characters");
    std::string four_bytes;
    for (int i = 0; i < 64; ++i) four_bytes += "\xf0\x9f\x98\x80";  // U+1F600
    accepted(R"({"id":"h","type":"system.hello","body":{"protocol":1,"client":")" + four_bytes +
             R"("}})");
    // Escaped surrogate pairs count as one code point too.
    std::string escaped;
    for (int i = 0; i < 1024; ++i) escaped += R"(\ud83d\ude00)";
    accepted(ping(R"({"data":")" + escaped + R"("})"));
}

TEST(ProtoDecode, EnforcesMinLength) {
    const auto error =
        refused(R"({"id":"h","type":"system.hello","body":{"protocol":1,"client":""}})");
    EXPECT_EQ(error.message, "body.client: shorter than 1 character");
}

TEST(ProtoDecode, EnforcesMinimumAndMaximum) {
    const auto hello = [](std::string_view protocol) {
        return R"({"id":"h","type":"system.hello","body":{"protocol":)" + std::string(protocol) +
               "}}";
    };
    accepted(hello("1"));
    accepted(hello("1000"));
    EXPECT_EQ(refused(hello("0")).message, "body.protocol: below the minimum 1");
    EXPECT_EQ(refused(hello("-9223372036854775808")).message, "body.protocol: below the minimum 1");
    EXPECT_EQ(refused(hello("1001")).message, "body.protocol: above the maximum 1000");
    EXPECT_EQ(refused(hello("18446744073709551615")).message,
              "body.protocol: above the maximum 1000");
    // Beyond 64 bits the number is a float: not an integer, whatever its value.
    EXPECT_EQ(refused(hello("18446744073709551616")).message, "body.protocol: must be an integer");
}

TEST(ProtoDecode, RefusesInvalidUtf8) {
    for (const auto* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
        const auto error = refused(ping(R"({"data":")" + std::string(bad) + R"("})"));
        EXPECT_EQ(error.code, Errc::bad_request);
        EXPECT_EQ(error.message, "frame: not valid UTF-8");
        EXPECT_FALSE(error.id);
    }
    // A lone surrogate written as an escape is not a character either.
    EXPECT_EQ(refused(ping(R"({"data":"\ud800"})")).code, Errc::bad_request);
}

TEST(ProtoDecode, RefusesDeeplyNestedInputWithoutCrashing) {
    for (const auto& frame : {std::string(100000, '['), std::string(100000, '{'), [] {
                                  std::string s;
                                  for (int i = 0; i < 20000; ++i) s += R"({"a":)";
                                  return s;
                              }()}) {
        const auto error = refused(frame);
        EXPECT_EQ(error.code, Errc::bad_request);
        EXPECT_EQ(error.message, "frame: nested deeper than 32 levels");
    }
    // Balanced deep nesting inside an otherwise valid frame is refused the same way.
    const auto deep = std::string(40, '[') + std::string(40, ']');
    EXPECT_EQ(refused(ping(R"({"data":)" + deep + "}")).message,
              "frame: nested deeper than 32 levels");
    // Within the limit, the body schema decides.
    const auto shallow = std::string(30, '[') + std::string(30, ']');
    EXPECT_EQ(refused(ping(R"({"data":)" + shallow + "}")).message, "body.data: must be a string");
}

TEST(ProtoDecode, BracketsInsideStringsDoNotCountAsNesting) {
    const auto text = std::string(500, '[') + R"(\"{{{)" + std::string(500, '{');
    EXPECT_EQ(
        accepted(ping(R"({"data":")" + text + R"("})")).body["data"].get<std::string>().size(),
        1004U);
}

TEST(ProtoDecode, RefusesDuplicateKeys) {
    auto error = refused(R"({"id":"a","id":"b","type":"system.ping"})");
    EXPECT_EQ(error.message, "frame: duplicate key");
    EXPECT_FALSE(error.id);
    error = refused(ping(R"({"data":"x","data":"y"})"));
    EXPECT_EQ(error.message, "frame: duplicate key");
    // The same key in two different objects is fine.
    accepted(R"({"id":"a","type":"system.hello","body":{"protocol":1}})");
}

TEST(ProtoDecode, ErrorMessagesNeverContainSuppliedValues) {
    const std::string secret = "PATIENT-SECRET-123";
    const auto padded = secret + std::string(1100, 'z');
    const std::vector<std::string> frames = {
        ping(R"({"data":")" + padded + R"("})"),
        ping(R"({"data":")" + secret + R"(","x":")" + secret + R"("})"),
        ping(R"({"data":[")" + secret + R"("]})"),
        ping(R"(")" + secret + R"(")"),
        R"({"id":")" + secret + std::string(60, 'i') + R"(","type":"system.ping"})",
        R"({"id":")" + secret + R"(\u0001","type":"system.ping"})",
        R"({"id":"a","type":")" + secret + R"("})",
        R"({"id":"a","type":"system.hello","body":{"protocol":")" + secret + R"("}})",
        R"({"id":"a","type":"system.hello","body":{"protocol":1,"client":")" + padded + R"("}})",
        R"({"id":"a","type":"system.ping","body":{"data":")" + secret + R"(\xff"}})",
        R"({"id":"a","type":"system.ping","body":{"data":")" + secret + "\xff" + R"("}})",
        R"({"id":"a","type":"system.ping","body":{"data":")" + secret + R"("},"body":{}})",
        R"({"id":"a","type":"system.ping","body":{"data":")" + secret + R"("})",
        R"([")" + secret + R"("])",
        R"({"id":"a","type":"system.ping","body":{"data":")" + secret + R"("}, "x": ")" + secret +
            R"("})",
    };
    for (const auto& frame : frames) {
        const auto error = refused(frame);
        EXPECT_EQ(error.message.find(secret), std::string::npos) << error.message;
        EXPECT_EQ(error.message.find("PATIENT"), std::string::npos) << error.message;
    }
    for (const auto* frame :
         {R"({"id":"a","type":"test.all","body":{"color":"PATIENT-SECRET-123"}})",
          R"({"id":"a","type":"test.all","body":{"tags":["PATIENT-SECRET-123"]}})",
          R"({"id":"a","type":"test.all","body":{"meta":{"level":"PATIENT-SECRET-123"}}})"}) {
        const auto error = refused(keyword_protocol(), frame);
        EXPECT_EQ(error.message.find("PATIENT"), std::string::npos) << error.message;
    }
}

TEST(ProtoDecode, TruncatedFramesAreRefusedNotThrown) {
    const std::string frame =
        R"({"id":"r1","type":"system.hello","body":{"protocol":1,"client":"c\u00e9"}})";
    accepted(frame);
    for (std::size_t n = 0; n < frame.size(); ++n) {
        std::variant<Request, DecodeError> result;
        ASSERT_NO_THROW(result = embedded().decode_request(frame.substr(0, n))) << n;
        EXPECT_TRUE(std::holds_alternative<DecodeError>(result)) << n;
    }
}

TEST(ProtoDecode, BreakGlassBodiesAreCheckedBeforeTheHandler) {
    const std::string id(36, 'a');
    accepted(R"({"id":"b","type":"break_glass.open","body":{"conversation_id":")" + id +
             R"(","reason":"Covering the ward tonight, pager down","totp":"123456"}})");
    // totp may be absent here: the handler refuses and audits a missing code itself.
    accepted(R"({"id":"b","type":"break_glass.open","body":{"conversation_id":")" + id +
             R"(","reason":"Covering the ward tonight, pager down"}})");
    accepted(R"({"id":"b","type":"break_glass.list","body":{"filter":"all","limit":200}})");
    accepted(R"({"id":"b","type":"break_glass.revoke","body":{"grant_id":")" + id + R"("}})");
    const std::string open = R"({"id":"b","type":"break_glass.open","body":{"conversation_id":")" +
                             id + R"(","reason":"Covering the ward tonight, pager down","totp":)";
    const std::vector<std::string> bad{
        open + R"("12345678901234567"}})",
        open + R"(123456}})",
        R"({"id":"b","type":"break_glass.list","body":{"filter":"expired"}})",
        R"({"id":"b","type":"break_glass.list","body":{"limit":0}})",
        R"({"id":"b","type":"break_glass.list","body":{"after":"short"}})",
        R"({"id":"b","type":"break_glass.revoke","body":{}})",
        R"({"id":"b","type":"break_glass.revoke","body":{"grant_id":")" + id + R"(","x":1}})",
    };
    for (const auto& frame : bad) EXPECT_EQ(refused(frame).code, Errc::bad_request) << frame;
}

}  // namespace
}  // namespace wardline::proto::test
