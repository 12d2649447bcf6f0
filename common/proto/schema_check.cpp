// SPDX-License-Identifier: Apache-2.0
// check_schema(): refuses schemas outside the supported subset at start-up.
#include "common/proto/schema_types_p.hpp"
#include "common/proto/schema_validator.hpp"

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>

namespace wardline::proto {
namespace {

using detail::Kind;
using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error("protocol schema: " + where + ": " + what);
}

bool is_known_keyword(std::string_view keyword) {
    static constexpr std::array<std::string_view, 13> kKeywords{
        "type",       "properties", "required", "additionalProperties",
        "minLength",  "maxLength",  "minimum",  "maximum",
        "enum",       "items",      "minItems", "maxItems",
        "description"};
    for (const auto known : kKeywords)
        if (known == keyword) return true;
    return false;
}

bool keyword_applies(std::string_view keyword, Kind kind) {
    if (keyword == "properties" || keyword == "required" || keyword == "additionalProperties")
        return kind == Kind::object;
    if (keyword == "minLength" || keyword == "maxLength") return kind == Kind::string;
    if (keyword == "minimum" || keyword == "maximum")
        return kind == Kind::integer || kind == Kind::number;
    if (keyword == "items" || keyword == "minItems" || keyword == "maxItems")
        return kind == Kind::array;
    return true;  // type, enum, description
}

bool is_count(const json& value) {
    return value.is_number_unsigned() ||
           (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

void check_pair(const json& schema, const std::string& where, const char* low, const char* high,
                bool counts) {
    const auto lo = schema.find(low);
    const auto hi = schema.find(high);
    for (const auto& it : {lo, hi}) {
        if (it == schema.end()) continue;
        if (counts ? !is_count(*it) : !it->is_number())
            fail(where,
                 "'" + it.key() + "' must be a " + (counts ? "non-negative integer" : "number"));
    }
    if (lo != schema.end() && hi != schema.end() && *hi < *lo)
        fail(where, std::string("'") + low + "' is greater than '" + high + "'");
}

void check_node(const json& schema, const std::string& where, std::size_t depth);

void check_object_keywords(const json& schema, const std::string& where, std::size_t depth) {
    const auto props = schema.find("properties");
    if (props != schema.end()) {
        if (!props->is_object()) fail(where, "'properties' must be an object");
        for (const auto& [name, sub] : props->items()) {
            if (name.empty() || name.size() > 64 || name.find('.') != std::string::npos)
                fail(where, "property names must be 1 to 64 characters without '.'");
            check_node(sub, where + "." + name, depth + 1);
        }
    }
    if (const auto req = schema.find("required"); req != schema.end()) {
        if (!req->is_array()) fail(where, "'required' must be an array");
        std::set<std::string, std::less<>> seen;
        for (const auto& name : *req) {
            if (!name.is_string()) fail(where, "'required' must list strings");
            const auto& text = name.get_ref<const std::string&>();
            if (props == schema.end() || !props->contains(text))
                fail(where, "'required' names undefined property '" + text + "'");
            if (!seen.insert(text).second) fail(where, "'required' lists '" + text + "' twice");
        }
    }
    if (const auto extra = schema.find("additionalProperties"); extra != schema.end()) {
        // Unknown fields are always refused; a schema saying otherwise would be a lie.
        if (!extra->is_boolean() || extra->get<bool>())
            fail(where, "'additionalProperties' may only be false (unknown fields are refused)");
    }
}

void check_node(const json& schema, const std::string& where, std::size_t depth) {
    if (depth > kMaxSchemaDepth)
        fail(where, "nested deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
    if (!schema.is_object()) fail(where, "a schema must be an object");
    const auto type = schema.find("type");
    if (type == schema.end() || !type->is_string()) fail(where, "'type' (a string) is required");
    const auto info = detail::kind_of(type->get_ref<const std::string&>());
    if (!info) fail(where, "unsupported type '" + type->get<std::string>() + "'");
    for (const auto& item : schema.items()) {
        if (!is_known_keyword(item.key())) fail(where, "unsupported keyword '" + item.key() + "'");
        if (!keyword_applies(item.key(), info->kind))
            fail(where,
                 "keyword '" + item.key() + "' does not apply to type " + std::string(info->name));
    }
    if (const auto d = schema.find("description"); d != schema.end() && !d->is_string())
        fail(where, "'description' must be a string");
    switch (info->kind) {
    case Kind::object:
        check_object_keywords(schema, where, depth);
        break;
    case Kind::string:
        check_pair(schema, where, "minLength", "maxLength", true);
        break;
    case Kind::integer:
    case Kind::number:
        check_pair(schema, where, "minimum", "maximum", false);
        break;
    case Kind::array: {
        const auto items = schema.find("items");
        if (items == schema.end()) fail(where, "an array needs 'items'");
        check_node(*items, where + "[]", depth + 1);
        check_pair(schema, where, "minItems", "maxItems", true);
        break;
    }
    case Kind::boolean:
    case Kind::null:
        break;
    }
    if (const auto values = schema.find("enum"); values != schema.end()) {
        if (!values->is_array() || values->empty()) fail(where, "'enum' must be a non-empty array");
        json plain = schema;
        plain.erase("enum");
        for (const auto& value : *values)
            if (validate(plain, value, "enum"))
                fail(where, "an 'enum' value does not match the schema");
    }
}

}  // namespace

void check_schema(const json& schema, std::string_view where) {
    check_node(schema, std::string(where), 0);
}

}  // namespace wardline::proto
