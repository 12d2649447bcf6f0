// SPDX-License-Identifier: Apache-2.0
#include "server/storage/migrator.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <sstream>

namespace wardline::server::storage {
namespace {

// pg_advisory_xact_lock key shared by every Wardline migrator ("WLMIGRAT").
constexpr const char* kLockKey = "6293028143958638932";

constexpr const char* kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

struct Applied {
    std::string name;
    std::string checksum;
};

std::map<int, Applied> read_applied(PgSyncConnection& conn) {
    std::map<int, Applied> out;
    if (!conn.exec("SELECT to_regclass('schema_migrations') IS NOT NULL").boolean(0, 0))
        return out;
    auto r = conn.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
    for (int i = 0; i < r.rows(); ++i)
        out.emplace(static_cast<int>(r.int64(i, 0)), Applied{std::string(r.text_or_throw(i, 1)),
                                                             std::string(r.text_or_throw(i, 2))});
    return out;
}

std::string version_str(int version) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", version);
    return buf;
}

// Refuses a database this binary must not touch.
void verify(const std::vector<MigrationFile>& files, const std::map<int, Applied>& applied) {
    for (const auto& [version, row] : applied) {
        auto it = std::find_if(files.begin(), files.end(),
                               [v = version](const auto& f) { return f.version == v; });
        if (it == files.end())
            throw MigrationError("the database has migration " + version_str(version) + "_" +
                                 row.name +
                                 " applied, which this binary does not know: it was migrated "
                                 "by a newer Wardline; use that version");
        if (it->checksum != row.checksum)
            throw MigrationError("migration " + it->file_name +
                                 " was changed after it was applied (checksum in database " +
                                 row.checksum.substr(0, 12) + "..., file " +
                                 it->checksum.substr(0, 12) +
                                 "...): restore the original file and put changes in a new "
                                 "migration");
    }
    const int max_applied = applied.empty() ? 0 : applied.rbegin()->first;
    for (const auto& f : files)
        if (f.version < max_applied && !applied.contains(f.version))
            throw MigrationError("migration " + f.file_name + " is pending but the later "
                                 "migration " + version_str(max_applied) + " is already applied");
}

void rollback_quietly(PgSyncConnection& conn) {
    try {
        conn.exec("ROLLBACK");
    } catch (const PgSyncError&) {
    }
}

}  // namespace

Migrator::Migrator(PgSyncConnection& conn, std::vector<MigrationFile> migrations)
    : conn_(conn), migrations_(std::move(migrations)) {}

std::vector<MigrationStatus> Migrator::status() {
    const auto applied = read_applied(conn_);
    std::vector<MigrationStatus> rows;
    for (const auto& f : migrations_) {
        MigrationStatus s{f.version, f.name, MigrationStatus::State::pending, true};
        if (auto it = applied.find(f.version); it != applied.end()) {
            s.state = MigrationStatus::State::applied;
            s.checksum_ok = it->second.checksum == f.checksum;
        }
        rows.push_back(std::move(s));
    }
    for (const auto& [version, row] : applied)
        if (std::none_of(migrations_.begin(), migrations_.end(),
                         [v = version](const auto& f) { return f.version == v; }))
            rows.push_back({version, row.name, MigrationStatus::State::unknown, true});
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.version < b.version; });
    return rows;
}

int Migrator::migrate(std::ostream* progress) {
    const std::string lock = std::string("SELECT pg_advisory_xact_lock(") + kLockKey + ")";
    try {
        conn_.exec("BEGIN");
        conn_.exec(lock);
        conn_.exec(kCreateTable);
        verify(migrations_, read_applied(conn_));
        conn_.exec("COMMIT");
    } catch (const PgSyncError& e) {
        rollback_quietly(conn_);
        throw MigrationError(std::string("cannot prepare schema_migrations: ") + e.what());
    } catch (...) {
        rollback_quietly(conn_);
        throw;
    }

    int count = 0;
    for (const auto& m : migrations_) {
        try {
            conn_.exec("BEGIN");
            conn_.exec(lock);
            // Re-read under the lock: another migrator may have applied it meanwhile.
            const auto applied = read_applied(conn_);
            verify(migrations_, applied);
            if (applied.contains(m.version)) {
                conn_.exec("COMMIT");
                continue;
            }
            conn_.exec(m.sql);
            PgParams params;
            params.integer(m.version).text(m.name).text(m.checksum);
            conn_.exec_params(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                params);
            conn_.exec("COMMIT");
        } catch (const PgSyncError& e) {
            rollback_quietly(conn_);
            throw MigrationError("migration " + m.file_name + " failed (SQLSTATE " +
                                 (e.sqlstate().empty() ? "none" : e.sqlstate()) +
                                 "): " + e.what());
        } catch (...) {
            rollback_quietly(conn_);
            throw;
        }
        ++count;
        if (progress) *progress << "applied " << m.file_name << "\n";
    }
    return count;
}

std::string format_status(const std::vector<MigrationStatus>& rows) {
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-8s %-40s %-8s %s\n", "version", "name", "state",
                  "checksum");
    out << line;
    for (const auto& r : rows) {
        const char* state = r.state == MigrationStatus::State::applied   ? "applied"
                            : r.state == MigrationStatus::State::pending ? "pending"
                                                                          : "UNKNOWN";
        const char* checksum = r.state == MigrationStatus::State::pending  ? "-"
                               : r.state == MigrationStatus::State::unknown ? "not in this binary"
                               : r.checksum_ok                              ? "ok"
                                                                            : "CHANGED";
        std::snprintf(line, sizeof line, "%-8s %-40s %-8s %s\n", version_str(r.version).c_str(),
                      r.name.c_str(), state, checksum);
        out << line;
    }
    return out.str();
}

bool status_consistent(const std::vector<MigrationStatus>& rows) {
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) {
        return r.checksum_ok && r.state != MigrationStatus::State::unknown;
    });
}

}  // namespace wardline::server::storage
