// SPDX-License-Identifier: Apache-2.0
#pragma once
// One non-blocking libpq connection driven by Asio. Only server code includes this header
// (it pulls in Asio).
#include "common/core/errc.hpp"
#include "server/storage/conninfo.hpp"
#include "server/storage/pg_params.hpp"
#include "server/storage/pg_result.hpp"
#include "server/storage/statements.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace wardline::server::storage {

/// A single PostgreSQL connection. Not thread-safe: one coroutine uses it at a time (the
/// pool's lease guarantees that). It waits on a `posix::stream_descriptor` over a dup() of
/// PQsocket(), so closing the descriptor never closes libpq's own socket.
///
/// Any failure that leaves the protocol state unknown marks the connection broken; a
/// broken connection refuses further queries with Errc::unavailable and the pool replaces
/// it.
class PgConnection {
public:
    explicit PgConnection(boost::asio::any_io_executor executor);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// Connects (PQconnectStartParams/PQconnectPoll) within config.connect_timeout, then
    /// prepares every statement of the registry. Errc::unavailable on failure (the reason
    /// is logged without secrets). Throws std::invalid_argument for a conninfo that
    /// parse_conninfo() refuses.
    boost::asio::awaitable<Result<void>> connect(PgConfig config);

    /// Executes a statement with PQsendQueryPrepared (prepared first if it is not from the
    /// registry) and returns its result (text-format cells). Errors: the SQLSTATE mapped by
    /// errc_from_sqlstate(); Errc::unavailable when the connection is broken or lost.
    boost::asio::awaitable<Result<PgResult>> query(Statement stmt, PgParams params = {});

    /// Executes a statement as a simple query (PQsendQuery), for the few utility statements
    /// PostgreSQL cannot prepare (LISTEN). `stmt.sql` is constant text, never built from input.
    boost::asio::awaitable<Result<void>> execute_simple(Statement stmt);

    /// One notification (NOTIFY) received on a connection that LISTENs.
    struct Notification {
        std::string channel;
        std::string payload;
    };
    /// Waits until at least one notification has arrived and returns all that have.
    /// Errc::unavailable when the connection is lost (it is then broken).
    boost::asio::awaitable<Result<std::vector<Notification>>> wait_notifications();

    /// True once the connection is unusable.
    bool broken() const noexcept { return broken_; }
    /// Marks the connection unusable (e.g. its protocol state is unknown after cancellation).
    void mark_broken() noexcept { broken_ = true; }
    /// True if a transaction is open or a query is in flight: the pool will not reuse it.
    bool in_transaction() const noexcept;
    /// SQLSTATE of the last failed query ("" if none, or if libpq itself failed).
    const std::string& last_sqlstate() const noexcept { return last_sqlstate_; }
    /// libpq's text for the last connection-level failure, with the password cut out.
    /// Never contains query parameters.
    const std::string& last_error() const noexcept { return last_error_; }

    /// When the connection last went back to the pool (used for health checks).
    std::chrono::steady_clock::time_point idle_since() const noexcept { return idle_since_; }
    void set_idle_since(std::chrono::steady_clock::time_point t) noexcept { idle_since_ = t; }

    /// Closes the socket and the libpq connection.
    void close() noexcept;

private:
    boost::asio::awaitable<Result<void>> poll_connect(std::chrono::steady_clock::time_point
                                                          deadline);
    boost::asio::awaitable<Result<void>> prepare(Statement stmt);
    boost::asio::awaitable<Result<PgResult>> await_result(Statement stmt);
    bool redup_socket() noexcept;
    Errc fail_from_connection(std::string_view what);

    boost::asio::any_io_executor executor_;
    boost::asio::posix::stream_descriptor socket_;
    PGconn* conn_ = nullptr;
    bool broken_ = true;
    std::string password_;  // kept only to redact it from libpq messages
    std::string last_sqlstate_;
    std::string last_error_;
    std::unordered_map<std::string, std::string_view> prepared_;  // name -> SQL
    std::chrono::steady_clock::time_point idle_since_{};
};

}  // namespace wardline::server::storage
