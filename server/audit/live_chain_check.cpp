// SPDX-License-Identifier: Apache-2.0
#include "server/audit/live_chain_check.hpp"

#include "server/audit/audit_store.hpp"
#include "server/storage/pg_params.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

namespace wardline::server::audit {

namespace asio = boost::asio;

namespace {
constexpr int kPage = 1000;
}

LiveChainCheck::LiveChainCheck(storage::PgPool& pool, PublicKey key) : pool_(pool), key_(key) {}

asio::awaitable<Result<VerifyResult>> LiveChainCheck::run() {
    if (running_.exchange(true)) co_return Errc::conflict;
    struct Done {
        std::atomic<bool>& running;
        ~Done() { running.store(false); }
    } done{running_};
    auto walking = walk();
    auto verdict = co_await std::move(walking);
    co_return verdict;
}

asio::awaitable<Result<VerifyResult>> LiveChainCheck::walk() {
    auto loading = pool_.query(storage::statement("audit_checkpoints_all"));
    auto checkpoints = co_await std::move(loading);
    if (!checkpoints) co_return Errc::unavailable;
    ChainVerifier verifier(checkpoints_from(*checkpoints), key_);
    std::int64_t next = 1;
    for (;;) {
        storage::PgParams params;
        params.integer(next).integer(kPage);
        auto reading = pool_.query(storage::statement("audit_records_range"), std::move(params));
        auto page = co_await std::move(reading);
        if (!page) co_return Errc::unavailable;
        for (int i = 0; i < page->rows(); ++i)
            if (!verifier.add(row_to_record(*page, i))) co_return verifier.finish();
        if (page->rows() < kPage) break;
        next = page->int64(page->rows() - 1, 0) + 1;
    }
    co_return verifier.finish();
}

}  // namespace wardline::server::audit
