// SPDX-License-Identifier: Apache-2.0
#include "common/core/embedded.hpp"
#include "server/ctl/migrate_command.hpp"
#include "server/storage/conninfo.hpp"
#include "server/storage/db_roles.hpp"
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace wardline::server::storage {
namespace {

using test::shared_cluster;

// Runs `sql` and returns its SQLSTATE, or "" if it succeeded.
std::string sqlstate_of(PgSyncConnection& c, const std::string& sql) {
    try {
        c.exec(sql);
        return "";
    } catch (const PgSyncError& e) {
        return e.sqlstate();
    }
}

constexpr const char* kInsufficientPrivilege = "42501";

class RuntimeRole : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shared_cluster().create_database();
        runtime_.emplace(PgSyncConnection::connect(db_.runtime_conninfo, db_.runtime_password));
        owner_.emplace(PgSyncConnection::connect(db_.owner_conninfo, db_.owner_password));
    }
    test::TestDatabase db_;
    std::optional<PgSyncConnection> runtime_;
    std::optional<PgSyncConnection> owner_;
};

TEST_F(RuntimeRole, CannotCreateTables) {
    EXPECT_EQ(sqlstate_of(*runtime_, "CREATE TABLE sneaky (id int)"), kInsufficientPrivilege);
    EXPECT_EQ(sqlstate_of(*runtime_, "CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql"),
              kInsufficientPrivilege);
}

TEST_F(RuntimeRole, CanReadButNeverChangeSchemaMigrations) {
    EXPECT_EQ(runtime_->exec("SELECT max(version) FROM schema_migrations").int64(0, 0),
              static_cast<std::int64_t>(wardline::embedded::migrations().size()));
    EXPECT_EQ(sqlstate_of(*runtime_, "UPDATE schema_migrations SET checksum = 'x'"),
              kInsufficientPrivilege);
    EXPECT_EQ(sqlstate_of(*runtime_, "DELETE FROM schema_migrations"), kInsufficientPrivilege);
    EXPECT_EQ(sqlstate_of(*runtime_, "INSERT INTO schema_migrations (version, name, checksum) "
                                     "VALUES (999, 'x', 'x')"),
              kInsufficientPrivilege);
    EXPECT_EQ(owner_->exec("SELECT count(*) FROM schema_migrations WHERE checksum = 'x'")
                  .int64(0, 0),
              0);
}

TEST_F(RuntimeRole, WritesUsersButCannotDeleteThem) {
    runtime_->exec("INSERT INTO organizations (name) VALUES ('General')");
    runtime_->exec("INSERT INTO users (org_id, username, username_canonical, username_skeleton, "
                   "display_name, password_hash) "
                   "SELECT id, 'drhouse', 'drhouse', 'drhouse', 'Dr House', 'x' FROM organizations");
    runtime_->exec("UPDATE users SET status = 'suspended' WHERE username = 'drhouse'");
    EXPECT_EQ(sqlstate_of(*runtime_, "DELETE FROM users"), kInsufficientPrivilege);
    EXPECT_EQ(sqlstate_of(*runtime_, "DELETE FROM organizations"), kInsufficientPrivilege);
    EXPECT_EQ(sqlstate_of(*runtime_, "TRUNCATE users"), kInsufficientPrivilege);
    EXPECT_EQ(owner_->exec("SELECT status FROM users").text_or_throw(0, 0), "suspended");
    // The status check constraint holds for everyone.
    EXPECT_EQ(sqlstate_of(*runtime_, "UPDATE users SET status = 'deleted'"), "23514");
}

class DbBootstrap : public ::testing::Test {
protected:
    void SetUp() override {
        auto& c = shared_cluster();
        su_.emplace(PgSyncConnection::connect(c.superuser_conninfo(), c.superuser_password()));
        suffix_ = test::random_token(8);
    }
    std::optional<PgSyncConnection> su_;
    std::string suffix_;
};

