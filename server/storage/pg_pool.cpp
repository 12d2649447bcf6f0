// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_pool.hpp"

#include "common/core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <variant>

namespace wardline::server::storage {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
    // Full jitter on the upper half: spreads reconnects of many slots and nodes.
    thread_local std::minstd_rand rng{std::random_device{}()};
    const auto half = std::max<std::int64_t>(delay.count() / 2, 1);
    std::uniform_int_distribution<std::int64_t> dist(0, half);
    return std::chrono::milliseconds(half + dist(rng));
}
}  // namespace

namespace detail {

/// An idle connection travelling through the channel. If it is ever dropped without being
/// taken (a receive that lost a race against the acquire timeout, see acquire()), its
/// destructor gives the connection back instead of losing a slot.
struct IdleConn {
    std::unique_ptr<PgConnection> conn;
    std::weak_ptr<PoolState> pool;

    IdleConn() = default;
    IdleConn(std::unique_ptr<PgConnection> c, std::weak_ptr<PoolState> p) noexcept
        : conn(std::move(c)), pool(std::move(p)) {}
    IdleConn(IdleConn&&) noexcept = default;
    IdleConn& operator=(IdleConn&& other) noexcept;
    ~IdleConn();
};

class PoolState : public std::enable_shared_from_this<PoolState> {
public:
    PoolState(asio::any_io_executor executor, PgConfig config)
        : executor_(std::move(executor)),
          config_(std::move(config)),
          idle_(executor_, std::max<std::size_t>(config_.pool_size, 1)) {}

    void start();
    void stop();
    static asio::awaitable<Result<PgLease>> acquire(std::shared_ptr<PoolState> self);
    PgPoolStats stats() const;

    /// Takes back a connection from a lease or a finished connect: healthy ones go to the
    /// idle channel, the others are closed and their slot reconnects.
    void give_back(std::unique_ptr<PgConnection> conn) noexcept;
    void untake_idle() noexcept { idle_count_.fetch_sub(1); }
    void lease_started() noexcept { in_use_.fetch_add(1); }
    void lease_ended() noexcept { in_use_.fetch_sub(1); }

private:
    using Channel =
        asio::experimental::concurrent_channel<void(boost::system::error_code, IdleConn)>;
    struct Connector {
        asio::strand<asio::any_io_executor> strand;
        std::shared_ptr<asio::cancellation_signal> signal;
    };

    void spawn_connect() noexcept;
    void connector_done(std::uint64_t id);
    static asio::awaitable<void> connect_loop(std::shared_ptr<PoolState> self, std::uint64_t id);

    const asio::any_io_executor executor_;
    const PgConfig config_;
    Channel idle_;
    std::atomic<bool> started_{false};
    std::atomic<bool> stopped_{false};
    std::atomic<std::size_t> in_use_{0};
    std::atomic<std::size_t> idle_count_{0};
    std::atomic<std::size_t> connecting_{0};
    std::atomic<std::uint64_t> waits_{0};
    std::atomic<std::uint64_t> wait_ns_{0};
    std::atomic<std::uint64_t> timeouts_{0};
    mutable std::mutex mutex_;  // guards connectors_ and next_id_
    std::map<std::uint64_t, Connector> connectors_;
    std::uint64_t next_id_ = 0;
};

IdleConn& IdleConn::operator=(IdleConn&& other) noexcept {
    if (this != &other) {
        IdleConn old(std::move(*this));  // gives back whatever this held
        conn = std::move(other.conn);
        pool = std::move(other.pool);
    }
    return *this;
}

IdleConn::~IdleConn() {
    if (!conn) return;
    if (auto p = pool.lock()) {
        p->untake_idle();
        p->give_back(std::move(conn));
    }
}

void PoolState::start() {
    if (started_.exchange(true)) return;
    parse_conninfo(config_.conninfo);  // throws std::invalid_argument on a bad conninfo
    for (std::size_t i = 0; i < config_.pool_size; ++i) spawn_connect();
}

void PoolState::stop() {
    if (stopped_.exchange(true)) return;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, c] : connectors_)
            asio::post(c.strand,
                       [signal = c.signal] { signal->emit(asio::cancellation_type::all); });
    }
    // Close the idle connections, then wake every waiter with an error.
    while (idle_.try_receive([this](boost::system::error_code, IdleConn item) {
        if (item.conn) {
            idle_count_.fetch_sub(1);
            item.conn.reset();
        }
    })) {
    }
    idle_.close();
}

