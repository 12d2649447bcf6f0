// SPDX-License-Identifier: Apache-2.0
#pragma once
// with_transaction(): BEGIN, the caller's work, COMMIT; ROLLBACK on any error; the whole
// transaction is retried on serialization failures and deadlocks.
#include "server/storage/pg_errors.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstring>
#include <string>
#include <type_traits>

namespace wardline::server::storage {

/// Runs `fn(lease)` (returning `awaitable<Result<T>>`) inside a transaction on `lease`.
/// Commits when fn succeeds and rolls back when it fails. On SQLSTATE 40001 or 40P01 (from
/// fn or from COMMIT) the transaction is rolled back and fn runs again, up to
/// `max_attempts` times in all; fn must therefore be safe to re-run. If the transaction was
/// already aborted when fn returned success (an ignored error), COMMIT turns into ROLLBACK
/// and this returns Errc::internal. A connection whose ROLLBACK fails is marked broken.
///
/// `lease` is taken by reference, unlike our other coroutine parameters, because a lease is
/// move-only and the caller keeps using it: co_await the result at once.
template <class Fn>
auto with_transaction(PgLease& lease, Fn fn, int max_attempts = 3)
    -> boost::asio::awaitable<typename std::invoke_result_t<Fn&, PgLease&>::value_type> {
    using R = typename std::invoke_result_t<Fn&, PgLease&>::value_type;
    for (int attempt = 1;; ++attempt) {
        if (auto begun = co_await lease.query(sql::tx_begin()); !begun) co_return begun.error();
        R result = co_await fn(lease);
        std::string sqlstate;
        if (result) {
            auto committed = co_await lease.query(sql::tx_commit());
            if (committed) {
                if (std::strcmp(PQcmdStatus(committed->get()), "ROLLBACK") == 0)
                    co_return Errc::internal;
                co_return result;
            }
            sqlstate = lease->last_sqlstate();
            if (!is_retryable_sqlstate(sqlstate) || attempt >= max_attempts)
                co_return committed.error();
            // A failed COMMIT already ended the transaction: go round again.
            continue;
        }
        sqlstate = lease->last_sqlstate();
        if (!lease->broken()) {
            if (auto rolled_back = co_await lease.query(sql::tx_rollback()); !rolled_back)
                lease->mark_broken();
        }
        if (!is_retryable_sqlstate(sqlstate) || attempt >= max_attempts || lease->broken())
            co_return result;
    }
}

}  // namespace wardline::server::storage
