// SPDX-License-Identifier: Apache-2.0
#pragma once
// Appends audit records inside the caller's transaction, so a change and its record commit or
// roll back together (issue #3). The chain's advisory lock serializes appends across server
// processes; it is held until the caller's transaction ends.
#include "common/core/errc.hpp"
#include "server/audit/audit_record.hpp"

#include <boost/asio/awaitable.hpp>

namespace wardline::server::storage {
class PgLease;
class PgSyncConnection;
}

namespace wardline::server::audit {

/// Fills in seq, prev and hash and inserts `r` (recorded_at_us is set to now if 0). Must run
/// inside a transaction on `lease`. Returns the sequence number.
boost::asio::awaitable<Result<std::int64_t>> append(storage::PgLease& lease, AuditRecord r);
/// The same on a synchronous connection inside an open transaction (wardlinectl). Throws
/// storage::PgSyncError on database errors.
std::int64_t append_sync(storage::PgSyncConnection& conn, AuditRecord r);

}  // namespace wardline::server::audit
