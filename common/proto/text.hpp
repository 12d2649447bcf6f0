// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text rules shared by the codec: code point counting and safe excerpts for error messages.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wardline::proto {

/// Number of Unicode code points in `text`, or nullopt if it is not valid UTF-8 (RFC 3629 §4:
/// no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequences).
std::optional<std::size_t> utf8_code_points(std::string_view text) noexcept;

/// True if every byte of `text` is printable ASCII (0x20..0x7E).
bool is_printable_ascii(std::string_view text) noexcept;


}  // namespace wardline::proto
