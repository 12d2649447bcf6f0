// SPDX-License-Identifier: Apache-2.0
#include "server/identity/second_factor.hpp"

#include "server/identity/credentials.hpp"
#include "server/identity/identity_sql.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/storage/pg_pool.hpp"

#include <algorithm>
#include <span>

namespace wardline::server::identity {

using storage::PgLease;
using storage::PgParams;

namespace {
constexpr int kFreeFailures = 3;
constexpr std::int64_t kMaxDelaySeconds = 300;
}  // namespace

std::int64_t delay_seconds_after(int failures) {
    if (failures < kFreeFailures) return 0;
    const int exp = std::min(failures - kFreeFailures, 20);
    return std::min<std::int64_t>(std::int64_t{1} << exp, kMaxDelaySeconds);
}

const char* totp_refusal_reason(TotpUse use) noexcept {
    switch (use) {
        case TotpUse::accepted:
            return "accepted";
        case TotpUse::not_enrolled:
            return "mfa_not_enrolled";
        case TotpUse::wrong_code:
            return "wrong_code";
        case TotpUse::replayed_code:
            return "replayed_code";
    }
    return "wrong_code";
}

boost::asio::awaitable<Result<TotpUse>> use_totp_code(PgLease& lease,
                                                      const Credentials& credentials,
                                                      std::string user_id, std::string code,
                                                      std::int64_t unix_seconds) {
    PgParams params{user_id};
    auto reading = lease.query(sql::totp_state(), std::move(params));
    auto state = co_await std::move(reading);
    if (!state) co_return state.error();
    if (state->rows() != 1 || state->is_null(0, 0)) co_return TotpUse::not_enrolled;
    const auto sealed = state->bytea(0, 0);
    const auto secret = credentials.open(
        std::span(reinterpret_cast<const std::uint8_t*>(sealed.data()), sealed.size()),
        ad::totp(user_id));
    if (!secret) co_return Errc::internal;
    // last_used_step 0 here: the UPDATE below is the atomic replay guard.
    const auto step = credentials.totp_check(*secret, code, unix_seconds, 0);
    if (!step) co_return TotpUse::wrong_code;
    PgParams use{user_id};
    use.integer(*step);
    auto using_step = lease.query(sql::totp_use_step(), std::move(use));
    auto used = co_await std::move(using_step);
    if (!used) co_return used.error();
    if (used->rows() != 1) co_return TotpUse::replayed_code;
    co_return TotpUse::accepted;
}

boost::asio::awaitable<Result<FailureCounted>> count_failure(PgLease& lease, std::string user_id,
                                                             int threshold, AuditNote note) {
    PgParams params;
    params.text(user_id).integer(threshold);
    auto counting = lease.query(sql::login_failed(), std::move(params));
    auto counted = co_await std::move(counting);
    if (!counted) co_return counted.error();
    const bool locked = counted->rows() == 1 && counted->boolean(0, 1);
    const std::int64_t failures = counted->rows() == 1 ? counted->int64(0, 0) : 0;
    AuditNote lock_note;
    lock_note.action = "account.locked";
    lock_note.outcome = "success";
    lock_note.org_id = note.org_id;
    lock_note.actor_kind = "system";
    lock_note.target_kind = "user";
    lock_note.target_id = user_id;
    lock_note.source_address = note.source_address;
    lock_note.high_severity = true;
    lock_note.details["failures"] = threshold;
    note.details["failures"] = failures;
    auto writing = write_audit(lease, std::move(note));
    if (auto written = co_await std::move(writing); !written) co_return written.error();
    if (!locked || failures != threshold) co_return FailureCounted::counted;
    auto locking = write_audit(lease, std::move(lock_note));
    if (auto written = co_await std::move(locking); !written) co_return written.error();
    co_return FailureCounted::locked;
}

}  // namespace wardline::server::identity
