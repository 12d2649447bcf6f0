// SPDX-License-Identifier: Apache-2.0
#include "common/core/embedded.hpp"
#include "common/core/log.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/pg_sync.hpp"
#include "tests/integration/storage/asio_threads.hpp"
#include "tests/support/pg_cluster.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <sstream>

namespace wardline::server::storage {
namespace {

using namespace std::chrono_literals;
using test::AsioThreads;
using test::shared_cluster;
using test::wait_for;

// Statements defined by tests are prepared on first use.
const Statement kInsertOrg{"test_insert_org",
                           "INSERT INTO organizations (name) VALUES ($1) RETURNING id"};
const Statement kByteaEcho{"test_bytea_echo", "SELECT $1::bytea, octet_length($1::bytea)"};
const Statement kNullEcho{"test_null_echo", "SELECT $1::text IS NULL, $1::text"};
const Statement kBackendPid{"test_backend_pid", "SELECT pg_backend_pid()"};

class PgPoolTest : public ::testing::Test {
protected:
    void SetUp() override { db_ = shared_cluster().create_database(); }

    PgConfig config(std::size_t size = 2) const {
        PgConfig c;
        c.conninfo = db_.runtime_conninfo;
        c.password = db_.runtime_password;
        c.pool_size = size;
        c.acquire_timeout = 300ms;
        return c;
    }

    std::unique_ptr<PgPool> started(PgConfig c) {
        auto pool = std::make_unique<PgPool>(threads_.executor(), c);
        pool->start();
        const auto size = c.pool_size;
        EXPECT_TRUE(wait_for([&] { return pool->stats().idle == size; }, 10s));
        return pool;
    }

    AsioThreads threads_{3};
    test::TestDatabase db_;
};

TEST_F(PgPoolTest, RunsRegistryStatementsAsRuntimeRole) {
    auto pool = started(config());
    auto one = threads_.run(pool->query(sql::select_one()));
    ASSERT_TRUE(one.has_value()) << one.error().message();
    EXPECT_EQ(one->rows(), 1);
    EXPECT_EQ(one->int64(0, 0), 1);

    auto version = threads_.run(pool->query(sql::schema_version()));
    ASSERT_TRUE(version.has_value()) << version.error().message();
    EXPECT_EQ(version->int64(0, 0), static_cast<std::int64_t>(wardline::embedded::migrations().size()));
}

TEST_F(PgPoolTest, BinaryByteaParameterRoundTripsUnescaped) {
    auto pool = started(config());
    const std::vector<std::byte> bytes{std::byte{0x00}, std::byte{0xff}, std::byte{'\\'},
                                       std::byte{'\''}, std::byte{0x00}};
    PgParams params;
    params.binary(bytes);
    auto r = threads_.run(pool->query(kByteaEcho, std::move(params)));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->bytea(0, 0), bytes);
    EXPECT_EQ(r->int64(0, 1), 5);
}

TEST_F(PgPoolTest, NullParameterGivesNullCell) {
    auto pool = started(config());
    PgParams params;
    params.null();
    auto r = threads_.run(pool->query(kNullEcho, std::move(params)));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->boolean(0, 0));
    EXPECT_TRUE(r->is_null(0, 1));
    EXPECT_FALSE(r->text(0, 1).has_value());
}

TEST_F(PgPoolTest, UniqueViolationIsConflictAndConnectionStaysUsable) {
    auto pool = started(config(1));
    auto first = threads_.run(pool->query(kInsertOrg, PgParams{"St. Elsewhere"}));
    ASSERT_TRUE(first.has_value()) << first.error().message();
    EXPECT_EQ(first->text_or_throw(0, 0).size(), 36u);  // a uuid

    auto second = threads_.run(pool->query(kInsertOrg, PgParams{"St. Elsewhere"}));
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error(), make_error_code(Errc::conflict));

    // The single connection went back to the pool healthy, not replaced.
    auto after = threads_.run(pool->query(sql::select_one()));
    EXPECT_TRUE(after.has_value());
    const auto s = pool->stats();
    EXPECT_EQ(s.in_use, 0u);
    EXPECT_EQ(s.idle, 1u);
    EXPECT_EQ(s.connecting, 0u);
}

TEST_F(PgPoolTest, SqlErrorOtherThanConflictIsInternal) {
    auto pool = started(config(1));
    const Statement bad{"test_division_by_zero", "SELECT 1 / ($1::int)"};
    auto r = threads_.run(pool->query(bad, PgParams{"0"}));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::internal));
}

TEST_F(PgPoolTest, ExhaustedPoolTimesOutWithUnavailable) {
    auto pool = started(config(2));
    auto a = threads_.run(pool->acquire());
    auto b = threads_.run(pool->acquire());
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(pool->stats().in_use, 2u);
    EXPECT_EQ(pool->stats().idle, 0u);

    const auto start = std::chrono::steady_clock::now();
    auto c = threads_.run(pool->acquire());
    const auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error(), make_error_code(Errc::unavailable));
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 3s);

    auto s = pool->stats();
    EXPECT_EQ(s.acquire_timeouts, 1u);
    EXPECT_GE(s.acquire_waits, 1u);
    EXPECT_GE(s.acquire_wait_ns, 250'000'000u);

    a->release();
    s = pool->stats();
    EXPECT_EQ(s.idle, 1u);
    EXPECT_EQ(s.in_use, 1u);
    auto d = threads_.run(pool->acquire());
    ASSERT_TRUE(d.has_value()) << d.error().message() << " idle=" << pool->stats().idle
                               << " connecting=" << pool->stats().connecting;
    EXPECT_EQ(pool->stats().in_use, 2u);
}