void PoolState::spawn_connect() noexcept {
    if (stopped_) return;
    connecting_.fetch_add(1);
    auto strand = asio::make_strand(executor_);
    auto signal = std::make_shared<asio::cancellation_signal>();
    std::uint64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        id = next_id_++;
        connectors_.emplace(id, Connector{strand, signal});
    }
    // The completion handler owns the signal, so the slot stays valid until co_spawn is done.
    asio::co_spawn(strand, connect_loop(shared_from_this(), id),
                   asio::bind_cancellation_slot(signal->slot(),
                                                [signal](std::exception_ptr e) {
                                                    if (e) log::db().error("connect loop failed");
                                                }));
}

void PoolState::connector_done(std::uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        connectors_.erase(id);
    }
    connecting_.fetch_sub(1);
}

asio::awaitable<void> PoolState::connect_loop(std::shared_ptr<PoolState> self, std::uint64_t id) {
    co_await asio::this_coro::throw_if_cancelled(false);
    auto delay = self->config_.reconnect_initial;
    int failures = 0;
    while (!self->stopped_) {
        auto conn = std::make_unique<PgConnection>(self->executor_);
        if (auto r = co_await conn->connect(self->config_)) {
            if (failures > 0)
                log::db().info("pool: connection slot reconnected after {} attempts", failures + 1);
            self->connector_done(id);
            self->give_back(std::move(conn));
            co_return;
        }
        ++failures;
        if (failures == 1)
            log::db().warn("pool: cannot connect ({}); retrying with backoff", conn->last_error());
        else
            log::db().debug("pool: connect attempt {} failed ({})", failures, conn->last_error());
        conn.reset();
        if (self->stopped_) break;
        asio::steady_timer timer(co_await asio::this_coro::executor, jittered(delay));
        if (auto [ec] = co_await timer.async_wait(use_nothrow); ec) break;  // stop()
        delay = std::min(delay * 2, self->config_.reconnect_max);
    }
    self->connector_done(id);
}

void PoolState::give_back(std::unique_ptr<PgConnection> conn) noexcept {
    if (!conn) return;
    if (stopped_) return;  // conn closes here
    if (conn->broken() || conn->in_transaction()) {
        // A dropped transaction or an interrupted query leaves unknown state: never reuse.
        conn.reset();
        spawn_connect();
        return;
    }
    conn->set_idle_since(Clock::now());
    idle_count_.fetch_add(1);
    IdleConn item(std::move(conn), weak_from_this());
    if (idle_.try_send(boost::system::error_code{}, std::move(item))) return;
    if (stopped_) {
        idle_count_.fetch_sub(1);
        item.conn.reset();  // closed channel: drop, do not come back here
        return;
    }
    // Asio 1.81 (Boost 1.81) bug: cancelling the last waiting receive (our acquire timeout)
    // leaves a buffered channel in the "block" send state, so try_send fails although the
    // buffer has room. A pending async_send is still taken by the next receive; it also
    // puts the channel back into buffered mode.
    idle_.async_send(boost::system::error_code{}, std::move(item), asio::detached);
}

