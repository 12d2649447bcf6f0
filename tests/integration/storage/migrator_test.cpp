// SPDX-License-Identifier: Apache-2.0
#include "common/core/embedded.hpp"
#include "server/ctl/migrate_command.hpp"
#include "server/storage/migrator.hpp"
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace wardline::server::storage {
namespace {

namespace fs = std::filesystem;
using test::shared_cluster;

// A temporary directory holding copies of the embedded migrations.
class MigrationDir {
public:
    MigrationDir() {
        char tmpl[] = "/tmp/wardline-migrations-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~MigrationDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    void copy_embedded(std::size_t count = 1000) {
        for (const auto& m : embedded_migrations())
            if (static_cast<std::size_t>(m.version) <= count) write(m.file_name, m.sql);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(path_ / name, std::ios::binary) << text;
    }
    void append(const std::string& name, const std::string& text) {
        std::ofstream(path_ / name, std::ios::binary | std::ios::app) << text;
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string write_password_file(const MigrationDir& dir, const std::string& password) {
    const auto file = dir.path() / "pw";
    std::ofstream(file) << password << "\n";
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    return file.string();
}

class MigratorTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shared_cluster().create_empty_database();
        conn_.emplace(PgSyncConnection::connect(db_.owner_conninfo, db_.owner_password));
    }
    std::int64_t applied_count() {
        return conn_->exec("SELECT count(*) FROM schema_migrations").int64(0, 0);
    }
    test::TestDatabase db_;
    std::optional<PgSyncConnection> conn_;
};

TEST_F(MigratorTest, AppliesAllInOrderAndIsIdempotent) {
    const auto files = embedded_migrations();
    ASSERT_GE(files.size(), 2u);
    Migrator migrator(*conn_, files);
    std::ostringstream progress;
    EXPECT_EQ(migrator.migrate(&progress), static_cast<int>(files.size()));
    EXPECT_NE(progress.str().find("applied 0001_baseline.sql"), std::string::npos);

    auto rows = conn_->exec("SELECT version, name, checksum FROM schema_migrations ORDER BY 1");
    ASSERT_EQ(rows.rows(), static_cast<int>(files.size()));
    for (int i = 0; i < rows.rows(); ++i) {
        EXPECT_EQ(rows.int64(i, 0), files[i].version);
        EXPECT_EQ(rows.text_or_throw(i, 1), files[i].name);
        EXPECT_EQ(rows.text_or_throw(i, 2), files[i].checksum);
        EXPECT_EQ(files[i].checksum.size(), 64u);
    }
    EXPECT_EQ(migrator.migrate(), 0);
    EXPECT_EQ(applied_count(), static_cast<std::int64_t>(files.size()));
    for (const auto& s : migrator.status()) {
        EXPECT_EQ(s.state, MigrationStatus::State::applied);
        EXPECT_TRUE(s.checksum_ok);
    }
}

TEST_F(MigratorTest, StatusListsAppliedAndPending) {
    MigrationDir dir;
    dir.copy_embedded(1);
    Migrator(*conn_, load_migrations(dir.path())).migrate();

    Migrator full(*conn_, embedded_migrations());
    const auto rows = full.status();
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0].state, MigrationStatus::State::applied);
    EXPECT_EQ(rows[1].state, MigrationStatus::State::pending);
    EXPECT_TRUE(status_consistent(rows));
    const auto text = format_status(rows);
    EXPECT_NE(text.find("0001     baseline"), std::string::npos) << text;
    EXPECT_NE(text.find("organizations_users"), std::string::npos) << text;
    EXPECT_NE(text.find("pending"), std::string::npos) << text;
}

TEST_F(MigratorTest, RefusesAppliedMigrationWhoseFileChanged) {
    MigrationDir dir;
    dir.copy_embedded();
    Migrator(*conn_, load_migrations(dir.path())).migrate();
    dir.append("0001_baseline.sql", "-- an innocent-looking edit\n");
    char next[32];
    std::snprintf(next, sizeof next, "%04zu_more.sql", wardline::embedded::migrations().size() + 1);
    dir.write(next, "CREATE TABLE must_not_exist (id int);\n");

    Migrator migrator(*conn_, load_migrations(dir.path()));
    try {
        migrator.migrate();
        FAIL() << "a changed migration was accepted";
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("0001_baseline.sql"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("changed"), std::string::npos) << e.what();
    }
    // Nothing else happened.
    EXPECT_EQ(applied_count(), static_cast<long long>(wardline::embedded::migrations().size()));
    EXPECT_FALSE(conn_->exec("SELECT to_regclass('must_not_exist') IS NOT NULL").boolean(0, 0));
    const auto rows = migrator.status();
    EXPECT_FALSE(rows[0].checksum_ok);
    EXPECT_FALSE(status_consistent(rows));
    EXPECT_NE(format_status(rows).find("CHANGED"), std::string::npos);
}

TEST_F(MigratorTest, RefusesDatabaseWithVersionThisBinaryDoesNotKnow) {
    Migrator migrator(*conn_, embedded_migrations());
    migrator.migrate();
    conn_->exec("INSERT INTO schema_migrations (version, name, checksum) "
                "VALUES (999, 'from_the_future', 'x')");
    try {
        migrator.migrate();
        FAIL() << "an unknown applied version was accepted";
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("0999_from_the_future"), std::string::npos)
            << e.what();
    }
    const auto rows = migrator.status();
    EXPECT_EQ(rows.back().state, MigrationStatus::State::unknown);
    EXPECT_FALSE(status_consistent(rows));
}

