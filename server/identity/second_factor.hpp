// SPDX-License-Identifier: Apache-2.0
#pragma once
// The TOTP check and the failure count shared by the login (auth.mfa_verify) and by the
// actions that ask a signed-in user for their second factor again (break_glass.open), so both
// accept the same codes, share the replay guard and count toward the same lockout
// (docs/security.md, "Second factor" and "Throttling and lockout").
#include "common/core/errc.hpp"
#include "server/identity/audit_bridge.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace wardline::server::storage {
class PgLease;
}

namespace wardline::server::identity {

class Credentials;

/// Per-account delay after repeated failures: 2^(failures - 3) seconds, at most 5 minutes.
std::int64_t delay_seconds_after(int failures);

enum class TotpUse {
    accepted,       ///< the code matched and its time step is now used
    not_enrolled,   ///< the user has no active TOTP secret
    wrong_code,     ///< no step of the window (RFC 6238 §5.2: one either side) matches
    replayed_code,  ///< it matched a step already used (by a login or an earlier re-check)
};

/// The audit reason of a refused TOTP use ("wrong_code", ...).
const char* totp_refusal_reason(TotpUse use) noexcept;

/// Checks `code` against the user's active TOTP secret at `unix_seconds` and, if it matches,
/// records its step with totp_use_step.sql, the atomic replay guard, inside the transaction
/// running on `lease` (a rollback releases the step again).
boost::asio::awaitable<Result<TotpUse>> use_totp_code(storage::PgLease& lease,
                                                      const Credentials& credentials,
                                                      std::string user_id, std::string code,
                                                      std::int64_t unix_seconds);

/// Counts a failed password or second factor of `user_id` (login_failed.sql: the count the
/// per-account delay and the lockout read), then writes `note` with the new count in its
/// details, and an account.locked record when the count reaches `threshold`. Inside the
/// transaction running on `lease`.
enum class FailureCounted {
    counted,  ///< the account stays usable (perhaps after a delay)
    locked,   ///< this failure locked the account
};
boost::asio::awaitable<Result<FailureCounted>> count_failure(storage::PgLease& lease,
                                                             std::string user_id, int threshold,
                                                             AuditNote note);

}  // namespace wardline::server::identity
