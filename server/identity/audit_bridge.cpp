// SPDX-License-Identifier: Apache-2.0
#include "server/identity/audit_bridge.hpp"

#include "server/audit/audit_log.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/storage/pg_sync.hpp"

namespace wardline::server::identity {
namespace {

audit::AuditRecord to_record(AuditNote n) {
    audit::AuditRecord r;
    r.org_id = std::move(n.org_id);
    r.actor_kind = std::move(n.actor_kind);
    r.actor_id = std::move(n.actor_id);
    r.action = std::move(n.action);
    r.target_kind = std::move(n.target_kind);
    r.target_id = std::move(n.target_id);
    r.outcome = std::move(n.outcome);
    r.severity = n.high_severity ? "high" : "info";
    r.source_address = std::move(n.source_address);
    r.details = n.details.dump();
    return r;
}

}  // namespace

AuditNote caller_note(const BoundSession& caller, std::string action, std::string target_kind,
                      std::string target_id, std::string source) {
    AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = caller.org_id;
    n.actor_kind = "user";
    n.actor_id = caller.user_id;
    n.target_kind = std::move(target_kind);
    n.target_id = std::move(target_id);
    n.source_address = std::move(source);
    n.details["session_id"] = caller.session_id;
    return n;
}

boost::asio::awaitable<Result<void>> write_audit(storage::PgLease& lease, AuditNote note) {
    auto appending = audit::append(lease, to_record(std::move(note)));
    auto appended = co_await std::move(appending);
    if (!appended) co_return appended.error();
    co_return Result<void>{};
}

bool write_audit_sync(storage::PgSyncConnection& conn, AuditNote note) {
    try {
        audit::append_sync(conn, to_record(std::move(note)));
        return true;
    } catch (const storage::PgSyncError&) {
        return false;
    }
}

}  // namespace wardline::server::identity
