// SPDX-License-Identifier: Apache-2.0
#pragma once
// The strict JSON Schema subset used by proto/wardline.schema.json.
//
// Supported keywords: type (object, string, integer, number, boolean, array, null), properties,
// required, additionalProperties (false only: unknown fields are always refused), minLength and
// maxLength (Unicode code points), minimum and maximum, enum, items, minItems and maxItems,
// description (documentation only). Anything else is refused when the schema is loaded, so a
// schema cannot silently rely on a rule this code does not enforce.
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wardline::proto {

/// Deepest schema nesting check_schema() accepts. It also bounds validate()'s recursion, which
/// follows the schema, never the (untrusted) value.
inline constexpr std::size_t kMaxSchemaDepth = 16;

/// Checks that `schema` stays inside the supported subset: every node has a known "type", uses
/// only keywords that apply to that type, with well-formed arguments (e.g. "required" names only
/// defined properties; "minLength" <= "maxLength"; arrays declare "items"; "enum" values match the
/// type). `where` names the schema in messages. Throws std::runtime_error on the first problem:
/// a broken schema is a start-up failure.
void check_schema(const nlohmann::json& schema, std::string_view where);

/// Validates `value` against a schema that passed check_schema(). Returns nullopt when it
/// matches, else "<path>: <rule>" for the first violation found, `path` being the name of
/// `value` (e.g. "body" gives "body.data: longer than 1024 characters"). Messages never contain
/// values, and field names only when the schema defines them (an unknown key could carry patient
/// data).
std::optional<std::string> validate(const nlohmann::json& schema, const nlohmann::json& value,
                                    std::string_view path);

}  // namespace wardline::proto
