// SPDX-License-Identifier: Apache-2.0
#pragma once
// The retention job (issue #7; docs/architecture.md "Retention job", docs/admin-guide.md
// "Retention and legal holds"). run_retention() deletes the messages older than the policy that
// applies to their conversation (migrations/0015, retention_effective), never one a legal hold
// covers (message_held), with the acknowledgements and escalations that reference them. It
// works in batches of `batch_size` messages, one transaction each, pausing between batches so
// live traffic keeps its share of the database, and holds a session-scoped advisory lock for
// the whole run, so one process of a cluster (or wardlinectl) runs it at a time. Each run is a
// retention_runs row and one audit record per organization with a policy that has a duration,
// with the counts per conversation. RetentionJob runs it every retention.interval_seconds
// with the wall clock, then tells the members' devices with messages.expired.
#include "server/identity/audit_bridge.hpp"
#include "server/storage/pg_pool.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::retention {

struct RunOptions {
    std::int64_t as_of_ms = 0;            ///< the clock: a message expires when older than this
    int batch_size = 500;                 ///< messages per transaction
    std::chrono::milliseconds pause{50};  ///< between two batches
    bool dry_run = false;                 ///< count what would go, delete nothing
    std::string runner;                   ///< node id or "wardlinectl", for retention_runs
};

/// What went from one conversation (or would, in a dry run).
struct ExpiredConversation {
    std::string conversation_id;
    std::string org_id;
    std::int64_t count = 0;
    std::int64_t up_to_seq = 0;  ///< the highest seq deleted
};

enum class RunStatus {
    ran,
    busy,  ///< another process holds the job's lock: nothing was done
};

struct RunReport {
    RunStatus status = RunStatus::ran;
    std::int64_t run_id = 0;
    std::int64_t total = 0;
    int batches = 0;
    std::vector<ExpiredConversation> conversations;  ///< sorted by conversation id
};

/// One run. Errors are database errors; a run that fails half-way keeps the batches it
/// committed (each a consistent deletion) and the next run goes on.
boost::asio::awaitable<Result<RunReport>> run_retention(storage::PgPool& pool, RunOptions options);

/// Pushes messages.expired {conversation_id, up_to_seq, count} to every member of each
/// conversation of the report, on every process (SessionRegistry relays).
boost::asio::awaitable<void> announce_expired(storage::PgPool& pool,
                                              identity::SessionRegistry& sessions,
                                              RunReport report);

/// The run's audit records: one per organization of `orgs` (those with a policy that has a
/// duration) or of the report, with its counts per conversation. wardlinectl writes the same.
std::vector<identity::AuditNote> run_audit_notes(const RunOptions& options, const RunReport& report,
                                                 std::set<std::string> orgs);

/// The body of messages.expired for one conversation.
nlohmann::json expired_event_body(const ExpiredConversation& c);

class RetentionJob {
public:
    RetentionJob(boost::asio::any_io_executor executor, storage::PgPool& pool,
                 identity::SessionRegistry& sessions, std::string node,
                 std::chrono::seconds interval, int batch_size);

    /// Starts the loop on the executor; it ends when the executor's io_context stops.
    void start();

private:
    boost::asio::awaitable<void> run();

    boost::asio::any_io_executor executor_;
    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    std::string node_;
    std::chrono::seconds interval_;
    int batch_size_;
};

}  // namespace wardline::server::retention
