// SPDX-License-Identifier: Apache-2.0
#pragma once
// Strict, bounded JSON parsing of untrusted frames.
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wardline::proto {

/// Deepest nesting of arrays and objects a frame may have. The envelope is level 1 and a body
/// level 2; the protocol's bodies need far less. Bounding depth keeps every later recursion
/// (validation, dump, destruction) shallow, whatever the client sends.
inline constexpr std::size_t kMaxJsonDepth = 32;

/// Parses `text` as one JSON value (RFC 8259, UTF-8 only, no comments, no trailing data) into
/// `out`. Refuses nesting deeper than kMaxJsonDepth before parsing, and objects with a duplicate
/// key (parsers disagree on which one wins). Returns nullopt on success, else an error message
/// that carries no content of `text` (not even a key: a client could put patient data there).
/// Never throws on malformed input.
std::optional<std::string> read_json(std::string_view text, nlohmann::json& out);

/// Deepest nesting of '[' and '{' outside strings in `text`, counting stops above `stop_above`.
/// A linear scan without recursion; meaningful for well-formed JSON, harmless on anything else.
std::size_t nesting_depth(std::string_view text, std::size_t stop_above) noexcept;

}  // namespace wardline::proto
