// SPDX-License-Identifier: Apache-2.0
// audit.verify (issue #6, the compliance view's chain check): the running server checks the
// whole audit chain and its signed checkpoints, names the first bad record, audits its own
// verdict, and refuses those without audit.read.
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace wardline::test {
namespace {

using nlohmann::json;

class AuditVerify : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        // A checkpoint after every 5 records, so that the chain has signed ones to check.
        start({{"audit.checkpoint_every_records", "5"}});
        officer_ = enroll("General", "olga.compliance", "compliance_officer");
    }
    /// Waits until the server signed a checkpoint covering at least `seq`.
    void wait_for_checkpoint() {
        for (int i = 0; i < 100 && count("SELECT count(*) FROM audit_checkpoints") == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ASSERT_GT(count("SELECT count(*) FROM audit_checkpoints"), 0) << "no checkpoint signed";
    }
    TestUser officer_;
};

TEST_F(AuditVerify, AnIntactChainVerifiesWithItsCheckpointsAndTheCheckIsAudited) {
    wait_for_checkpoint();
    auto ws = logged_in(officer_);
    const auto r = ws->request("audit.verify");
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    const json& b = r["body"];
    EXPECT_TRUE(b["ok"].get<bool>()) << b.dump();
    EXPECT_GE(b["records"].get<long long>(), 5);
    EXPECT_GT(b["checkpoint"].get<long long>(), 0);
    EXPECT_NE(b["summary"].get<std::string>().find("verified"), std::string::npos);
    EXPECT_FALSE(b.contains("bad_seq"));
    EXPECT_EQ(audit_count("audit.verify", "success"), 1);
}

TEST_F(AuditVerify, AChangedRecordIsNamedTheVerdictIsAuditedHighAndTheServerKeepsServing) {
    auto ws = logged_in(officer_);
    {
        auto c = owner();  // what an attacker holding the owner role does
        c.exec("ALTER TABLE audit_records DISABLE TRIGGER USER");
        c.exec("UPDATE audit_records SET details = '{\"via\":\"nobody\"}' WHERE seq = 2");
        c.exec("ALTER TABLE audit_records ENABLE TRIGGER USER");
    }
    const auto r = ws->request("audit.verify");
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_FALSE(r["body"]["ok"].get<bool>());
    EXPECT_EQ(r["body"]["bad_seq"].get<long long>(), 2);
    EXPECT_FALSE(r["body"]["problem"].get<std::string>().empty());
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'audit.verify' "
                    "AND outcome = 'failure' AND severity = 'high'"),
              1);
    EXPECT_EQ(ws->request("audit.query", {{"limit", 1}}).value("status", ""), "ok");
}

TEST_F(AuditVerify, ThoseWithoutAuditReadAreRefusedAndTheRefusalIsAudited) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser physician = enroll("General", "phil.physician", "physician");
    const auto denied_before = audit_count("authz.denied", "denied");
    for (TestUser* u : {&nurse, &physician}) {
        auto ws = logged_in(*u);
        const auto r = ws->request("audit.verify");
        EXPECT_EQ(r["error"].value("code", ""), "forbidden") << u->username << ": " << r.dump();
    }
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied_before + 2);
    EXPECT_EQ(audit_count("audit.verify"), 0);
    // Unknown fields are refused before anything runs.
    auto ws = logged_in(officer_);
    EXPECT_EQ(ws->request("audit.verify", {{"full", true}})["error"].value("code", ""),
              "bad_request");
}

}  // namespace
}  // namespace wardline::test