TEST_F(MigratorTest, FailingMigrationRollsBackAndNamesItsFile) {
    MigrationDir dir;
    dir.copy_embedded(1);
    dir.write("0002_broken.sql", "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n");
    Migrator migrator(*conn_, load_migrations(dir.path()));
    try {
        migrator.migrate();
        FAIL() << "a failing migration was reported as applied";
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("0002_broken.sql"), std::string::npos) << e.what();
    }
    EXPECT_EQ(applied_count(), 1);
    EXPECT_FALSE(conn_->exec("SELECT to_regclass('half_done') IS NOT NULL").boolean(0, 0));
}

TEST_F(MigratorTest, ConcurrentMigratorsApplyEachMigrationOnce) {
    const auto files = embedded_migrations();
    std::atomic<int> applied{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] {
            try {
                auto c = PgSyncConnection::connect(db_.owner_conninfo, db_.owner_password);
                applied += Migrator(c, files).migrate();
            } catch (const std::exception&) {
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(applied, static_cast<int>(files.size()));
    EXPECT_EQ(applied_count(), static_cast<std::int64_t>(files.size()));
}

TEST(MigrationFiles, RefuseGapsDuplicatesAndBadNames) {
    EXPECT_THROW(make_migrations({{"0001_a.sql", ""}, {"0003_c.sql", ""}}), MigrationError);
    try {
        make_migrations({{"0001_a.sql", ""}, {"0001_b.sql", ""}});
        FAIL();
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("0001_b.sql"), std::string::npos);
    }
    EXPECT_THROW(make_migrations({{"1_a.sql", ""}}), MigrationError);
    EXPECT_THROW(make_migrations({{"0002_a.sql", ""}}), MigrationError);
    EXPECT_EQ(make_migrations({}).size(), 0u);
}

TEST(MigrationFiles, ChecksumIsHexSha256) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class MigrateCommand : public MigratorTest {};

TEST_F(MigrateCommand, MigratesThenReportsStatus) {
    MigrationDir scratch;
    const auto pw = write_password_file(scratch, db_.owner_password);
    std::ostringstream out, err;
    ASSERT_EQ(ctl::run_migrate({"migrate", "--database-url", db_.owner_conninfo,
                                "--password-file", pw},
                               out, err),
              0)
        << err.str();
    EXPECT_NE(out.str().find("applied 0002_organizations_users.sql"), std::string::npos);

    std::ostringstream out2, err2;
    EXPECT_EQ(ctl::run_migrate({"--status", "--database-url=" + db_.owner_conninfo,
                                "--password-file", pw},
                               out2, err2),
              0)
        << err2.str();
    EXPECT_NE(out2.str().find("applied"), std::string::npos) << out2.str();
    EXPECT_EQ(out2.str().find("pending"), std::string::npos) << out2.str();
}

TEST_F(MigrateCommand, ChangedMigrationExitsNonZeroNamingTheFile) {
    MigrationDir dir;
    dir.copy_embedded();
    const auto pw = write_password_file(dir, db_.owner_password);
    std::ostringstream out, err;
    ASSERT_EQ(ctl::run_migrate({"--dir", dir.path().string(), "--database-url",
                                db_.owner_conninfo, "--password-file", pw},
                               out, err),
              0)
        << err.str();
    dir.append("0002_organizations_users.sql", "\n");
    std::ostringstream out2, err2;
    EXPECT_EQ(ctl::run_migrate({"--dir", dir.path().string(), "--database-url",
                                db_.owner_conninfo, "--password-file", pw},
                               out2, err2),
              1);
    EXPECT_NE(err2.str().find("0002_organizations_users.sql"), std::string::npos) << err2.str();
}

TEST_F(MigrateCommand, RefusesPasswordInConninfoOrFlagWithoutEchoingIt) {
    const std::string secret = "Sup3rS3cret" + test::random_token(6);
    std::ostringstream out, err;
    EXPECT_EQ(ctl::run_migrate({"--database-url", db_.owner_conninfo + " password=" + secret},
                               out, err),
              2);
    EXPECT_NE(err.str().find("must not contain a password"), std::string::npos) << err.str();
    EXPECT_EQ(err.str().find(secret), std::string::npos);

    std::ostringstream out2, err2;
    EXPECT_EQ(ctl::run_migrate({"--database-url", "postgresql://wardline_owner:" + secret +
                                                      "@127.0.0.1/x"},
                               out2, err2),
              2);
    EXPECT_EQ(err2.str().find(secret), std::string::npos);

    std::ostringstream out3, err3;
    EXPECT_EQ(ctl::run_migrate({"--database-url", db_.owner_conninfo, "--password", secret},
                               out3, err3),
              2);
    EXPECT_EQ(err3.str().find(secret), std::string::npos);
    EXPECT_FALSE(conn_->exec("SELECT to_regclass('schema_migrations') IS NOT NULL").boolean(0, 0));
}

TEST_F(MigrateCommand, WrongPasswordFailsWithoutEchoingIt) {
    MigrationDir scratch;
    const std::string secret = "N0tTheP4ssword" + test::random_token(6);
    const auto pw = write_password_file(scratch, secret);
    std::ostringstream out, err;
    EXPECT_EQ(ctl::run_migrate({"--database-url", db_.owner_conninfo, "--password-file", pw},
                               out, err),
              1);
    EXPECT_NE(err.str().find("password authentication failed"), std::string::npos) << err.str();
    EXPECT_EQ(err.str().find(secret), std::string::npos) << err.str();
}

}  // namespace
}  // namespace wardline::server::storage
