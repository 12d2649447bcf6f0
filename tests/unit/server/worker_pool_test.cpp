// SPDX-License-Identifier: Apache-2.0
#include "server/concurrency/worker_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

namespace wardline::server {
namespace {

namespace asio = boost::asio;

// Coroutines are named functions with by-value (or plainly referenced, outliving) parameters:
// a capturing lambda must never be a coroutine (its captures die before the frame does).

struct Threads {
    std::thread::id caller, worker, resumed;
    int value = 0;
};

asio::awaitable<void> record_threads(WorkerPool& pool, Threads& t) {
    t.caller = std::this_thread::get_id();
    auto task = [&t] {
        t.worker = std::this_thread::get_id();
        return 42;
    };
    auto r = co_await pool.run(std::move(task));
    t.resumed = std::this_thread::get_id();
    t.value = r ? *r : -1;
}

TEST(WorkerPool, RunsOffTheCallingThreadAndResumesOnIt) {
    asio::io_context ioc;
    WorkerPool pool(2, 8);
    Threads t;
    asio::co_spawn(ioc, record_threads(pool, t), asio::detached);
    ioc.run();
    EXPECT_EQ(t.value, 42);
    EXPECT_NE(t.worker, std::thread::id{});
    EXPECT_NE(t.worker, t.caller);
    EXPECT_EQ(t.resumed, t.caller);
}

struct Tally {
    int ok = 0, refused = 0;
};

asio::awaitable<void> run_gated(WorkerPool& pool, std::shared_future<void> gate, Tally& tally) {
    auto task = [gate] {  // a named local: see WorkerPool::run on GCC 12 temporaries
        gate.wait();
        return 1;
    };
    auto r = co_await pool.run(std::move(task));
    if (r)
        ++tally.ok;
    else if (r.error() == Errc::unavailable)
        ++tally.refused;
}

TEST(WorkerPool, RefusesBeyondQueueBound) {
    asio::io_context ioc;
    WorkerPool pool(1, 2);
    std::promise<void> release;
    const auto gate = release.get_future().share();
    Tally tally;
    for (int i = 0; i < 5; ++i) asio::co_spawn(ioc, run_gated(pool, gate, tally), asio::detached);
    // The first two take the two slots and block on the gate; the other three are refused.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (tally.refused < 3 && std::chrono::steady_clock::now() < deadline)
        ioc.run_for(std::chrono::milliseconds(5));
    EXPECT_EQ(tally.refused, 3);
    EXPECT_EQ(pool.pending(), 2u);
    release.set_value();
    ioc.restart();
    ioc.run();
    EXPECT_EQ(tally.ok, 2);
    EXPECT_EQ(tally.refused, 3);
    EXPECT_EQ(pool.pending(), 0u);
}

asio::awaitable<void> run_throwing(WorkerPool& pool, bool& caught) {
    try {
        auto task = []() -> int { throw std::runtime_error("boom"); };
        co_await pool.run(std::move(task));
    } catch (const std::runtime_error&) {
        caught = true;
    }
}

TEST(WorkerPool, ExceptionsReachTheCaller) {
    asio::io_context ioc;
    WorkerPool pool(1, 4);
    bool caught = false;
    asio::co_spawn(ioc, run_throwing(pool, caught), asio::detached);
    ioc.run();
    EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace wardline::server
