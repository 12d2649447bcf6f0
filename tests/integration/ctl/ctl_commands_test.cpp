// SPDX-License-Identifier: Apache-2.0
// wardlinectl org/user/tls, run as a real process against a fresh test database.
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/run_command.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

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

TEST_F(CtlCommands, KeysCommandsRefuseBadInputClearlyAndNeverPrintKeys) {
    char dir[] = "/tmp/wardline-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string file = std::string(dir) + "/sealing.keyring";
    std::vector<CommandResult> outputs;
    const auto run = [&](const std::string& args) {
        outputs.push_back(ctl(args));
        return outputs.back();
    };

    // No keyring yet.
    auto r = run("keys rotate --file " + file);
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
    r = run("keys status --file " + file + " " + url_);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("cannot read"), std::string::npos) << r.output;
    EXPECT_EQ(run("keys status " + url_).status, 2);  // no --file

    // Made owner-only; a second create is refused; the older command name still rotates.
    ASSERT_EQ(run("keys create --out " + file).status, 0);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(run("keys create --out " + file).status, 3);
    r = run("keyring rotate --file " + file);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("added key 2"), std::string::npos) << r.output;
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // An empty database: nothing sealed, nothing to re-seal.
    r = run("keys status --file " + file + " " + url_);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("keys 1 2; key 2 seals"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rows under older keys: 0"), std::string::npos) << r.output;
    r = run("keys reseal --file " + file + " " + url_);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count("audit_records WHERE action = 'keys.reseal'"), 1);

    // Batch sizes: 1 to 10000.
    for (const std::string bad : {"0", "-1", "10001", "99999999999", "abc", "1.5"}) {
        r = run("keys reseal --file " + file + " --batch " + bad + " " + url_);
        EXPECT_EQ(r.status, 2) << bad;
        EXPECT_NE(r.output.find("--batch must be a whole number"), std::string::npos) << r.output;
    }
    EXPECT_EQ(run("keys reseal --file " + file + " --batch " + url_).status, 2);
    EXPECT_EQ(count("audit_records WHERE action = 'keys.reseal'"), 1);  // refused: no run

    // Key ids: unknown, malformed, the newest.
    r = run("keys retire --file " + file + " --key-id 7 " + url_);
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.output.find("has no key 7"), std::string::npos) << r.output;
    EXPECT_EQ(run("keys retire --file " + file + " --key-id x " + url_).status, 2);
    EXPECT_EQ(run("keys retire --file " + file + " --key-id 0 " + url_).status, 2);
    EXPECT_EQ(run("keys retire --file " + file + " " + url_).status, 2);
    r = run("keys retire --file " + file + " --key-id 2 " + url_);
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.output.find("seals new rows"), std::string::npos) << r.output;

    std::string good;
    {
        std::ifstream in(file);
        std::stringstream ss;
        ss << in.rdbuf();
        good = ss.str();
    }
    // Readable by others: refused by every command, as the server refuses it.
    ::chmod(file.c_str(), 0644);
    for (const std::string verb : {"status", "reseal"}) {
        r = run("keys " + verb + " --file " + file + " " + url_);
        EXPECT_EQ(r.status, 1) << verb;
        EXPECT_NE(r.output.find("chmod 600 or 640"), std::string::npos) << r.output;
    }
    EXPECT_EQ(run("keys rotate --file " + file).status, 1);
    ::chmod(file.c_str(), 0600);

    // Damaged: a line that is not "ID BASE64KEY", a repeated id; rotate leaves it unchanged.
    std::ofstream(file, std::ios::app) << "3 not a key\n";
    r = run("keys status --file " + file + " " + url_);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("line 4 is not 'ID BASE64KEY'"), std::string::npos) << r.output;
    EXPECT_EQ(run("keys rotate --file " + file).status, 1);
    std::ofstream(file, std::ios::trunc) << good << good.substr(good.find("\n1 ") + 1);
    r = run("keys status --file " + file + " " + url_);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("repeats key id 1"), std::string::npos) << r.output;
    std::ofstream(file, std::ios::trunc) << good;

    // Key 1 seals nothing: it may go, and the keyring keeps key 2 only.
    r = run("keys retire --file " + file + " --key-id 1 " + url_);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count("audit_records WHERE action = 'keys.retire'"), 1);
    r = run("keys status --file " + file + " " + url_);
    EXPECT_NE(r.output.find("keys 2; key 2 seals"), std::string::npos) << r.output;

    // Blind index keys: a missing file, a missing flag, a damaged file.
    const std::string blind = std::string(dir) + "/blind-index.key";
    r = run("keys rotate-blind-index --blind-index-file " + blind);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("cannot read"), std::string::npos) << r.output;
    EXPECT_EQ(run("keys rotate-blind-index").status, 2);
    EXPECT_EQ(run("keys reindex --file " + file + " " + url_).status, 2);
    std::ofstream(blind) << "notbase64\n";
    r = run("keys reindex --file " + file + " --blind-index-file " + blind + " " + url_);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("32-byte key"), std::string::npos) << r.output;

    // No command printed key material.
    std::istringstream lines(good);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto key = line.substr(line.find(' ') + 1);
        for (const auto& o : outputs) EXPECT_EQ(o.output.find(key), std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wardline::test
