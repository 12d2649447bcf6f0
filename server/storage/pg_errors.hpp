// SPDX-License-Identifier: Apache-2.0
#pragma once
// SQLSTATE -> Errc, in one table (DESIGN: one error vocabulary, mapped once at the edge).
#include "common/core/errc.hpp"

#include <string>
#include <string_view>

namespace wardline::server::storage {

/// Maps a SQLSTATE to the error callers see:
/// 23505 unique_violation -> conflict; class 08 (connection exception), 57P01
/// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now -> unavailable;
/// an empty SQLSTATE (the failure happened in libpq: connection lost) -> unavailable;
/// everything else -> internal.
Errc errc_from_sqlstate(std::string_view sqlstate) noexcept;

/// True for 40001 serialization_failure and 40P01 deadlock_detected: the whole
/// transaction may succeed if retried (with_transaction does so a few times).
bool is_retryable_sqlstate(std::string_view sqlstate) noexcept;

/// Returns `text` with every occurrence of `secret` replaced by "***". Used on any libpq
/// text that leaves the storage layer, as a second line of defence (userver DsnCutPassword).
std::string redact(std::string text, std::string_view secret);

}  // namespace wardline::server::storage
