// SPDX-License-Identifier: Apache-2.0
// The audit trail's tamper evidence (issue #3): real wardlinectl processes write records,
// sign checkpoints and verify; the test tampers as the owner role would, directly in SQL.
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/run_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wardline::test {
namespace {

namespace fs = std::filesystem;
using server::storage::PgSyncConnection;

class AuditChain : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shared_cluster().create_database();
        dir_ = fs::temp_directory_path() / ("wardline-audit-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        key_ = (dir_ / "audit.key").string();
        ASSERT_EQ(run_command(std::string(WARDLINECTL_BIN) + " audit keygen --out " + key_).status, 0);
        url_ = " --database-url '" + db_.owner_conninfo + "'";
        ASSERT_EQ(ctl("org create --name General").status, 0);
        for (const char* u : {"alice", "bob", "carol"})
            ASSERT_EQ(ctl(std::string("user create --org General --username ") + u + " --display-name X --role nurse").status, 0);
    }
    void TearDown() override { fs::remove_all(dir_); }

    CommandResult ctl(const std::string& args) {
        return run_command("WARDLINE_DB_PASSWORD='" + db_.owner_password + "' " + WARDLINECTL_BIN + " " + args + url_);
    }
    CommandResult verify() { return ctl("audit verify --public-key " + key_ + ".pub"); }
    CommandResult checkpoint() { return ctl("audit checkpoint --signing-key " + key_); }
    PgSyncConnection owner() { return PgSyncConnection::connect(db_.owner_conninfo, db_.owner_password); }
    /// What an attacker holding the owner role does first.
    void tamper(const std::string& sql) {
        auto c = owner();
        c.exec("ALTER TABLE audit_records DISABLE TRIGGER USER");
        c.exec("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER");
        c.exec(sql);
    }

    TestDatabase db_;
    fs::path dir_;
    std::string key_;
    std::string url_;
};

TEST_F(AuditChain, UntamperedChainVerifiesUpToItsCheckpoint) {
    ASSERT_EQ(checkpoint().status, 0);
    const auto r = verify();
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("verified 4 records up to checkpoint 4"), std::string::npos) << r.output;
}

TEST_F(AuditChain, ModifiedRecordIsNamed) {
    ASSERT_EQ(checkpoint().status, 0);
    tamper("UPDATE audit_records SET details = '{\"via\":\"nobody\"}' WHERE seq = 2");
    const auto r = verify();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("record 2: content changed"), std::string::npos) << r.output;
}

TEST_F(AuditChain, DeletedRecordIsNamed) {
    tamper("DELETE FROM audit_records WHERE seq = 3");
    const auto r = verify();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("record 3: missing"), std::string::npos) << r.output;
}

TEST_F(AuditChain, ReorderedRecordsAreNamed) {
    // Swap everything but the sequence numbers of records 2 and 3.
    tamper("UPDATE audit_records a SET recorded_at = b.recorded_at, actor_id = b.actor_id, "
           "action = b.action, target_id = b.target_id, details = b.details, prev_hash = b.prev_hash, "
           "hash = b.hash || '\\x00'::bytea FROM audit_records b WHERE (a.seq, b.seq) IN ((2, 3), (3, 2))");
    const auto r = verify();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("record 2: link broken"), std::string::npos) << r.output;
}

TEST_F(AuditChain, DeletedTailCoveredByACheckpointIsNamed) {
    ASSERT_EQ(checkpoint().status, 0);
    tamper("DELETE FROM audit_records WHERE seq = 4");
    const auto r = verify();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("record 4: missing: a signed checkpoint covers records up to 4"), std::string::npos) << r.output;
}

