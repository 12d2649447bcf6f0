// SPDX-License-Identifier: Apache-2.0
// The schema subset: every keyword's rule and message, on a protocol that uses all of them.
#include "common/proto/schema_validator.hpp"
#include "common/proto/text.hpp"
#include "proto_test_support.hpp"

#include <nlohmann/json.hpp>

namespace wardline::proto::test {
namespace {

using nlohmann::json;

std::string all(std::string_view body) {
    return R"({"id":"k","type":"test.all","body":)" + std::string(body) + "}";
}

std::string message_for(std::string_view body) {
    return refused(keyword_protocol(), all(body)).message;
}

TEST(ProtoValidator, AcceptsABodyUsingEveryKeyword) {
    const auto request = accepted(
        keyword_protocol(),
        all(R"({"color":"red","tags":["ab","abcd"],"ratio":2.5,"big":-9223372036854775808,)"
            R"("flag":false,"nothing":null,"meta":{"level":9}})"));
    EXPECT_EQ(request.body["tags"].size(), 2U);
    accepted(keyword_protocol(), all(R"({"big":18446744073709551614,"ratio":-1})"));
}

TEST(ProtoValidator, EnforcesEnum) {
    accepted(keyword_protocol(), all(R"({"color":"green"})"));
    EXPECT_EQ(message_for(R"({"color":"blue"})"), R"(body.color: must be one of ["red","green"])");
    EXPECT_EQ(message_for(R"({"color":"Red"})"), R"(body.color: must be one of ["red","green"])");
    EXPECT_EQ(message_for(R"({"color":1})"), "body.color: must be a string");
}

TEST(ProtoValidator, EnforcesArrayItemsAndCounts) {
    EXPECT_EQ(message_for(R"({"tags":[]})"), "body.tags: fewer than 1 item");
    EXPECT_EQ(message_for(R"({"tags":["ab","ab","ab","ab"]})"), "body.tags: more than 3 items");
    EXPECT_EQ(message_for(R"({"tags":["ab",7]})"), "body.tags[1]: must be a string");
    EXPECT_EQ(message_for(R"({"tags":["ab","a"]})"), "body.tags[1]: shorter than 2 characters");
    EXPECT_EQ(message_for(R"({"tags":["abcde"]})"), "body.tags[0]: longer than 4 characters");
    EXPECT_EQ(message_for(R"({"tags":{"0":"ab"}})"), "body.tags: must be an array");
}

TEST(ProtoValidator, EnforcesNumbers) {
    accepted(keyword_protocol(), all(R"({"ratio":0})"));
    EXPECT_EQ(message_for(R"({"ratio":2.51})"), "body.ratio: above the maximum 2.5");
    EXPECT_EQ(message_for(R"({"ratio":-2})"), "body.ratio: below the minimum -1.5");
    EXPECT_EQ(message_for(R"({"ratio":"1"})"), "body.ratio: must be a number");
    EXPECT_EQ(message_for(R"({"big":18446744073709551615})"),
              "body.big: above the maximum 18446744073709551614");
    EXPECT_EQ(message_for(R"({"big":1.0})"), "body.big: must be an integer");
}

TEST(ProtoValidator, EnforcesBooleanAndNull) {
    EXPECT_EQ(message_for(R"({"flag":0})"), "body.flag: must be a boolean");
    EXPECT_EQ(message_for(R"({"flag":"true"})"), "body.flag: must be a boolean");
    EXPECT_EQ(message_for(R"({"nothing":0})"), "body.nothing: must be null");
}

TEST(ProtoValidator, NamesNestedPaths) {
    EXPECT_EQ(message_for(R"({"meta":{}})"), "body.meta.level: required field is missing");
    EXPECT_EQ(message_for(R"({"meta":{"level":10}})"), "body.meta.level: above the maximum 9");
    EXPECT_EQ(message_for(R"({"meta":{"level":1,"x":2}})"), "body.meta: unknown field (not in the schema)");
    EXPECT_EQ(message_for(R"({"meta":[]})"), "body.meta: must be an object");
}

TEST(ProtoValidator, RefusesInvalidUtf8InServerBuiltValues) {
    // Parsed frames never hold invalid UTF-8; values the server builds itself might.
    const json schema = {{"type", "object"},
                         {"properties", {{"s", {{"type", "string"}, {"maxLength", 5}}}}}};
    EXPECT_EQ(validate(schema, json{{"s", "ok"}}, "body"), std::nullopt);
    EXPECT_EQ(validate(schema, json{{"s", "\xc3"}}, "body"), "body.s: not valid UTF-8");
}

TEST(ProtoValidator, RefusesNonFiniteNumbers) {
    const json schema = {{"type", "number"}};
    EXPECT_EQ(validate(schema, json(1.25), "n"), std::nullopt);
    EXPECT_EQ(validate(schema, json(std::numeric_limits<double>::infinity()), "n"),
              "n: must be a number");
    EXPECT_EQ(validate(schema, json(std::nan("")), "n"), "n: must be a number");
}

TEST(ProtoText, CountsCodePoints) {
    EXPECT_EQ(utf8_code_points(""), 0U);
    EXPECT_EQ(utf8_code_points("abc"), 3U);
    EXPECT_EQ(utf8_code_points("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 3U);
    EXPECT_EQ(utf8_code_points("\xf4\x8f\xbf\xbf"), 1U);  // U+10FFFF
    for (const auto* bad : {"\x80", "\xc3", "\xc1\xbf", "\xe0\x80\x80", "\xed\xbf\xbf",
                            "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xc3\x28"})
        EXPECT_EQ(utf8_code_points(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace wardline::proto::test
