// SPDX-License-Identifier: Apache-2.0
#pragma once
// What wardlinectl's commands share for talking to the database as its owner: running one
// registry statement, and running work in one transaction. Errors print the statement's name
// and SQLSTATE, never parameters.
#include "server/storage/pg_sync.hpp"

namespace wardline::server::identity {
struct RelayedEvent;
}

#include <functional>
#include <optional>
#include <ostream>
#include <string_view>

namespace wardline::server::ctl {

/// Runs a registry statement; on failure prints its SQLSTATE (never parameters).
std::optional<storage::PgResult> run(storage::PgSyncConnection& conn, std::string_view name,
                                     const storage::PgParams& params, std::ostream& err);

/// BEGIN, `work`, COMMIT; ROLLBACK when `work` returns false or a statement fails.
bool in_transaction(storage::PgSyncConnection& conn, const std::function<bool()>& work,
                    std::ostream& err);

/// NOTIFYs the server processes of `e` on their relay channel (server/identity/relayed_event.hpp),
/// under a node id of its own; delivered when the transaction commits.
bool relay(storage::PgSyncConnection& conn, const identity::RelayedEvent& e, std::ostream& err);

}  // namespace wardline::server::ctl
