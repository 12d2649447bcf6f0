// SPDX-License-Identifier: Apache-2.0
#pragma once
// The identity services' audit records, written with server/audit in the caller's transaction.
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgLease;
class PgSyncConnection;
}

namespace wardline::server::identity {

struct BoundSession;

/// One audit record as the identity services describe it. Details carry ids, codes and
/// reasons only: never passwords, codes, tokens or patient data.
struct AuditNote {
    std::string action;             ///< e.g. "auth.login"
    std::string outcome;            ///< success | failure | denied
    std::string org_id;             ///< empty for none
    std::string actor_kind;         ///< user | device | session | system | anonymous
    std::string actor_id;
    std::string target_kind;        ///< empty for none
    std::string target_id;
    std::string source_address;
    nlohmann::json details = nlohmann::json::object();
    bool high_severity = false;
};

/// A success record of `action` by a signed-in caller on a target: the caller's organization,
/// the user as actor, the session in the details (ids only, never texts). Services add to it.
AuditNote caller_note(const BoundSession& caller, std::string action, std::string target_kind,
                      std::string target_id, std::string source);

/// Appends the record inside the transaction running on `lease`.
boost::asio::awaitable<Result<void>> write_audit(storage::PgLease& lease, AuditNote note);
/// The same for wardlinectl, inside the transaction open on `conn`. False on failure.
bool write_audit_sync(storage::PgSyncConnection& conn, AuditNote note);

}  // namespace wardline::server::identity
