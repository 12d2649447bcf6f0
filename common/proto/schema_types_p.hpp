// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to the schema checker and validator: the value types of the schema subset.
#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string_view>

namespace wardline::proto::detail {

enum class Kind { object, string, integer, number, boolean, array, null };

struct KindInfo {
    Kind kind;
    std::string_view name;     ///< as written in "type"
    std::string_view article;  ///< as used in "must be ..." messages
};

inline constexpr std::array<KindInfo, 7> kKinds{{
    {Kind::object, "object", "an object"},
    {Kind::string, "string", "a string"},
    {Kind::integer, "integer", "an integer"},
    {Kind::number, "number", "a number"},
    {Kind::boolean, "boolean", "a boolean"},
    {Kind::array, "array", "an array"},
    {Kind::null, "null", "null"},
}};

inline std::optional<KindInfo> kind_of(std::string_view name) noexcept {
    for (const auto& info : kKinds)
        if (info.name == name) return info;
    return std::nullopt;
}

/// The kind a checked schema node declares. Only for nodes that passed check_schema().
inline KindInfo declared_kind(const nlohmann::json& schema) {
    return *kind_of(schema.at("type").get_ref<const std::string&>());
}

}  // namespace wardline::proto::detail
