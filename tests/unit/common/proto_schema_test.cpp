// SPDX-License-Identifier: Apache-2.0
// Protocol::load(): the committed schema's content, and refusal of schemas outside the subset.
#include "proto_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace wardline::proto::test {
namespace {

using nlohmann::json;

TEST(ProtoSchema, EveryErrcHasASchemaCodeAndViceVersa) {
    std::set<std::string> from_enum;
    // Errc::device_revoked is the last enumerator (new codes go after it: move this bound along).
    for (int e = static_cast<int>(Errc::bad_request); e <= static_cast<int>(Errc::device_revoked); ++e) {
        const auto code = std::string(to_code(static_cast<Errc>(e)));
        EXPECT_TRUE(from_enum.insert(code).second) << "two Errc values map to " << code;
        EXPECT_EQ(errc_from_code(code), static_cast<Errc>(e)) << code;
    }
    const auto codes = embedded().error_codes();
    const std::set<std::string> from_schema(codes.begin(), codes.end());
    EXPECT_EQ(from_schema.size(), codes.size()) << "duplicate code in the schema";
    EXPECT_EQ(from_enum, from_schema);
}

TEST(ProtoSchema, ExposesVersionLimitsAndSpecs) {
    const auto& p = embedded();
    EXPECT_EQ(p.version(), 1);
    EXPECT_EQ(p.limit_default("max_frame_bytes"), 65536);
    EXPECT_EQ(p.limit_default("max_in_flight"), 32);
    EXPECT_EQ(p.limit_default("no_such_limit"), std::nullopt);
    const auto types = p.request_types();
    EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
    for (const char* t : {"system.hello", "system.ping", "system.status", "auth.login", "users.list"})
        EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
    // Contains rather than equals, so a new event does not need this test changed.
    const auto events = p.event_types();
    EXPECT_TRUE(std::is_sorted(events.begin(), events.end()));
    for (const char* e : {"auth.session_ended", "key_packages.low", "system.welcome"})
        EXPECT_NE(std::find(events.begin(), events.end(), e), events.end()) << e;
    ASSERT_NE(p.request("system.status"), nullptr);
    EXPECT_TRUE(p.request("system.status")->needs_database);
    EXPECT_EQ(p.request("system.status")->auth, "none");
    EXPECT_FALSE(p.request("system.ping")->needs_database);
    EXPECT_EQ(p.request("system.pin"), nullptr);
    EXPECT_EQ(p.event("system.hello"), nullptr);
    EXPECT_EQ(p.document().at("protocol"), "wardline");
}

TEST(ProtoSchema, CopiesShareTheDocument) {
    const Protocol copy = embedded();
    EXPECT_EQ(copy.request("system.ping"), embedded().request("system.ping"));
}

TEST(ProtoSchema, ChecksResponsesAgainstTheSchema) {
    const auto& p = embedded();
    const json limits = {
        {"max_frame_bytes", 65536}, {"max_in_flight", 32}, {"requests_per_second", 50}};
    json hello = {{"protocol", 1}, {"server", "wardline/0.1"}, {"limits", limits}};
    EXPECT_EQ(p.check_response("system.hello", hello), std::nullopt);
    hello["limits"].erase("max_in_flight");
    EXPECT_EQ(p.check_response("system.hello", hello),
              "body.limits.max_in_flight: required field is missing");
    hello["limits"]["max_in_flight"] = "32";
    EXPECT_EQ(p.check_response("system.hello", hello),
              "body.limits.max_in_flight: must be an integer");
    EXPECT_EQ(p.check_response("system.ping", json{{"server_time_ms", 1}, {"extra", 1}}),
              "body: unknown field (not in the schema)");
    EXPECT_EQ(p.check_response("system.ping", json{{"server_time_ms", 1}, {"data", "d"}}),
              std::nullopt);
    json status = {{"database", "ok"}, {"schema_version", 3}, {"expected_schema_version", 3}};
    EXPECT_EQ(p.check_response("system.status", status), std::nullopt);
    status["database"] = "degraded";
    EXPECT_EQ(p.check_response("system.status", status), R"(body.database: must be one of ["ok"])");
    EXPECT_EQ(p.check_response("system.nope", json::object()), "unknown request type");
}

TEST(ProtoSchema, ChecksEventsAgainstTheSchema) {
    const auto& p = embedded();
    json welcome = {{"protocol", 1}, {"server", "wardline/0.1"}, {"connection_id", "c-1"}};
    EXPECT_EQ(p.check_event("system.welcome", welcome), std::nullopt);
    welcome.erase("connection_id");
    EXPECT_EQ(p.check_event("system.welcome", welcome),
              "body.connection_id: required field is missing");
    EXPECT_EQ(p.check_event("system.welcome", json::array()), "body: must be an object");
    EXPECT_EQ(p.check_event("system.goodbye", json::object()), "unknown event");
    EXPECT_EQ(keyword_protocol().check_event("test.event", json{{"n", 1.5}}),
              "body.n: must be an integer");
}

/// A valid minimal document; tests break one thing in it at a time.
json minimal() {
    return json::parse(R"({
      "protocol": "t", "version": 1, "limits": {}, "errors": [], "events": {},
      "requests": {"t.r": {"summary": "s", "auth": "none", "database": false,
        "body": {"type": "object", "properties": {"f": {"type": "string"}}},
        "response": {"type": "object"}}}
    })");
}

