// SPDX-License-Identifier: Apache-2.0
#pragma once
// A blocking libpq connection for command-line work (migrations, role bootstrap) and test
// harnesses. The server itself uses PgConnection/PgPool.
#include "server/storage/pg_params.hpp"
#include "server/storage/pg_result.hpp"

#include <libpq-fe.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace wardline::server::storage {

/// A database error from a blocking call. what() is libpq's text with the connection's
/// password cut out; sqlstate() is "" for connection-level failures.
class PgSyncError : public std::runtime_error {
public:
    PgSyncError(const std::string& message, std::string sqlstate)
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// Owns a blocking PGconn.
class PgSyncConnection {
public:
    /// Connects. `conninfo` must pass parse_conninfo() (no password inside; throws
    /// std::invalid_argument otherwise); the password travels as its own keyword. Throws
    /// PgSyncError if the connection fails.
    static PgSyncConnection connect(std::string_view conninfo, std::string_view password);

    PgSyncConnection(PgSyncConnection&& other) noexcept;
    PgSyncConnection& operator=(PgSyncConnection&& other) noexcept;
    PgSyncConnection(const PgSyncConnection&) = delete;
    PgSyncConnection& operator=(const PgSyncConnection&) = delete;
    ~PgSyncConnection();

    /// Runs SQL text that contains no input (migration files, fixed commands, DDL whose
    /// names went through escape_identifier()). May hold several statements. Throws
    /// PgSyncError on failure.
    PgResult exec(std::string_view sql);
    /// Runs one statement with $1..$n parameters. Throws PgSyncError on failure.
    PgResult exec_params(std::string_view sql, const PgParams& params);

    /// PQescapeIdentifier: a double-quoted identifier.
    std::string escape_identifier(std::string_view name);
    /// PQescapeLiteral: a single-quoted literal.
    std::string escape_literal(std::string_view value);

    PGconn* get() const noexcept { return conn_; }

private:
    explicit PgSyncConnection(PGconn* conn, std::string password) noexcept
        : conn_(conn), password_(std::move(password)) {}
    PgResult check(PGresult* result);
    std::string message(const char* text) const;

    PGconn* conn_ = nullptr;
    std::string password_;  // only to redact it from messages
};

}  // namespace wardline::server::storage