TEST_F(PgPoolTest, WaitingAcquireGetsTheReleasedConnection) {
    auto c = config(1);
    c.acquire_timeout = 10s;
    auto pool = started(c);
    auto held = threads_.run(pool->acquire());
    ASSERT_TRUE(held.has_value());

    auto waiting = threads_.spawn(pool->acquire());
    EXPECT_EQ(waiting.wait_for(100ms), std::future_status::timeout);
    held->release();
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    auto got = waiting.get();
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(threads_.run((*got).query(sql::select_one())).has_value());
}

boost::asio::awaitable<bool> many_queries(PgPool* pool, int count) {
    for (int i = 0; i < count; ++i) {
        auto r = co_await pool->query(sql::select_one());
        if (!r || r->int64(0, 0) != 1) co_return false;
    }
    co_return true;
}

TEST_F(PgPoolTest, ServesManyStrandsConcurrently) {
    auto c = config(3);
    c.acquire_timeout = 10s;
    auto pool = started(c);
    std::vector<std::future<bool>> results;
    for (int i = 0; i < 24; ++i)
        results.push_back(boost::asio::co_spawn(boost::asio::make_strand(threads_.executor()),
                                                many_queries(pool.get(), 20),
                                                boost::asio::use_future));
    for (auto& f : results) {
        ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
        EXPECT_TRUE(f.get());
    }
    const auto s = pool->stats();
    EXPECT_EQ(s.in_use, 0u);
    EXPECT_EQ(s.idle, 3u);
    EXPECT_EQ(s.acquire_timeouts, 0u);
}

TEST_F(PgPoolTest, KilledConnectionIsUnavailableThenReplacedByItself) {
    auto pool = started(config(1));
    auto pid = threads_.run(pool->query(kBackendPid));
    ASSERT_TRUE(pid.has_value());

    auto& cluster = shared_cluster();
    auto su = PgSyncConnection::connect(cluster.superuser_conninfo(), cluster.superuser_password());
    PgParams params;
    params.integer(pid->int64(0, 0));
    su.exec_params("SELECT pg_terminate_backend($1::int)", params);

    // The idle connection is dead: the next query fails fast and marks it broken.
    auto r = threads_.run(pool->query(sql::select_one()));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::unavailable));

    EXPECT_TRUE(wait_for([&] { return threads_.run(pool->query(sql::select_one())).has_value(); },
                         5s));
    auto pid2 = threads_.run(pool->query(kBackendPid));
    ASSERT_TRUE(pid2.has_value());
    EXPECT_NE(pid2->int64(0, 0), pid->int64(0, 0));
}

TEST_F(PgPoolTest, HealthCheckReplacesDeadIdleConnectionBeforeHandingItOut) {
    auto c = config(1);
    c.health_check_interval = 0ms;  // probe every time
    c.acquire_timeout = 5s;
    auto pool = started(c);
    auto pid = threads_.run(pool->query(kBackendPid));
    ASSERT_TRUE(pid.has_value());
    auto& cluster = shared_cluster();
    auto su = PgSyncConnection::connect(cluster.superuser_conninfo(), cluster.superuser_password());
    PgParams params;
    params.integer(pid->int64(0, 0));
    su.exec_params("SELECT pg_terminate_backend($1::int)", params);

    // The caller never sees the dead connection.
    auto r = threads_.run(pool->query(sql::select_one()));
    EXPECT_TRUE(r.has_value());
}

TEST_F(PgPoolTest, StopFailsWaitersAndLaterAcquires) {
    auto c = config(1);
    c.acquire_timeout = 10s;
    auto pool = started(c);
    auto held = threads_.run(pool->acquire());
    ASSERT_TRUE(held.has_value());
    auto waiting = threads_.spawn(pool->acquire());
    EXPECT_EQ(waiting.wait_for(50ms), std::future_status::timeout);
    pool->stop();
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    auto r = waiting.get();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::unavailable));
    EXPECT_FALSE(threads_.run(pool->acquire()).has_value());
    held->release();
    EXPECT_EQ(pool->stats().idle, 0u);
}

TEST_F(PgPoolTest, WrongPasswordIsUnavailableAndNeverLogged) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto& logger = log::db();
    const auto old_level = logger.level();
    logger.sinks().push_back(sink);
    logger.set_level(spdlog::level::trace);

    const std::string secret = "Wr0ngS3cret-" + test::random_token(8);
    {
        auto c = config(1);
        c.password = secret;
        PgPool pool(threads_.executor(), c);
        pool.start();
        auto r = threads_.run(pool.acquire());
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), make_error_code(Errc::unavailable));
        EXPECT_TRUE(wait_for([&] { return pool.stats().connecting == 1; }, 2s));
        pool.stop();
        wait_for([&] { return pool.stats().connecting == 0; }, 2s);
    }
    logger.flush();
    logger.sinks().pop_back();
    logger.set_level(old_level);
    const std::string text = captured.str();
    EXPECT_NE(text.find("password authentication failed"), std::string::npos) << text;
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
}

}  // namespace
}  // namespace wardline::server::storage