TEST_F(AuditChain, ForgedCheckpointIsNamed) {
    ASSERT_EQ(checkpoint().status, 0);
    tamper("UPDATE audit_checkpoints SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1)");
    const auto r = verify();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("record 4: the checkpoint at this record has an invalid signature"), std::string::npos)
        << r.output;
    // A checkpoint signed by another key does not count either.
    const auto other = (dir_ / "other.key").string();
    ASSERT_EQ(run_command(std::string(WARDLINECTL_BIN) + " audit keygen --out " + other).status, 0);
    EXPECT_EQ(ctl("audit verify --public-key " + other + ".pub").status, 1);
}

TEST_F(AuditChain, NobodyCanChangeRecordsWithoutDisablingTheTrigger) {
    auto c = owner();
    for (const char* sql : {"UPDATE audit_records SET details = '{}'", "DELETE FROM audit_records",
                            "TRUNCATE audit_records"}) {
        try {
            c.exec(sql);
            ADD_FAILURE() << "the owner could run: " << sql;
        } catch (const server::storage::PgSyncError& e) {
            EXPECT_EQ(e.sqlstate(), "42501") << sql;
        }
    }
    auto runtime = PgSyncConnection::connect(db_.runtime_conninfo, db_.runtime_password);
    for (const char* sql : {"UPDATE audit_records SET details = '{}'", "DELETE FROM audit_records",
                            "TRUNCATE audit_records", "DELETE FROM audit_checkpoints"}) {
        try {
            runtime.exec(sql);
            ADD_FAILURE() << "the runtime role could run: " << sql;
        } catch (const server::storage::PgSyncError& e) {
            EXPECT_EQ(e.sqlstate(), "42501") << sql;
        }
    }
    EXPECT_EQ(verify().status, 0);
}

TEST_F(AuditChain, ExportVerifiesOfflineAndATamperedExportDoesNot) {
    ASSERT_EQ(checkpoint().status, 0);
    const auto file = (dir_ / "export.jsonl").string();
    auto r = ctl("audit export --from 2000-01-01T00:00:00Z --to 2100-01-01T00:00:00Z --out " + file);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("exported 4 records"), std::string::npos) << r.output;
    const std::string pub = " --public-key " + key_ + ".pub";
    r = run_command(std::string(WARDLINECTL_BIN) + " audit verify-export " + file + pub);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("up to checkpoint 4"), std::string::npos) << r.output;

    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find("\"action\":\"user.create\"");
    ASSERT_NE(at, std::string::npos);
    s.replace(at, 22, "\"action\":\"user.delete\"");
    std::ofstream(file) << s;
    r = run_command(std::string(WARDLINECTL_BIN) + " audit verify-export " + file + pub);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("content changed"), std::string::npos) << r.output;

    std::ofstream(file) << "not json\n";
    EXPECT_EQ(run_command(std::string(WARDLINECTL_BIN) + " audit verify-export " + file + pub).status, 1);
    EXPECT_EQ(ctl("audit export --from yesterday-ish --to 2100-01-01 --out " + file).status, 2);
}

TEST_F(AuditChain, TwoProcessesAppendingAtOnceMakeOneLinearChain) {
    // Two shells, each creating users one process after another, at the same time.
    std::string script;
    for (const char* side : {"a", "b"}) {
        script += std::string("(for i in $(seq 1 15); do WARDLINE_DB_PASSWORD='") + db_.owner_password + "' " +
                  WARDLINECTL_BIN + " user create --org General --username user." + side +
                  "$i --display-name X --role nurse" + url_ + " >/dev/null || exit 1; done) & p_" + side + "=$!; ";
    }
    const auto r = run_command(script + "wait $p_a && wait $p_b");
    ASSERT_EQ(r.status, 0) << r.output;
    auto c = owner();
    EXPECT_EQ(c.exec("SELECT count(*), max(seq) FROM audit_records").int64(0, 0), 34);
    EXPECT_EQ(c.exec("SELECT max(seq) FROM audit_records").int64(0, 0), 34);
    const auto v = verify();
    EXPECT_EQ(v.status, 0) << v.output;
    EXPECT_NE(v.output.find("verified 34 records"), std::string::npos) << v.output;
}

}  // namespace
}  // namespace wardline::test