TEST_F(DbBootstrap, IsIdempotentAndResetsPasswords) {
    auto& c = shared_cluster();
    const std::string owner = "o_" + suffix_, runtime = "r_" + suffix_, db = "b_" + suffix_;
    bootstrap_roles(*su_, owner, "owner-pw-1", runtime, "runtime-pw-1", db);
    bootstrap_roles(*su_, owner, "owner-pw-2", runtime, "runtime-pw-2", db);

    EXPECT_THROW(PgSyncConnection::connect(c.conninfo(runtime, db), "runtime-pw-1"), PgSyncError);
    auto rt = PgSyncConnection::connect(c.conninfo(runtime, db), "runtime-pw-2");
    EXPECT_TRUE(rt.exec("SELECT pg_has_role('wardline_runtime', 'MEMBER')").boolean(0, 0));
    EXPECT_FALSE(rt.exec("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles "
                         "WHERE rolname = current_user")
                     .boolean(0, 0));
    auto own = PgSyncConnection::connect(c.conninfo(owner, db), "owner-pw-2");
    EXPECT_EQ(own.exec("SELECT pg_get_userbyid(datdba) FROM pg_database "
                       "WHERE datname = current_database()")
                  .text_or_throw(0, 0),
              owner);
    EXPECT_FALSE(own.exec("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                          "WHERE rolname = current_user")
                     .boolean(0, 0));
    // Verifiers, not cleartext, were stored.
    EXPECT_TRUE(su_->exec_params("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid "
                                 "WHERE rolname = $1",
                                 PgParams{runtime})
                    .boolean(0, 0));
}

TEST_F(DbBootstrap, QuotesHostileNames) {
    const std::string owner = "o\"; DROP ROLE postgres; --" + suffix_;
    const std::string runtime = "r'" + suffix_;
    const std::string db = "b\" " + suffix_;
    bootstrap_roles(*su_, owner, "pw'1\"", runtime, "pw'2\\", db);
    EXPECT_EQ(su_->exec_params("SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)",
                               PgParams{owner, runtime})
                  .int64(0, 0),
              2);
    EXPECT_EQ(su_->exec("SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'").int64(0, 0), 1);
    auto& c = shared_cluster();
    auto rt = PgSyncConnection::connect(
        "host=127.0.0.1 port=" + std::to_string(c.port()) + " user='" + "r\\'" + suffix_ +
            "' dbname='b\" " + suffix_ + "'",
        "pw'2\\");
    EXPECT_EQ(rt.exec("SELECT 1").int64(0, 0), 1);
}

TEST_F(DbBootstrap, CommandBootstrapsThenMigratesAsOwner) {
    auto& c = shared_cluster();
    const std::string owner = "o_" + suffix_, runtime = "r_" + suffix_, db = "b_" + suffix_;
    char tmpl[] = "/tmp/wardline-bootstrap-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir + "/" + name) << text << "\n";
        std::filesystem::permissions(dir + "/" + name, std::filesystem::perms::owner_read);
        return dir + "/" + name;
    };
    const auto admin_pw = write("admin", c.superuser_password());
    const auto owner_pw = write("owner", "owner-secret-" + suffix_);
    const auto runtime_pw = write("runtime", "runtime-secret-" + suffix_);

    std::ostringstream out, err;
    ASSERT_EQ(ctl::run_db_bootstrap({"db-bootstrap", "--admin-url", c.superuser_conninfo(),
                                     "--admin-password-file", admin_pw, "--database", db,
                                     "--owner", owner, "--runtime", runtime,
                                     "--owner-password-file", owner_pw,
                                     "--runtime-password-file", runtime_pw},
                                    out, err),
              0)
        << err.str();
    std::ostringstream out2, err2;
    EXPECT_EQ(ctl::run_migrate({"--database-url", c.conninfo(owner, db), "--password-file",
                                owner_pw},
                               out2, err2),
              0)
        << err2.str();
    auto rt = PgSyncConnection::connect(c.conninfo(runtime, db), "runtime-secret-" + suffix_);
    EXPECT_EQ(rt.exec("SELECT count(*) FROM users").int64(0, 0), 0);
    EXPECT_EQ(sqlstate_of(rt, "CREATE TABLE x (id int)"), kInsufficientPrivilege);
    const std::string all = out.str() + err.str() + out2.str() + err2.str();
    EXPECT_EQ(all.find("secret-" + suffix_), std::string::npos) << all;
    std::filesystem::remove_all(dir);
}

TEST(Conninfo, RefusesPasswordWithoutEchoingIt) {
    for (const std::string conninfo :
         {"host=127.0.0.1 user=x password=Hunter2Secret dbname=y",
          "postgresql://x:Hunter2Secret@127.0.0.1:5432/y",
          "host=127.0.0.1 Hunter2Secret"}) {
        try {
            parse_conninfo(conninfo);
            FAIL() << "accepted a conninfo with a password";
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find("Hunter2Secret"), std::string::npos) << e.what();
        }
    }
    const auto params = parse_conninfo("host=127.0.0.1 port=5 dbname=wardline user=app");
    EXPECT_EQ(conn_value(params, "dbname"), "wardline");
    EXPECT_EQ(conn_value(params, "user"), "app");
}

TEST(Conninfo, WrongPasswordNeverAppearsInConnectionErrors) {
    auto& c = shared_cluster();
    const std::string secret = "Wr0ng" + test::random_token(10);
    try {
        PgSyncConnection::connect(c.conninfo("wardline_app", "postgres"), secret);
        FAIL() << "connected with a wrong password";
    } catch (const PgSyncError& e) {
        EXPECT_NE(std::string(e.what()).find("password authentication failed"), std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace wardline::server::storage
