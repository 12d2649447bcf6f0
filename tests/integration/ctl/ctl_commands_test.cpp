// SPDX-License-Identifier: Apache-2.0
// wardlinectl org/user/tls, run as a real process against a fresh test database.
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/run_command.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace wardline::test {
namespace {

namespace storage = wardline::server::storage;

CommandResult ctl(const std::string& args) { return run_command(std::string(WARDLINECTL_BIN) + " " + args); }

class CtlCommands : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shared_cluster().create_database();
        ::setenv("WARDLINE_DB_PASSWORD", db_.owner_password.c_str(), 1);
        url_ = "--database-url '" + db_.owner_conninfo + "'";
    }
    void TearDown() override { ::unsetenv("WARDLINE_DB_PASSWORD"); }

    std::string user_create(const std::string& username, const std::string& role) {
        return "user create --org 'General' --username " + username +
               " --display-name 'Test User' --role " + role + " " + url_;
    }
    storage::PgSyncConnection owner() {
        return storage::PgSyncConnection::connect(db_.owner_conninfo, db_.owner_password);
    }
    long long count(const std::string& table) {
        auto c = owner();
        return c.exec("SELECT count(*) FROM " + table).int64(0, 0);
    }

    TestDatabase db_;
    std::string url_;
};

TEST_F(CtlCommands, OrgCreateIsIdempotent) {
    auto r = ctl("org create --name General " + url_);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("organization created"), std::string::npos);
    r = ctl("org create --name General " + url_);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("already exists"), std::string::npos);
    EXPECT_EQ(count("organizations"), 1);
}

TEST_F(CtlCommands, UserCreatePrintsOneTimePasswordMatchingStoredArgon2idHash) {
    ASSERT_EQ(ctl("org create --name General " + url_).status, 0);
    const auto r = ctl(user_create("Dr.House", "physician"));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto label = r.output.find("one-time password");
    ASSERT_NE(label, std::string::npos) << r.output;
    const auto start = r.output.find(": ", label) + 2;
    const std::string password = r.output.substr(start, r.output.find('\n', start) - start);
    EXPECT_GE(password.size(), 20u);

    auto c = owner();
    auto row = c.exec("SELECT u.username_canonical, r.name, u.password_hash, u.must_change_password "
                      "FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id");
    ASSERT_EQ(row.rows(), 1);
    EXPECT_EQ(row.text_or_throw(0, 0), "dr.house");  // usernames are case-insensitive
    EXPECT_EQ(row.text_or_throw(0, 1), "physician");
    const std::string hash(row.text_or_throw(0, 2));
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << "Argon2id expected";
    EXPECT_EQ(hash.find(password), std::string::npos);
    ASSERT_EQ(sodium_init() >= 0, true);
    EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), password.c_str(), password.size()), 0);
    EXPECT_NE(crypto_pwhash_str_verify(hash.c_str(), "wrong", 5), 0);
    EXPECT_TRUE(row.boolean(0, 3));
}

TEST_F(CtlCommands, UserCreateRefusesDuplicateUsernameCaseInsensitively) {
    ASSERT_EQ(ctl("org create --name General " + url_).status, 0);
    ASSERT_EQ(ctl(user_create("nurse.joy", "nurse")).status, 0);
    const auto r = ctl(user_create("Nurse.Joy", "nurse"));
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.output.find("one-time password"), std::string::npos);
    EXPECT_EQ(count("users"), 1);
}

TEST_F(CtlCommands, UserCreateRefusesBadInputWithoutSideEffects) {
    ASSERT_EQ(ctl("org create --name General " + url_).status, 0);
    EXPECT_EQ(ctl(user_create("x", "superuser")).status, 2);              // unknown role
    EXPECT_EQ(ctl(user_create(std::string(65, 'a'), "nurse")).status, 2); // too long
    EXPECT_EQ(ctl("user create --org General --role nurse " + url_).status, 2);  // missing args
    EXPECT_NE(ctl("user create --org Nowhere --username a --display-name A --role nurse " + url_).status, 0);
    EXPECT_EQ(count("users"), 0);
}

TEST_F(CtlCommands, WrongDatabasePasswordFailsWithoutEchoingIt) {
    ::setenv("WARDLINE_DB_PASSWORD", "not-the-password-123", 1);
    const auto r = ctl("org create --name General " + url_);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.output.find("not-the-password-123"), std::string::npos) << r.output;
}

TEST_F(CtlCommands, PasswordOnTheCommandLineOrInConninfoIsRefused) {
    auto r = ctl("org create --name General --password hunter2-secret " + url_);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.output.find("hunter2-secret"), std::string::npos) << r.output;
    r = ctl("org create --name General --database-url '" + db_.owner_conninfo + " password=hunter2-secret'");
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.output.find("hunter2-secret"), std::string::npos) << r.output;
    EXPECT_EQ(count("organizations"), 0);
}

TEST(CtlTls, SelfSignedWritesPrivateKeyReadableOnlyByOwner) {
    const auto dir = std::filesystem::temp_directory_path() / ("wardline-ctl-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto cert = (dir / "c.pem").string(), key = (dir / "k.pem").string();
    const auto r = ctl("tls self-signed --cert " + cert + " --key " + key);
    ASSERT_EQ(r.status, 0) << r.output;
    struct stat st {};
    ASSERT_EQ(::stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto fp = ctl("tls fingerprint --cert " + cert);
    EXPECT_EQ(fp.status, 0);
    EXPECT_EQ(fp.output.size(), 32u * 3);  // "AB:" x 32 minus last colon, plus newline
    EXPECT_NE(r.output.find(fp.output.substr(0, 95)), std::string::npos);
    EXPECT_NE(ctl("tls fingerprint --cert /nonexistent").status, 0);
    std::filesystem::remove_all(dir);
}

TEST(CtlUsage, UnknownCommandIsUsageError) {
    EXPECT_EQ(ctl("frobnicate").status, 2);
    EXPECT_EQ(ctl("").status, 2);
}

}  // namespace
}  // namespace wardline::test
