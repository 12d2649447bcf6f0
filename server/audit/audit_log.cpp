// SPDX-License-Identifier: Apache-2.0
#include "server/audit/audit_log.hpp"

#include "server/storage/pg_pool.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace wardline::server::audit {
namespace {

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Links `r` to the last record (seq, hash of the result of audit_last) and returns the
/// parameters of audit_insert.
storage::PgParams link(AuditRecord& r, const storage::PgResult& last) {
    Hash prev = kGenesis;
    r.seq = 1;
    if (last.rows() == 1) {
        r.seq = last.int64(0, 0) + 1;
        const auto h = last.bytea(0, 1);
        std::memcpy(prev.data(), h.data(), std::min(h.size(), prev.size()));
    }
    if (r.recorded_at_us == 0) r.recorded_at_us = now_us();
    if (r.details.empty()) r.details = "{}";
    const Hash hash = chain_hash(prev, r);
    storage::PgParams p;
    p.integer(r.seq).integer(r.recorded_at_us);
    if (r.org_id.empty())
        p.null();
    else
        p.text(r.org_id);
    p.text(r.actor_kind).text(r.actor_id).text(r.action).text(r.target_kind).text(r.target_id)
        .text(r.outcome).text(r.severity).text(r.source_address).text(r.details)
        .binary(std::as_bytes(std::span(prev))).binary(std::as_bytes(std::span(hash)));
    return p;
}

}  // namespace

boost::asio::awaitable<Result<std::int64_t>> append(storage::PgLease& lease, AuditRecord r) {
    auto locking = lease.query(storage::statement("audit_lock"));
    if (auto locked = co_await std::move(locking); !locked) co_return locked.error();
    auto reading = lease.query(storage::statement("audit_last"));
    auto last = co_await std::move(reading);
    if (!last) co_return last.error();
    auto params = link(r, *last);
    auto inserting = lease.query(storage::statement("audit_insert"), std::move(params));
    if (auto inserted = co_await std::move(inserting); !inserted) co_return inserted.error();
    co_return r.seq;
}

std::int64_t append_sync(storage::PgSyncConnection& conn, AuditRecord r) {
    conn.exec(storage::statement("audit_lock").sql);
    const auto last = conn.exec(storage::statement("audit_last").sql);
    const auto params = link(r, last);
    conn.exec_params(storage::statement("audit_insert").sql, params);
    return r.seq;
}

}  // namespace wardline::server::audit
