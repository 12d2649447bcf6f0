// SPDX-License-Identifier: Apache-2.0
#pragma once
// ISO 8601 UTC timestamps as the clinical requests and the on-call CSV import write them:
// exactly "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339 §5.6 with the "Z" offset, no fractions), so that a
// schedule never depends on a time zone the server guesses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wardline::server::clinical {

/// Seconds since the Unix epoch, or nullopt unless `text` is a valid time of the form
/// YYYY-MM-DDTHH:MM:SSZ between the years 2000 and 2199.
std::optional<std::int64_t> parse_utc(std::string_view text) noexcept;

/// The inverse of parse_utc.
std::string format_utc(std::int64_t seconds);

}  // namespace wardline::server::clinical
