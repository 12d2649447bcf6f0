// SPDX-License-Identifier: Apache-2.0
// Stops and restarts PostgreSQL, so it runs on its own private cluster (other tests share
// the ctest fixture's cluster in parallel).
#include "server/storage/pg_pool.hpp"
#include "tests/integration/storage/asio_threads.hpp"
#include "tests/support/pg_cluster.hpp"

#include <gtest/gtest.h>

namespace wardline::server::storage {
namespace {

using namespace std::chrono_literals;
using test::wait_for;

TEST(PgPoolRestart, FailsFastWhileDatabaseIsDownAndRecoversByItself) {
    test::PgCluster cluster;
    cluster.start();
    cluster.ensure_template();
    const auto db = cluster.create_database();

    test::AsioThreads threads(2);
    PgConfig config;
    config.conninfo = db.runtime_conninfo;
    config.password = db.runtime_password;
    config.pool_size = 2;
    config.acquire_timeout = 500ms;
    config.connect_timeout = 2s;
    config.reconnect_max = 1s;
    PgPool pool(threads.executor(), config);
    pool.start();
    ASSERT_TRUE(wait_for([&] { return pool.stats().idle == 2; }, 10s));
    ASSERT_TRUE(threads.run(pool.query(sql::select_one())).has_value());

    cluster.stop();

    // Every query answers unavailable within about acquire_timeout; none hangs.
    for (int i = 0; i < 4; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto r = threads.run(pool.query(sql::select_one()));
        const auto took = std::chrono::steady_clock::now() - start;
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), make_error_code(Errc::unavailable));
        EXPECT_LT(took, 2s);
    }
    EXPECT_TRUE(wait_for([&] { return pool.stats().connecting == 2; }, 5s));
    EXPECT_EQ(pool.stats().in_use, 0u);

    cluster.start();

    // The pool heals without help: reconnect backoff is capped at 1 s here.
    EXPECT_TRUE(wait_for([&] { return threads.run(pool.query(sql::select_one())).has_value(); },
                         10s));
    EXPECT_TRUE(wait_for([&] { return pool.stats().idle == 2; }, 10s));
    const auto s = pool.stats();
    EXPECT_EQ(s.connecting, 0u);
    EXPECT_EQ(s.in_use, 0u);
    pool.stop();
}

}  // namespace
}  // namespace wardline::server::storage
