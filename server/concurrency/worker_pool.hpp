// SPDX-License-Identifier: Apache-2.0
#pragma once
// A bounded pool of threads for CPU-heavy work (Argon2id, bulk crypto), so that it never
// runs on an I/O thread. Only server code includes this header (it pulls in Asio).
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <type_traits>

namespace wardline::server {

class WorkerPool {
public:
    /// `threads` workers; at most `max_queued` tasks queued or running at once.
    WorkerPool(std::size_t threads, std::size_t max_queued)
        : pool_(threads), max_queued_(max_queued) {}
    ~WorkerPool() { join(); }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Runs `fn()` on a worker thread and resumes the caller on its own executor with the
    /// result. Errc::unavailable when max_queued tasks are already waiting (backpressure
    /// instead of an unbounded queue). Exceptions from fn propagate to the caller.
    template <class F, class R = std::invoke_result_t<F>>
    boost::asio::awaitable<Result<R>> run(F fn) {
        if (pending_.fetch_add(1) >= max_queued_) {
            pending_.fetch_sub(1);
            co_return Errc::unavailable;
        }
        struct Release {
            std::atomic<std::size_t>& n;
            ~Release() { n.fetch_sub(1); }
        } release{pending_};
        // Named locals, not temporaries, inside co_await: GCC 12 can destroy a temporary of a
        // co_await expression twice.
        auto task = invoke(std::move(fn));
        auto result = co_await boost::asio::co_spawn(pool_.get_executor(), std::move(task),
                                                     boost::asio::use_awaitable);
        co_return result;
    }

    /// Tasks queued or running now.
    std::size_t pending() const { return pending_.load(); }

    /// Waits until every queued task has run, then joins the threads. Call it only after the
    /// I/O threads have stopped submitting work. Idempotent.
    void join() { pool_.join(); }

private:
    template <class F, class R = std::invoke_result_t<F>>
    static boost::asio::awaitable<R> invoke(F fn) {
        co_return fn();
    }

    boost::asio::thread_pool pool_;
    std::size_t max_queued_;
    std::atomic<std::size_t> pending_{0};
};

}  // namespace wardline::server
