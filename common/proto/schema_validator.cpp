// SPDX-License-Identifier: Apache-2.0
// validate(): checks an untrusted value against a checked schema. Messages carry paths and rules,
// never values (values may be patient data).
#include "common/proto/schema_validator.hpp"

#include "common/proto/schema_types_p.hpp"
#include "common/proto/text.hpp"

#include <cmath>
#include <cstdint>

namespace wardline::proto {
namespace {

using detail::Kind;
using nlohmann::json;
using Error = std::optional<std::string>;

Error at(const std::string& path, std::string_view rule) { return path + ": " + std::string(rule); }

bool matches(Kind kind, const json& value) {
    switch (kind) {
    case Kind::object:
        return value.is_object();
    case Kind::string:
        return value.is_string();
    case Kind::integer:
        return value.is_number_integer();  // 1.0 and 1e0 are floats on the wire: refused
    case Kind::number:
        return value.is_number() &&
               (!value.is_number_float() || std::isfinite(value.get<double>()));
    case Kind::boolean:
        return value.is_boolean();
    case Kind::array:
        return value.is_array();
    case Kind::null:
        return value.is_null();
    }
    return false;
}

/// Three-way comparison of two JSON numbers without losing 64-bit integer precision.
int compare_numbers(const json& a, const json& b) {
    if (a.is_number_float() || b.is_number_float()) {
        const auto x = a.get<double>();
        const auto y = b.get<double>();
        return x < y ? -1 : (y < x ? 1 : 0);
    }
    const auto negative = [](const json& n) {
        return !n.is_number_unsigned() && n.get<std::int64_t>() < 0;
    };
    if (negative(a) != negative(b)) return negative(a) ? -1 : 1;
    if (negative(a)) {
        const auto x = a.get<std::int64_t>();
        const auto y = b.get<std::int64_t>();
        return x < y ? -1 : (y < x ? 1 : 0);
    }
    const auto x = a.get<std::uint64_t>();
    const auto y = b.get<std::uint64_t>();
    return x < y ? -1 : (y < x ? 1 : 0);
}

std::string plural(std::uint64_t n, std::string_view noun) {
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

Error validate_node(const json& schema, const json& value, std::string& path);

Error validate_object(const json& schema, const json& value, std::string& path) {
    const auto props = schema.find("properties");
    const bool has_props = props != schema.end();
    for (const auto& item : value.items()) {
        if (!has_props || !props->contains(item.key()))
            return at(path, "unknown field (not in the schema)");
    }
    if (const auto req = schema.find("required"); req != schema.end()) {
        for (const auto& name : *req) {
            const auto& text = name.get_ref<const std::string&>();
            if (!value.contains(text)) return at(path + "." + text, "required field is missing");
        }
    }
    if (!has_props) return std::nullopt;
    for (const auto& [name, sub] : props->items()) {
        const auto field = value.find(name);
        if (field == value.end()) continue;
        const auto size = path.size();
        path += '.';
        path += name;
        if (auto error = validate_node(sub, *field, path)) return error;
        path.resize(size);
    }
    return std::nullopt;
}

Error validate_string(const json& schema, const json& value, const std::string& path) {
    const auto length = utf8_code_points(value.get_ref<const std::string&>());
    if (!length) return at(path, "not valid UTF-8");
    if (const auto lo = schema.find("minLength"); lo != schema.end()) {
        if (*length < lo->get<std::uint64_t>())
            return at(path, "shorter than " + plural(lo->get<std::uint64_t>(), "character"));
    }
    if (const auto hi = schema.find("maxLength"); hi != schema.end()) {
        if (*length > hi->get<std::uint64_t>())
            return at(path, "longer than " + plural(hi->get<std::uint64_t>(), "character"));
    }
    return std::nullopt;
}

Error validate_number(const json& schema, const json& value, const std::string& path) {
    if (const auto lo = schema.find("minimum"); lo != schema.end()) {
        if (compare_numbers(value, *lo) < 0) return at(path, "below the minimum " + lo->dump());
    }
    if (const auto hi = schema.find("maximum"); hi != schema.end()) {
        if (compare_numbers(value, *hi) > 0) return at(path, "above the maximum " + hi->dump());
    }
    return std::nullopt;
}

Error validate_array(const json& schema, const json& value, std::string& path) {
    if (const auto lo = schema.find("minItems"); lo != schema.end()) {
        if (value.size() < lo->get<std::uint64_t>())
            return at(path, "fewer than " + plural(lo->get<std::uint64_t>(), "item"));
    }
    if (const auto hi = schema.find("maxItems"); hi != schema.end()) {
        if (value.size() > hi->get<std::uint64_t>())
            return at(path, "more than " + plural(hi->get<std::uint64_t>(), "item"));
    }
    const auto& items = schema.at("items");
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto size = path.size();
        path += '[' + std::to_string(i) + ']';
        if (auto error = validate_node(items, value[i], path)) return error;
        path.resize(size);
    }
    return std::nullopt;
}

Error validate_node(const json& schema, const json& value, std::string& path) {
    const auto info = detail::declared_kind(schema);
    if (!matches(info.kind, value)) return at(path, "must be " + std::string(info.article));
    if (const auto values = schema.find("enum"); values != schema.end()) {
        bool found = false;
        for (const auto& allowed : *values) found = found || allowed == value;
        // The allowed values come from the schema, so naming them is safe.
        if (!found) return at(path, "must be one of " + values->dump());
    }
    switch (info.kind) {
    case Kind::object:
        return validate_object(schema, value, path);
    case Kind::string:
        return validate_string(schema, value, path);
    case Kind::integer:
    case Kind::number:
        return validate_number(schema, value, path);
    case Kind::array:
        return validate_array(schema, value, path);
    case Kind::boolean:
    case Kind::null:
        break;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> validate(const json& schema, const json& value, std::string_view path) {
    std::string current(path);
    return validate_node(schema, value, current);
}

}  // namespace wardline::proto
