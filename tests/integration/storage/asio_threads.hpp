// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helpers: an io_context on a few threads, and a way to wait for a coroutine's result
// from the test thread.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wardline::test {

class AsioThreads {
public:
    explicit AsioThreads(int threads = 2) : guard_(ioc_.get_executor()) {
        for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
    }
    ~AsioThreads() {
        guard_.reset();
        ioc_.stop();
        for (auto& t : threads_) t.join();
    }
    boost::asio::any_io_executor executor() { return ioc_.get_executor(); }

    /// Starts `task` on the io_context and returns its future.
    template <class T>
    std::future<T> spawn(boost::asio::awaitable<T> task) {
        return boost::asio::co_spawn(ioc_, std::move(task), boost::asio::use_future);
    }
    /// Runs `task` and waits (at most 30 s) for its result.
    template <class T>
    T run(boost::asio::awaitable<T> task) {
        auto f = spawn(std::move(task));
        if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
            throw std::runtime_error("coroutine did not finish within 30 s");
        return f.get();
    }

private:
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::vector<std::thread> threads_;
};

}  // namespace wardline::test
