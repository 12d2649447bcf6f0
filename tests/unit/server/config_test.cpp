// SPDX-License-Identifier: Apache-2.0
#include "server/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wardline::server {
namespace {

class ConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("wardline-config-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        ::unsetenv("WARDLINE_DB_PASSWORD");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& text) {
        const auto path = (dir_ / "wardline.conf").string();
        std::ofstream(path) << text;
        return path;
    }
    static constexpr const char* kMinimal =
        "[identity]\nsealing_keyring_file = /etc/wardline/sealing.keyring\n"
        "[audit]\nsigning_key_file = /etc/wardline/audit.key\n"
        "[delivery]\nexternal_sender_key_file = /etc/wardline/external-sender.key\n"
        "[tls]\ncertificate = /etc/c.pem\nprivate_key = /etc/k.pem\n"
        "[database]\nconninfo = host=/run/postgresql dbname=wardline user=app\n";

    std::filesystem::path dir_;
};

TEST_F(ConfigTest, MinimalFileGetsDefaults) {
    const auto c = load_config(write(kMinimal));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->listen.host, "0.0.0.0");
    EXPECT_EQ(c->listen.port, 8443);
    EXPECT_TRUE(c->plain_listen.empty());
    EXPECT_EQ(c->database.conninfo, "host=/run/postgresql dbname=wardline user=app");
    EXPECT_EQ(c->limits.max_frame_bytes, 65536u);
    EXPECT_EQ(c->database.pool_size, 8u);
    EXPECT_EQ(c->log_format, "human");
}

TEST_F(ConfigTest, MissingRequiredKeyNamesKeyAndFile) {
    const auto path = write("[tls]\ncertificate = /c\nprivate_key = /k\n");
    const auto c = load_config(path);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("database.conninfo"), std::string::npos) << c.error();
    EXPECT_NE(c.error().find(path), std::string::npos) << c.error();
}

