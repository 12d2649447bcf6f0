// SPDX-License-Identifier: Apache-2.0
#include "server/audit/checkpointer.hpp"

#include "common/core/log.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstring>

namespace wardline::server::audit {

namespace asio = boost::asio;

Checkpointer::Checkpointer(asio::any_io_executor executor, storage::PgPool& pool, SigningKey key,
                           std::int64_t every_records, std::chrono::seconds interval)
    : executor_(std::move(executor)), pool_(pool), key_(std::move(key)), every_records_(every_records),
      interval_(interval), last_signed_(std::chrono::steady_clock::now()) {}

Checkpointer::~Checkpointer() = default;

void Checkpointer::start() { asio::co_spawn(executor_, run(), asio::detached); }

asio::awaitable<void> Checkpointer::run() {
    asio::steady_timer timer(executor_);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        try {
            auto ticking = tick();
            co_await std::move(ticking);
        } catch (const std::exception& e) {
            log::audit().error("checkpoint failed: {}", e.what());
        }
    }
}

asio::awaitable<void> Checkpointer::tick() {
    auto checking = pool_.query(storage::statement("audit_checkpoint_due"));
    auto due = co_await std::move(checking);
    if (!due) co_return;  // database away: try again next second
    const std::int64_t last = due->int64(0, 0);
    const std::int64_t covered = due->int64(0, 1);
    if (last <= covered) co_return;
    const auto now = std::chrono::steady_clock::now();
    if (last - covered < every_records_ && now - last_signed_ < interval_) co_return;
    storage::PgParams at;
    at.integer(last);
    auto reading = pool_.query(storage::statement("audit_record_at"), std::move(at));
    auto record = co_await std::move(reading);
    if (!record || record->rows() != 1) co_return;
    Hash hash{};
    const auto bytes = record->bytea(0, 0);
    std::memcpy(hash.data(), bytes.data(), std::min(bytes.size(), hash.size()));
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const Checkpoint c = key_.sign(last, hash, now_us);
    storage::PgParams p;
    p.integer(c.seq).binary(std::as_bytes(std::span(c.hash))).integer(c.signed_at_us).text(c.key_id)
        .binary(std::as_bytes(std::span(c.signature)));
    auto inserting = pool_.query(storage::statement("audit_checkpoint_insert"), std::move(p));
    if (auto inserted = co_await std::move(inserting); inserted) {
        last_signed_ = now;
        log::audit().info("signed audit checkpoint at record {}", last);
    }
}

}  // namespace wardline::server::audit
