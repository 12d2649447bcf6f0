// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"
#include "tests/integration/storage/asio_threads.hpp"
#include "tests/support/pg_cluster.hpp"

#include <boost/asio/awaitable.hpp>
#include <gtest/gtest.h>

namespace wardline::server::storage {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;

const Statement kInsertOrg{"test_insert_org",
                           "INSERT INTO organizations (name) VALUES ($1) RETURNING id"};
const Statement kCountOrg{"test_count_org", "SELECT count(*) FROM organizations WHERE name = $1"};

awaitable<Result<std::string>> insert_then(PgLease& lease, std::string name,
                                           std::optional<Errc> then) {
    PgParams params{name};  // GCC 12: no braced temporaries inside a co_await expression
    auto r = co_await lease.query(kInsertOrg, std::move(params));
    if (!r) co_return r.error();
    if (then) co_return make_error_code(*then);
    co_return std::string(r->text_or_throw(0, 0));
}

// fn for with_transaction: inserts `name`, then fails with `then` unless it is nullopt.
struct InsertThen {
    std::string name;
    std::optional<Errc> then;
    awaitable<Result<std::string>> operator()(PgLease& lease) const {
        return insert_then(lease, name, then);
    }
};

awaitable<Result<std::string>> in_transaction(PgPool* pool, InsertThen fn) {
    auto lease = co_await pool->acquire();
    if (!lease) co_return lease.error();
    auto result = co_await with_transaction(*lease, fn);
    if ((*lease)->in_transaction()) co_return Errc::internal;  // must never leak a transaction
    co_return result;
}

class WithTransaction : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = test::shared_cluster().create_database();
        PgConfig c;
        c.conninfo = db_.runtime_conninfo;
        c.password = db_.runtime_password;
        c.pool_size = 1;
        pool_ = std::make_unique<PgPool>(threads_.executor(), c);
        pool_->start();
    }
    std::int64_t count(const std::string& name) {
        auto r = threads_.run(pool_->query(kCountOrg, PgParams{name}));
        return r ? r->int64(0, 0) : -1;
    }

    test::AsioThreads threads_{2};
    test::TestDatabase db_;
    std::unique_ptr<PgPool> pool_;
};

TEST_F(WithTransaction, CommitsOnSuccess) {
    auto r = threads_.run(in_transaction(pool_.get(), {"Mercy", std::nullopt}));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(count("Mercy"), 1);
}

TEST_F(WithTransaction, RollsBackWhenTheWorkFails) {
    auto r = threads_.run(in_transaction(pool_.get(), {"Seattle Grace", Errc::bad_request}));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::bad_request));
    EXPECT_EQ(count("Seattle Grace"), 0);  // no side effect
}

TEST_F(WithTransaction, RollsBackOnSqlErrorAndReturnsIt) {
    ASSERT_TRUE(threads_.run(in_transaction(pool_.get(), {"County", std::nullopt})).has_value());
    auto r = threads_.run(in_transaction(pool_.get(), {"County", std::nullopt}));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::conflict));
    EXPECT_EQ(count("County"), 1);
    EXPECT_EQ(pool_->stats().in_use, 0u);
}

const Statement kSerializationFailure{
    "test_serialization_failure",
    "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40001'; END $$"};

awaitable<Result<int>> fail_then_succeed(PgLease& lease, std::shared_ptr<int> attempts,
                                         int failures) {
    ++*attempts;
    if (*attempts <= failures) {
        auto r = co_await lease.query(kSerializationFailure);
        if (!r) co_return r.error();
    }
    PgParams params{"Retry " + std::to_string(failures)};
    auto r = co_await lease.query(kInsertOrg, std::move(params));
    if (!r) co_return r.error();
    co_return *attempts;
}

struct FailThenSucceed {
    std::shared_ptr<int> attempts;
    int failures;
    awaitable<Result<int>> operator()(PgLease& lease) const {
        return fail_then_succeed(lease, attempts, failures);
    }
};

awaitable<Result<int>> retried(PgPool* pool, FailThenSucceed fn) {
    auto lease = co_await pool->acquire();
    if (!lease) co_return lease.error();
    co_return co_await with_transaction(*lease, fn, 3);
}

TEST_F(WithTransaction, RetriesSerializationFailuresThenGivesUp) {
    auto attempts = std::make_shared<int>(0);
    auto ok = threads_.run(retried(pool_.get(), {attempts, 2}));
    ASSERT_TRUE(ok.has_value()) << ok.error().message();
    EXPECT_EQ(*ok, 3);
    EXPECT_EQ(count("Retry 2"), 1);

    auto attempts2 = std::make_shared<int>(0);
    auto failed = threads_.run(retried(pool_.get(), {attempts2, 5}));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error(), make_error_code(Errc::unavailable));
    EXPECT_EQ(*attempts2, 3);
    EXPECT_EQ(count("Retry 5"), 0);
}

TEST(PgErrors, MapsSqlstatesInOneTable) {
    EXPECT_EQ(errc_from_sqlstate("23505"), Errc::conflict);
    EXPECT_EQ(errc_from_sqlstate("08006"), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate("08P01"), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate("57P01"), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate("57P02"), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate("57P03"), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate(""), Errc::unavailable);
    EXPECT_EQ(errc_from_sqlstate("57014"), Errc::internal);  // query_canceled
    EXPECT_EQ(errc_from_sqlstate("23503"), Errc::internal);  // foreign_key_violation
    EXPECT_EQ(errc_from_sqlstate("42501"), Errc::internal);
    EXPECT_TRUE(is_retryable_sqlstate("40001"));
    EXPECT_TRUE(is_retryable_sqlstate("40P01"));
    EXPECT_FALSE(is_retryable_sqlstate("23505"));
    EXPECT_EQ(redact("a secret and secret", "secret"), "a *** and ***");
}

}  // namespace
}  // namespace wardline::server::storage