TEST_F(ConfigTest, TlsFilesRequiredWithTlsListener) {
    const auto c = load_config(write("[database]\nconninfo = dbname=x\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("tls.certificate"), std::string::npos) << c.error();
}

TEST_F(ConfigTest, UnknownKeyIsRefused) {
    const auto c = load_config(write(std::string(kMinimal) + "[limits]\nmax_fram_bytes = 10\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("limits.max_fram_bytes"), std::string::npos) << c.error();
}

TEST_F(ConfigTest, BadNumbersAreRefusedWithTheKey) {
    for (const char* bad : {"abc", "-1", "0", "99999999999999999999", "12x"}) {
        const auto c = load_config(write(std::string(kMinimal) + "[limits]\nmax_in_flight = " + bad + "\n"));
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().find("limits.max_in_flight"), std::string::npos) << c.error();
    }
}

TEST_F(ConfigTest, PlainListenerOnlyOnLoopback) {
    for (const char* host : {"0.0.0.0:8080", "10.1.2.3:8080", "[::]:8080", "192.168.0.1:80"}) {
        const auto c = load_config(write(std::string(kMinimal) + "[server]\nplain_listen = " + host + "\n"));
        ASSERT_FALSE(c) << host;
        EXPECT_NE(c.error().find("loopback"), std::string::npos) << c.error();
    }
    for (const char* host : {"127.0.0.1:8080", "[::1]:8080", "localhost:8080", "127.0.0.2:8080"}) {
        const auto c = load_config(write(std::string(kMinimal) + "[server]\nplain_listen = " + host + "\n"));
        EXPECT_TRUE(c) << host << ": " << c.error();
    }
}

TEST_F(ConfigTest, PlainOnlyNeedsNoCertificate) {
    const auto c = load_config(write("[server]\nlisten =\nplain_listen = 127.0.0.1:8080\n"
                                     "[database]\nconninfo = dbname=x\n"
                                     "[identity]\nsealing_keyring_file = /k\n"
                                     "[audit]\nsigning_key_file = /a\n"
                                     "[delivery]\nexternal_sender_key_file = /e\n"));
    ASSERT_TRUE(c) << c.error();
    EXPECT_TRUE(c->listen.empty());
}

TEST_F(ConfigTest, PasswordFromEnvironmentOrFile) {
    ::setenv("WARDLINE_DB_PASSWORD", "from-env", 1);
    auto c = load_config(write(kMinimal));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->database.password, "from-env");

    const auto pw = (dir_ / "pw").string();
    std::ofstream(pw) << "from-file\nignored second line\n";
    c = load_config(write(std::string(kMinimal) + "password_file = " + pw + "\n"));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->database.password, "from-file");
    ::unsetenv("WARDLINE_DB_PASSWORD");
}

TEST_F(ConfigTest, UnreadablePasswordFileIsAnErrorWithoutContents) {
    const auto c = load_config(write(std::string(kMinimal) + "password_file = /nonexistent/pw\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("database.password_file"), std::string::npos);
}

TEST_F(ConfigTest, MissingFileIsReported) {
    const auto c = load_config((dir_ / "absent.conf").string());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("absent.conf"), std::string::npos);
}

TEST_F(ConfigTest, IdentityKeysAreCheckedAndArgonCannotGoBelowOwasp) {
    auto c = load_config(write(std::string(kMinimal) + "[identity]\nargon2_memory_kib = 19455\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("identity.argon2_memory_kib"), std::string::npos) << c.error();
    c = load_config(write(std::string(kMinimal) + "[identity]\nargon2_ops = 1\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("identity.argon2_ops"), std::string::npos) << c.error();
    c = load_config(write(std::string(kMinimal) + "[identity]\nlogin_burst = 0\n"));
    EXPECT_FALSE(c);
    c = load_config(write(std::string(kMinimal)));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->identity.argon2_memory_kib, 65536u);
    EXPECT_EQ(c->identity.sealing_keyring_file, "/etc/wardline/sealing.keyring");
}

TEST_F(ConfigTest, PresenceNodeTtlDefaultsToThirtySecondsAndIsKeptWithinItsRange) {
    auto c = load_config(write(kMinimal));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->presence.node_ttl, std::chrono::seconds(30));
    for (const char* good : {"3", "600", "45"}) {
        c = load_config(write(std::string(kMinimal) + "[presence]\nnode_ttl_seconds = " + good + "\n"));
        ASSERT_TRUE(c) << good << ": " << c.error();
        EXPECT_EQ(c->presence.node_ttl, std::chrono::seconds(std::stoi(good)));
    }
    for (const char* bad : {"2", "0", "-30", "601", "86400", "30s", "abc", "", "1e2"}) {
        const auto path = write(std::string(kMinimal) + "[presence]\nnode_ttl_seconds = " + bad + "\n");
        c = load_config(path);
        ASSERT_FALSE(c) << "accepted: '" << bad << "'";
        EXPECT_NE(c.error().find("presence.node_ttl_seconds"), std::string::npos) << c.error();
        EXPECT_NE(c.error().find("from 3 to 600"), std::string::npos) << c.error();
        EXPECT_NE(c.error().find(path), std::string::npos) << c.error();
    }
    // An unknown key of the section is named, not ignored.
    c = load_config(write(std::string(kMinimal) + "[presence]\nnode_ttl = 30\n"));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("presence.node_ttl"), std::string::npos) << c.error();
}

TEST_F(ConfigTest, BadLogLevelAndFormatRefused) {
    EXPECT_FALSE(load_config(write(std::string(kMinimal) + "[log]\nlevel = chatty\n")));
    EXPECT_FALSE(load_config(write(std::string(kMinimal) + "[log]\nformat = xml\n")));
}

TEST_F(ConfigTest, DefaultConfigParsesAfterFillingRequiredKeys) {
    std::ostringstream out;
    print_default_config(out);
    std::string text = out.str();
    auto fill = [&](const std::string& key, const std::string& value) {
        const auto pos = text.find("\n" + key + " =\n");
        ASSERT_NE(pos, std::string::npos) << key;
        text.replace(pos, key.size() + 4, "\n" + key + " = " + value + "\n");
    };
    fill("certificate", "/c");
    fill("private_key", "/k");
    fill("conninfo", "dbname=x");
    fill("sealing_keyring_file", "/k");
    fill("signing_key_file", "/a");
    fill("external_sender_key_file", "/e");
    const auto c = load_config(write(text));
    EXPECT_TRUE(c) << c.error();
}

TEST_F(ConfigTest, ExampleConfigInDeployMatchesDefaults) {
    std::ostringstream out;
    print_default_config(out);
    std::ifstream in(WARDLINE_SOURCE_DIR "/deploy/wardline.conf.example");
    std::stringstream file;
    file << in.rdbuf();
    EXPECT_EQ(file.str(), out.str())
        << "regenerate with: build/server/app/wardline-server --print-default-config > deploy/wardline.conf.example";
}

}  // namespace
}  // namespace wardline::server
