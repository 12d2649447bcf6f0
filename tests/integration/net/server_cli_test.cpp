// SPDX-License-Identifier: Apache-2.0
// The wardline-server command line: --check-config, refusals, no secrets as arguments.
#include "tests/support/run_command.hpp"

#include "server/audit/checkpoint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>
#include <fstream>

namespace {

using wardline::test::CommandResult;

CommandResult run(const std::string& args) {
    return wardline::test::run_command(std::string(WARDLINE_SERVER_BIN) + " " + args);
}

class ServerCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("wardline-cli-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    /// Writes a configuration file; unless `text` has its own [identity] section, one naming
    /// a valid keyring (a fixed test key) is added.
    std::string write(const std::string& text) {
        const auto path = (dir_ / "w.conf").string();
        const auto keyring = (dir_ / "sealing.keyring").string();
        std::ofstream(keyring) << "1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
        std::filesystem::permissions(
            keyring, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        const auto audit_key = (dir_ / "audit.key").string();
        if (!std::filesystem::exists(audit_key)) wardline::server::audit::SigningKey::write_new(audit_key);
        std::ofstream out(path);
        out << text;
        if (text.find("[identity]") == std::string::npos)
            out << "[identity]\nsealing_keyring_file = " << keyring << "\n";
        out << "[audit]\nsigning_key_file = " << audit_key << "\n";
        out << "[delivery]\nexternal_sender_key_file = " << (dir_ / "external-sender.key").string() << "\n";
        return path;
    }
    std::filesystem::path dir_;
};

TEST_F(ServerCli, CheckConfigAcceptsValidFile) {
    const auto r = run("--check-config --config " +
                       write("[server]\nlisten =\nplain_listen = 127.0.0.1:9\n[database]\nconninfo = dbname=x\n"));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("valid"), std::string::npos);
}

TEST_F(ServerCli, RefusesPlainTextOnNonLoopback) {
    const auto r = run("--check-config --config " +
                       write("[server]\nlisten =\nplain_listen = 0.0.0.0:8080\n[database]\nconninfo = dbname=x\n"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.output.find("server.plain_listen"), std::string::npos) << r.output;
}

TEST_F(ServerCli, CheckConfigRefusesAPresenceTtlOutOfRangeNamingKeyAndRange) {
    for (const char* ttl : {"2", "601"}) {
        const auto r = run("--check-config --config " +
                           write("[server]\nlisten =\nplain_listen = 127.0.0.1:9\n[database]\n"
                                 "conninfo = dbname=x\n[presence]\nnode_ttl_seconds = " +
                                 std::string(ttl) + "\n"));
        EXPECT_EQ(r.status, 2) << ttl << ": " << r.output;
        EXPECT_NE(r.output.find("presence.node_ttl_seconds: must be a whole number from 3 to 600"),
                  std::string::npos)
            << r.output;
    }
    const auto r = run("--check-config --config " +
                       write("[server]\nlisten =\nplain_listen = 127.0.0.1:9\n[database]\n"
                             "conninfo = dbname=x\n[presence]\nnode_ttl_seconds = 3\n"));
    EXPECT_EQ(r.status, 0) << r.output;
}

TEST_F(ServerCli, MissingKeyIsNamed) {
    const auto r = run("--check-config --config " + write("[server]\nlisten = 127.0.0.1:1\n"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.output.find("tls.certificate"), std::string::npos) << r.output;
}

TEST_F(ServerCli, SecretsAreNotTakenAsArguments) {
    const auto r = run("--config x --db-password hunter2");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.output.find("hunter2"), std::string::npos) << "the refused value must not be echoed";
}

TEST_F(ServerCli, UnreadableCertificateFailsAtStartWithTheFileName) {
    const auto r = run("--config " + write("[server]\nlisten = 127.0.0.1:1\n[tls]\ncertificate = /nonexistent/c.pem\n"
                                           "private_key = /nonexistent/k.pem\n[database]\nconninfo = dbname=x\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("/nonexistent/c.pem"), std::string::npos) << r.output;
}

TEST_F(ServerCli, MissingOrBrokenKeyringFailsNamingTheKey) {
    const std::string base = "[server]\nlisten =\nplain_listen = 127.0.0.1:1\n[database]\nconninfo = dbname=x\n";
    auto r = run("--check-config --config " + write(base + "[identity]\ntotp_issuer = X\n"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.output.find("identity.sealing_keyring_file"), std::string::npos) << r.output;
    std::ofstream((dir_ / "bad.keyring").string()) << "1 not-a-key\n";
    std::filesystem::permissions(dir_ / "bad.keyring", std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write);
    r = run("--config " + write(base + "[identity]\nsealing_keyring_file = " + (dir_ / "bad.keyring").string() + "\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("identity.sealing_keyring_file: line 1"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("not-a-key"), std::string::npos) << "key material echoed";
}

TEST_F(ServerCli, PrintDefaultConfigIsParseable) {
    const auto r = run("--print-default-config");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("[database]"), std::string::npos);
}

}  // namespace
