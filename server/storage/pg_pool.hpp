// SPDX-License-Identifier: Apache-2.0
#pragma once
// The connection pool. Only server code includes this header (it pulls in Asio).
#include "common/core/errc.hpp"
#include "server/storage/conninfo.hpp"
#include "server/storage/pg_connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace wardline::server::storage {

namespace detail {
class PoolState;
}

/// A snapshot of the pool's counters, for /metrics.
struct PgPoolStats {
    std::size_t size = 0;        ///< configured number of connections
    std::size_t in_use = 0;      ///< leased out right now
    std::size_t idle = 0;        ///< connected and waiting in the pool
    std::size_t connecting = 0;  ///< slots (re)connecting in the background
    std::uint64_t acquire_waits = 0;        ///< acquires that found no idle connection
    std::uint64_t acquire_wait_ns = 0;      ///< total time those acquires waited
    std::uint64_t acquire_timeouts = 0;     ///< acquires that gave up (Errc::unavailable)
};

/// Exclusive use of one pooled connection. Returns it to the pool on destruction; a broken
/// connection, or one left inside a transaction, is discarded and its slot reconnects.
/// Movable, not copyable; may be destroyed on any thread.
class PgLease {
public:
    PgLease() = default;
    PgLease(PgLease&& other) noexcept = default;
    PgLease& operator=(PgLease&& other) noexcept;
    PgLease(const PgLease&) = delete;
    PgLease& operator=(const PgLease&) = delete;
    ~PgLease();

    PgConnection& operator*() const noexcept { return *conn_; }
    PgConnection* operator->() const noexcept { return conn_.get(); }
    explicit operator bool() const noexcept { return conn_ != nullptr; }

    /// Same as (*this)->query(stmt, params).
    boost::asio::awaitable<Result<PgResult>> query(Statement stmt, PgParams params = {});

    /// Gives the connection back now (same as destruction).
    void release() noexcept;

private:
    friend class detail::PoolState;
    PgLease(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<PgConnection> conn) noexcept;
    std::shared_ptr<detail::PoolState> pool_;
    std::unique_ptr<PgConnection> conn_;
};

/// A fixed-size pool of PgConnections. Every slot connects in the background, retrying with
/// exponential backoff and jitter, and reconnects by itself after its connection breaks, so
/// the pool heals after a database restart without help. Thread-safe: acquire() may be
/// called concurrently from any strand of a multi-threaded io_context.
class PgPool {
public:
    /// `executor` runs the background (re)connects and the connections' I/O; it should be
    /// the io_context's executor (each slot gets its own strand).
    PgPool(boost::asio::any_io_executor executor, PgConfig config);
    ~PgPool();  ///< stop()s
    PgPool(const PgPool&) = delete;
    PgPool& operator=(const PgPool&) = delete;

    /// Starts connecting every slot in the background. Throws std::invalid_argument for a
    /// conninfo that parse_conninfo() refuses. Returns at once.
    void start();

    /// Closes idle connections, stops the background connects, and makes every waiting and
    /// future acquire() fail with Errc::unavailable. Leased connections are closed when
    /// their lease is destroyed. Idempotent.
    void stop();

    /// A connection within config.acquire_timeout, or Errc::unavailable. A connection that
    /// has been idle longer than config.health_check_interval is probed with `SELECT 1`
    /// first; if the probe fails, the next connection is tried.
    boost::asio::awaitable<Result<PgLease>> acquire();

    /// acquire() + query(); the lease is returned before this completes.
    boost::asio::awaitable<Result<PgResult>> query(Statement stmt, PgParams params = {});

    PgPoolStats stats() const;

private:
    std::shared_ptr<detail::PoolState> state_;
};

}  // namespace wardline::server::storage
