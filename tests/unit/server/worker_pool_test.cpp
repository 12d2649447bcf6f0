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

TEST(WorkerPool, RunsOffTheCallingThreadAndResumesOnIt) {
    asio::io_context ioc;
    WorkerPool pool(2, 8);
    std::thread::id caller, worker, resumed;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        caller = std::this_thread::get_id();
        auto r = co_await pool.run([&] { worker = std::this_thread::get_id(); return 42; });
        resumed = std::this_thread::get_id();
        EXPECT_TRUE(r);
        EXPECT_EQ(*r, 42);
    }, asio::detached);
    ioc.run();
    EXPECT_NE(worker, std::thread::id{});
    EXPECT_NE(worker, caller);
    EXPECT_EQ(resumed, caller);
}

TEST(WorkerPool, RefusesBeyondQueueBound) {
    asio::io_context ioc;
    WorkerPool pool(1, 2);
    std::promise<void> release;
    auto gate = release.get_future().share();
    int ok = 0, refused = 0;
    for (int i = 0; i < 5; ++i) {
        asio::co_spawn(ioc, [&, gate]() -> asio::awaitable<void> {
            auto r = co_await pool.run([gate] { gate.wait(); return 1; });
            if (r) ++ok;
            else if (r.error() == Errc::unavailable) ++refused;
        }, asio::detached);
    }
    // The first two take the two slots and block on the gate; the other three are refused.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (refused < 3 && std::chrono::steady_clock::now() < deadline) ioc.run_for(std::chrono::milliseconds(5));
    EXPECT_EQ(refused, 3);
    EXPECT_EQ(pool.pending(), 2u);
    release.set_value();
    ioc.restart();
    ioc.run();
    EXPECT_EQ(ok, 2);
    EXPECT_EQ(refused, 3);
    EXPECT_EQ(pool.pending(), 0u);
}

TEST(WorkerPool, ExceptionsReachTheCaller) {
    asio::io_context ioc;
    WorkerPool pool(1, 4);
    bool caught = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        try {
            co_await pool.run([]() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error&) {
            caught = true;
        }
    }, asio::detached);
    ioc.run();
    EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace wardline::server
