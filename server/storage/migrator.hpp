// SPDX-License-Identifier: Apache-2.0
#pragma once
// Applies numbered, checksummed migrations (`wardlinectl migrate`). Runs as the database's
// owner role over a blocking connection.
#include "server/storage/migration_files.hpp"
#include "server/storage/pg_sync.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace wardline::server::storage {

/// One row of `wardlinectl migrate --status`.
struct MigrationStatus {
    enum class State {
        applied,  ///< recorded in schema_migrations
        pending,  ///< known to this binary, not applied yet
        unknown,  ///< recorded in the database but not known to this binary (newer binary)
    };
    int version = 0;
    std::string name;
    State state = State::pending;
    bool checksum_ok = true;  ///< false if applied with different file contents
};

/// Applies and inspects migrations. Every migration runs in its own transaction holding
/// pg_advisory_xact_lock, so concurrent migrators (two nodes starting at once) serialize and
/// each migration is applied exactly once.
class Migrator {
public:
    /// `conn` must stay valid while the Migrator is used.
    Migrator(PgSyncConnection& conn, std::vector<MigrationFile> migrations);

    /// The state of every known and every recorded migration, by version. Read-only.
    std::vector<MigrationStatus> status();

    /// Creates schema_migrations if needed, then applies the pending migrations in order.
    /// Returns how many were applied; writes one line per applied migration to `progress`
    /// when given. Throws MigrationError (naming the file or version) and applies nothing
    /// more if an applied migration's checksum differs from its file, if the database
    /// records a version this binary does not know, if a pending migration is older than
    /// an applied one, or if a migration fails (its transaction is rolled back).
    int migrate(std::ostream* progress = nullptr);

private:
    PgSyncConnection& conn_;
    std::vector<MigrationFile> migrations_;
};

/// Renders status() as the table `wardlinectl migrate --status` prints.
std::string format_status(const std::vector<MigrationStatus>& rows);

/// True if status() found nothing wrong (no CHANGED checksum, no unknown version).
bool status_consistent(const std::vector<MigrationStatus>& rows);

}  // namespace wardline::server::storage