/// Loads `doc`, expecting a refusal whose message contains `expected`.
void expect_refused(const json& doc, std::string_view expected) {
    try {
        Protocol::load(doc.dump());
        ADD_FAILURE() << "loaded: " << doc.dump();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string_view(e.what()).find(expected), std::string_view::npos) << e.what();
    }
}

TEST(ProtoSchema, LoadsTheMinimalDocument) {
    EXPECT_EQ(Protocol::load(minimal().dump()).request_types(), std::vector<std::string>{"t.r"});
}

TEST(ProtoSchema, RefusesUnsupportedKeywords) {
    for (const auto* keyword : {"pattern", "format", "oneOf", "$ref", "default", "const"}) {
        auto doc = minimal();
        doc["requests"]["t.r"]["body"]["properties"]["f"][keyword] = "x";
        expect_refused(doc, std::string("unsupported keyword '") + keyword + "'");
    }
}

TEST(ProtoSchema, RefusesKeywordsOnTheWrongType) {
    auto doc = minimal();
    doc["requests"]["t.r"]["body"]["properties"]["g"] = {{"type", "integer"}, {"maxLength", 3}};
    expect_refused(doc, "keyword 'maxLength' does not apply to type integer");
}

TEST(ProtoSchema, RefusesMalformedRules) {
    const auto with_field = [](json field) {
        auto doc = minimal();
        doc["requests"]["t.r"]["body"]["properties"]["f"] = std::move(field);
        return doc;
    };
    expect_refused(with_field({{"type", "date"}}), "unsupported type 'date'");
    expect_refused(with_field({{"description", "no type"}}), "'type' (a string) is required");
    expect_refused(with_field({{"type", "string"}, {"minLength", -1}}), "non-negative integer");
    expect_refused(with_field({{"type", "string"}, {"minLength", 5}, {"maxLength", 4}}),
                   "'minLength' is greater than 'maxLength'");
    expect_refused(with_field({{"type", "integer"}, {"minimum", "0"}}), "'minimum' must be");
    expect_refused(with_field({{"type", "array"}}), "an array needs 'items'");
    expect_refused(with_field({{"type", "string"}, {"enum", json::array({"a", 1})}}),
                   "an 'enum' value does not match");
    expect_refused(with_field({{"type", "string"}, {"enum", json::array()}}),
                   "'enum' must be a non-empty array");
    expect_refused(with_field({{"type", "object"}, {"additionalProperties", true}}),
                   "'additionalProperties' may only be false");
    expect_refused(with_field({{"type", "object"}, {"required", json::array({"x"})}}),
                   "'required' names undefined property 'x'");
}

TEST(ProtoSchema, RefusesBrokenDocuments) {
    expect_refused(json("not an object"), "document: must be an object");
    try {
        Protocol::load("{\"protocol\":");
        ADD_FAILURE() << "loaded broken JSON";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("protocol schema"), std::string::npos);
    }
    auto doc = minimal();
    doc.erase("requests");
    expect_refused(doc, "'requests' is required");
    doc = minimal();
    doc["surprise"] = 1;
    expect_refused(doc, "unknown key 'surprise'");
    doc = minimal();
    doc["requests"]["t.r"]["body"] = {{"type", "array"}, {"items", {{"type", "string"}}}};
    expect_refused(doc, "must have type object");
    doc = minimal();
    doc["requests"]["t.r"]["rights"] = "admin";
    expect_refused(doc, "unknown key 'rights'");
    doc = minimal();
    doc["requests"]["t.r"]["database"] = "no";
    expect_refused(doc, "'database' must be a boolean");
    doc = minimal();
    doc["version"] = 0;
    expect_refused(doc, "version: must be a positive integer");
    doc = minimal();
    doc["errors"] =
        json::array({{{"code", "a"}, {"description", "d"}}, {{"code", "a"}, {"description", "d"}}});
    expect_refused(doc, "code 'a' is listed twice");
}

TEST(ProtoSchema, RefusesSchemasNestedTooDeep) {
    json node = {{"type", "string"}};
    for (int i = 0; i < 20; ++i) node = {{"type", "object"}, {"properties", {{"n", node}}}};
    auto doc = minimal();
    doc["requests"]["t.r"]["body"] = node;
    expect_refused(doc, "nested deeper than");
}

}  // namespace
}  // namespace wardline::proto::test