asio::awaitable<Result<PgLease>> PoolState::acquire(std::shared_ptr<PoolState> self) {
    if (self->stopped_) co_return Errc::unavailable;
    const auto start = Clock::now();
    const auto deadline = start + self->config_.acquire_timeout;
    bool waited = false;
    auto record_wait = [&] {
        if (waited)
            self->wait_ns_.fetch_add(static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                    .count()));
    };
    for (;;) {
        IdleConn item;
        self->idle_.try_receive([&item](boost::system::error_code ec, IdleConn c) {
            if (!ec) item = std::move(c);
        });
        if (!item.conn) {
            if (self->stopped_) co_return Errc::unavailable;
            if (!waited) {
                waited = true;
                self->waits_.fetch_add(1);
            }
            asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
            // If the timer wins while a connection was already being delivered, `||` drops
            // the receive's result: IdleConn's destructor then gives the connection back.
            auto which = co_await (self->idle_.async_receive(use_nothrow) ||
                                   timer.async_wait(use_nothrow));
            if (which.index() == 1) {
                record_wait();
                self->timeouts_.fetch_add(1);
                co_return Errc::unavailable;
            }
            auto [ec, received] = std::get<0>(std::move(which));
            if (ec || !received.conn) {
                record_wait();
                co_return Errc::unavailable;  // the pool was stopped
            }
            item = std::move(received);
        }
        self->untake_idle();
        PgLease lease(self, std::move(item.conn));
        if (lease->broken()) continue;  // the lease goes out of scope: the slot reconnects
        if (Clock::now() - lease->idle_since() >= self->config_.health_check_interval) {
            if (auto r = co_await lease->query(sql::select_one()); !r) {
                log::db().info("pool: idle connection failed its health check; replacing it");
                lease->mark_broken();
                continue;
            }
        }
        record_wait();
        co_return lease;
    }
}

PgPoolStats PoolState::stats() const {
    PgPoolStats s;
    s.size = config_.pool_size;
    s.in_use = in_use_.load();
    s.idle = idle_count_.load();
    s.connecting = connecting_.load();
    s.acquire_waits = waits_.load();
    s.acquire_wait_ns = wait_ns_.load();
    s.acquire_timeouts = timeouts_.load();
    return s;
}

}  // namespace detail

// --- PgLease ---------------------------------------------------------------------------

PgLease::PgLease(std::shared_ptr<detail::PoolState> pool,
                 std::unique_ptr<PgConnection> conn) noexcept
    : pool_(std::move(pool)), conn_(std::move(conn)) {
    if (pool_ && conn_) pool_->lease_started();
}

PgLease& PgLease::operator=(PgLease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        conn_ = std::move(other.conn_);
    }
    return *this;
}

PgLease::~PgLease() { release(); }

void PgLease::release() noexcept {
    if (pool_ && conn_) {
        pool_->lease_ended();
        pool_->give_back(std::move(conn_));
    }
    conn_.reset();
    pool_.reset();
}

asio::awaitable<Result<PgResult>> PgLease::query(Statement stmt, PgParams params) {
    if (!conn_) co_return Errc::internal;
    co_return co_await conn_->query(stmt, std::move(params));
}

// --- PgPool ----------------------------------------------------------------------------

PgPool::PgPool(asio::any_io_executor executor, PgConfig config)
    : state_(std::make_shared<detail::PoolState>(std::move(executor), std::move(config))) {}

PgPool::~PgPool() { stop(); }

void PgPool::start() { state_->start(); }

void PgPool::stop() { state_->stop(); }

asio::awaitable<Result<PgLease>> PgPool::acquire() {
    return detail::PoolState::acquire(state_);
}

asio::awaitable<Result<PgResult>> PgPool::query(Statement stmt, PgParams params) {
    auto state = state_;  // keep the pool alive across suspensions
    auto lease = co_await detail::PoolState::acquire(state);
    if (!lease) co_return lease.error();
    co_return co_await lease->query(stmt, std::move(params));
}

PgPoolStats PgPool::stats() const { return state_->stats(); }

}  // namespace wardline::server::storage
