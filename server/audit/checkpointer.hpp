// SPDX-License-Identifier: Apache-2.0
#pragma once
// Signs a checkpoint of the audit chain every `every_records` records or `interval` seconds,
// whichever comes first, whenever there are records since the last checkpoint. Several server
// processes may each sign; a checkpoint of the same record is stored once.
#include "server/audit/checkpoint.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::audit {

class Checkpointer {
public:
    Checkpointer(boost::asio::any_io_executor executor, storage::PgPool& pool, SigningKey key,
                 std::int64_t every_records, std::chrono::seconds interval);
    ~Checkpointer();
    /// Starts the loop on the executor. It ends when the executor's io_context stops.
    void start();

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> tick();

    boost::asio::any_io_executor executor_;
    storage::PgPool& pool_;
    SigningKey key_;
    std::int64_t every_records_;
    std::chrono::seconds interval_;
    std::chrono::steady_clock::time_point last_signed_;
};

}  // namespace wardline::server::audit
