// SPDX-License-Identifier: Apache-2.0
// Retention policies and legal holds as requests (issue #7; docs/admin-guide.md "Retention and
// legal holds") against a real server, database and TLS: four-eyes on shortening a policy and
// on releasing a hold, the dry-run preview, and every refusal from the side of the user who
// must be refused (a nurse, a compliance officer without retention.manage, an administrator
// without legal_hold.manage, another organization's administrator or officer, the proposer or
// requester deciding their own change), with bad input of every kind.
#include "tests/integration/messaging/stream_fixture.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 24 * 60 * 60 * 1000;

class RetentionRequests : public StreamFixture {
protected:
    /// A conversation of `creator`'s organization of `kind`, made by SQL.
    std::string conversation(const TestUser& creator, const std::string& kind = "group",
                             const std::string& unit = "") {
        const auto id = create_conversation(creator, {{&creator, "owner"}}, random_group_id());
        if (kind == "patient")
            owner().exec(
                "UPDATE conversations SET kind = 'patient', patient_sealed = '\\x00', "
                "mrn_index = '\\x01', mrn_index_key_id = 1 WHERE id = '" +
                id + "'");
        else if (kind != "group")
            owner().exec("UPDATE conversations SET kind = '" + kind + "'" +
                         (unit.empty() ? "" : ", unit = '" + unit + "'") + " WHERE id = '" + id +
                         "'");
        return id;
    }
    /// A message of `sender` stored `days_old` days ago; returns its seq.
    std::int64_t message(const std::string& conv, const TestUser& sender, int days_old) {
        auto db = owner();
        const auto seq = db.exec("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '" +
                                 conv + "' RETURNING last_seq")
                             .int64(0, 0);
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, epoch, body_sealed, created_at) SELECT id, " +
            std::to_string(seq) + ", org_id, 'application', '" + sender.id +
            "', gen_random_uuid(), 0, '\\x00', now() - interval '" + std::to_string(days_old) +
            " days' FROM conversations WHERE id = '" + conv + "'");
        return seq;
    }
    static json org_policy(int days) { return {{"scope", "organization"}, {"keep_days", days}}; }
    std::int64_t now_ms() {
        return owner().exec("SELECT (extract(epoch FROM now()) * 1000)::bigint").int64(0, 0);
    }
};

TEST_F(RetentionRequests, RetentionLengtheningAppliesAtOnceAndShorteningWaitsForASecondAdmin) {
    start_stream();
    TestUser ada = enroll("General", "ada.admin", "admin");
    TestUser ben = enroll("General", "ben.admin", "admin");
    auto ada_ws = logged_in(ada);
    auto ben_ws = logged_in(ben);
    // No policy keeps forever: a first duration is a shortening.
    const json proposed =
        ok("retention.policies.set", ada_ws->request("retention.policies.set", org_policy(365)));
    EXPECT_EQ(proposed["status"], "pending");
    const std::string change = proposed["change_id"];
    // The proposer cannot confirm or reject it.
    EXPECT_EQ(code(ada_ws->request("retention.changes.confirm", {{"change_id", change}})),
              "forbidden");
    EXPECT_EQ(code(ada_ws->request("retention.changes.reject", {{"change_id", change}})),
              "forbidden");
    EXPECT_EQ(audit_count("retention.change_confirm", "denied"), 1);
    EXPECT_EQ(audit_count("retention.change_reject", "denied"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies"), 0);
    json listed = ok("retention.policies.list", ben_ws->request("retention.policies.list"));
    ASSERT_EQ(listed["pending"].size(), 1u);
    EXPECT_EQ(listed["pending"][0]["keep_days"], 365);
    EXPECT_EQ(listed["pending"][0]["proposed_by"], ada.id);
    EXPECT_FALSE(listed["pending"][0].contains("previous_keep_days"));
    // A second administrator confirms: it applies.
    EXPECT_EQ(ok("retention.changes.confirm",
                 ben_ws->request("retention.changes.confirm", {{"change_id", change}}))["status"],
              "confirmed");
    EXPECT_EQ(count("SELECT keep_days FROM retention_policies WHERE scope = 'organization'"), 365);
    EXPECT_EQ(code(ben_ws->request("retention.changes.confirm", {{"change_id", change}})),
              "not_found");
    // Longer, and forever, apply at once.
    EXPECT_EQ(ok("retention.policies.set",
                 ada_ws->request("retention.policies.set", org_policy(400)))["status"],
              "applied");
    EXPECT_EQ(count("SELECT keep_days FROM retention_policies WHERE scope = 'organization'"), 400);
    EXPECT_EQ(
        ok("retention.policies.set",
           ada_ws->request("retention.policies.set",
                           {{"scope", "kind"}, {"kind", "channel"}, {"forever", true}}))["status"],
        "applied");
    // Shorter waits; one pending change per scope; a rejection leaves the policy alone.
    const json shorter =
        ok("retention.policies.set", ada_ws->request("retention.policies.set", org_policy(30)));
    ASSERT_EQ(shorter["status"], "pending");
    EXPECT_EQ(code(ben_ws->request("retention.policies.set", org_policy(10))), "conflict");
    EXPECT_EQ(ok("retention.changes.reject",
                 ben_ws->request("retention.changes.reject",
                                 {{"change_id", shorter["change_id"]}}))["status"],
              "rejected");
    listed = ok("retention.policies.list", ada_ws->request("retention.policies.list"));
    EXPECT_EQ(listed["pending"].size(), 0u);
    ASSERT_EQ(listed["policies"].size(), 2u);
    EXPECT_EQ(listed["policies"][0]["scope"], "organization");
    EXPECT_EQ(listed["policies"][0]["keep_days"], 400);
    EXPECT_EQ(listed["policies"][1]["kind"], "channel");
    EXPECT_EQ(listed["policies"][1]["forever"], true);
    EXPECT_EQ(audit_count("retention.change_propose", "success"), 2);
    EXPECT_EQ(audit_count("retention.change_confirm", "success"), 1);
    EXPECT_EQ(audit_count("retention.change_reject", "success"), 1);
    EXPECT_EQ(audit_count("retention.policy_set", "success"), 2);
    EXPECT_EQ(audit_count("retention.change_propose", "failure"), 1);
}

TEST_F(RetentionRequests,
       RetentionPreviewCountsPerKindAndUnitLeavesOutHeldMessagesAndChangesNothing) {
    start_stream();
    TestUser ada = enroll("General", "ada.admin", "admin");
    TestUser carl = enroll("General", "carl.physician", "physician");
    const auto group = conversation(carl);
    const auto ward = conversation(carl, "announcement", "Ward 4");
    const auto own_policy = conversation(carl);
    const auto held = conversation(carl);
    message(group, carl, 50);
    message(group, carl, 40);
    message(group, carl, 5);
    message(ward, carl, 45);
    message(own_policy, carl, 90);  // governed by its own policy, not the organization's
    message(held, carl, 60);
    owner().exec(
        "INSERT INTO retention_policies (org_id, scope, conversation_id, keep_days, "
        "updated_by) SELECT org_id, 'conversation', id, 365, created_by FROM "
        "conversations WHERE id = '" +
        own_policy + "'");
    auto co = enroll("General", "cora.compliance", "compliance_officer");
    auto co_ws = logged_in(co);
    ok("legal_holds.place", co_ws->request("legal_holds.place", {{"scope", "conversation"},
                                                                 {"conversation_id", held},
                                                                 {"case_name", "Smith v. General"},
                                                                 {"from_ms", 0}}));
    auto ws = logged_in(ada);
    const json p = ok("retention.preview", ws->request("retention.preview", org_policy(30)));
    EXPECT_EQ(p["messages"], 3);
    ASSERT_EQ(p["groups"].size(), 2u) << p.dump();
    EXPECT_EQ(p["groups"][0]["kind"], "announcement");
    EXPECT_EQ(p["groups"][0]["unit"], "Ward 4");
    EXPECT_EQ(p["groups"][0]["messages"], 1);
    EXPECT_EQ(p["groups"][1]["kind"], "group");
    EXPECT_EQ(p["groups"][1]["messages"], 2);
    const std::int64_t now = now_ms();
    EXPECT_NEAR(static_cast<double>(p["groups"][1]["oldest_ms"].get<std::int64_t>()),
                static_cast<double>(now - 50 * kDay), 60000.0);
    EXPECT_NEAR(static_cast<double>(p["groups"][1]["newest_ms"].get<std::int64_t>()),
                static_cast<double>(now - 40 * kDay), 60000.0);
    // Per conversation: the one with its own policy.
    const json one =
        ok("retention.preview", ws->request("retention.preview", {{"scope", "conversation"},
                                                                  {"conversation_id", own_policy},
                                                                  {"keep_days", 30}}));
    EXPECT_EQ(one["messages"], 1);
    // Per kind.
    const json kind = ok("retention.preview",
                         ws->request("retention.preview",
                                     {{"scope", "kind"}, {"kind", "group"}, {"keep_days", 45}}));
    EXPECT_EQ(kind["messages"], 1);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 6);
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes"), 0);
}

TEST_F(RetentionRequests,
       RetentionRequestsAreRefusedToThoseWithoutRetentionManageAndAcrossOrganizations) {
    start_stream();
    TestUser ada = enroll("General", "ada.admin", "admin");
    TestUser nina = enroll("General", "nina.nurse", "nurse");
    TestUser cora = enroll("General", "cora.compliance", "compliance_officer");
    TestUser otto = enroll("Other", "otto.admin", "admin");
    const auto conv = conversation(ada);
    auto ada_ws = logged_in(ada);
    const json proposed =
        ok("retention.policies.set", ada_ws->request("retention.policies.set", org_policy(90)));
    const std::string change = proposed["change_id"];
    const std::vector<std::pair<std::string, json>> requests{
        {"retention.policies.list", json::object()},
        {"retention.policies.set", org_policy(400)},
        {"retention.preview", org_policy(30)},
        {"retention.changes.confirm", {{"change_id", change}}},
        {"retention.changes.reject", {{"change_id", change}}},
    };
    const auto denied = audit_count("authz.denied", "denied");
    for (TestUser* refused : {&nina, &cora}) {
        auto ws = logged_in(*refused);
        for (const auto& [type, body] : requests)
            EXPECT_EQ(code(ws->request(type, body)), "forbidden")
                << refused->username << " " << type;
    }
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied + 10);
    // Another organization's administrator: General's conversation and change do not exist.
    auto otto_ws = logged_in(otto);
    EXPECT_EQ(code(otto_ws->request(
                  "retention.policies.set",
                  {{"scope", "conversation"}, {"conversation_id", conv}, {"forever", true}})),
              "not_found");
    EXPECT_EQ(code(otto_ws->request(
                  "retention.preview",
                  {{"scope", "conversation"}, {"conversation_id", conv}, {"keep_days", 1}})),
              "not_found");
    EXPECT_EQ(code(otto_ws->request("retention.changes.confirm", {{"change_id", change}})),
              "not_found");
    EXPECT_EQ(audit_count("retention.policy_set", "denied"), 1);
    EXPECT_EQ(audit_count("retention.change_confirm", "denied"), 1);
    EXPECT_EQ(ok("retention.policies.list", otto_ws->request("retention.policies.list"))["pending"]
                  .size(),
              0u);
    // Nothing changed: the change is still pending, and there is no policy.
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes WHERE status = 'pending'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies"), 0);
}

TEST_F(RetentionRequests, RetentionBadInputIsRefusedAndChangesNothing) {
    start_stream();
    TestUser ada = enroll("General", "ada.admin", "admin");
    auto ws = logged_in(ada);
    const auto set = [&](const json& body) {
        return code(ws->request("retention.policies.set", body));
    };
    EXPECT_EQ(set(org_policy(-5)), "bad_request");
    EXPECT_EQ(set(org_policy(0)), "bad_request");
    EXPECT_EQ(set(org_policy(36501)), "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}, {"keep_days", "30"}}), "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}}), "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}, {"keep_days", 30}, {"forever", true}}),
              "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}, {"forever", false}}), "bad_request");
    EXPECT_EQ(set({{"scope", "kind"}, {"kind", "sms"}, {"keep_days", 30}}), "bad_request");
    EXPECT_EQ(set({{"scope", "kind"}, {"keep_days", 30}}), "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}, {"kind", "group"}, {"keep_days", 30}}),
              "bad_request");
    EXPECT_EQ(set({{"scope", "conversation"}, {"keep_days", 30}}), "bad_request");
    EXPECT_EQ(set({{"scope", "conversation"},
                   {"conversation_id", std::string(36, 'z')},
                   {"keep_days", 30}}),
              "bad_request");
    EXPECT_EQ(set({{"scope", "conversation"}, {"conversation_id", new_uuid()}, {"keep_days", 30}}),
              "not_found");
    EXPECT_EQ(set({{"scope", "planet"}, {"keep_days", 30}}), "bad_request");
    EXPECT_EQ(set({{"scope", "organization"}, {"keep_days", 30}, {"extra", 1}}), "bad_request");
    EXPECT_EQ(code(ws->request("retention.preview", {{"scope", "organization"}})), "bad_request");
    EXPECT_EQ(code(ws->request("retention.preview", org_policy(-1))), "bad_request");
    EXPECT_EQ(code(ws->request("retention.changes.confirm", {{"change_id", "nope"}})),
              "bad_request");
    EXPECT_EQ(code(ws->request("retention.changes.confirm", {{"change_id", new_uuid()}})),
              "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes"), 0);
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
}

TEST_F(RetentionRequests, LegalHoldPlacedListedAndReleasedOnlyWhenASecondOfficerConfirms) {
    start_stream();
    TestUser cora = enroll("General", "cora.compliance", "compliance_officer");
    TestUser cleo = enroll("General", "cleo.compliance", "compliance_officer");
    TestUser carl = enroll("General", "carl.physician", "physician");
    const auto conv = conversation(carl);
    const auto thread = conversation(carl, "patient");
    message(conv, carl, 60);
    auto cora_ws = logged_in(cora);
    auto cleo_ws = logged_in(cleo);
    const std::int64_t now = now_ms();
    const std::string case_name = "Doe v. General Hospital";
    const std::string on_user = ok(
        "legal_holds.place", cora_ws->request("legal_holds.place", {{"scope", "user"},
                                                                    {"user_id", carl.id},
                                                                    {"case_name", case_name},
                                                                    {"from_ms", now - 400 * kDay},
                                                                    {"until_ms", now}}))["hold_id"];
    const std::string on_conv =
        ok("legal_holds.place", cora_ws->request("legal_holds.place", {{"scope", "conversation"},
                                                                       {"conversation_id", conv},
                                                                       {"case_name", case_name},
                                                                       {"from_ms", 0}}))["hold_id"];
    ok("legal_holds.place", cora_ws->request("legal_holds.place", {{"scope", "patient_thread"},
                                                                   {"conversation_id", thread},
                                                                   {"case_name", case_name},
                                                                   {"from_ms", 0}}));
    json listed = ok("legal_holds.list", cleo_ws->request("legal_holds.list"));
    ASSERT_EQ(listed["holds"].size(), 3u);
    for (const auto& h : listed["holds"]) {
        EXPECT_EQ(h["state"], "active");
        EXPECT_EQ(h["case_name"], case_name);
        EXPECT_EQ(h["placed_by"], cora.id);
    }
    // The hold keeps the retention job away, also while its release is pending.
    owner().exec(
        "INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT "
        "org_id, 'organization', 30, id FROM users WHERE id = '" +
        carl.id + "'");
    EXPECT_EQ(ok("legal_holds.release",
                 cora_ws->request("legal_holds.release", {{"hold_id", on_conv}}))["state"],
              "release_pending");
    EXPECT_EQ(code(cora_ws->request("legal_holds.release", {{"hold_id", on_conv}})), "conflict");
    EXPECT_EQ(code(cora_ws->request("legal_holds.confirm_release", {{"hold_id", on_conv}})),
              "forbidden");
    EXPECT_EQ(code(cleo_ws->request("legal_holds.confirm_release", {{"hold_id", on_user}})),
              "conflict");  // nobody asked to release that one
    ASSERT_EQ(ctl("retention run").status, 0);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv + "'"), 1);
    // A second officer confirms: released, and out of the default list.
    EXPECT_EQ(ok("legal_holds.confirm_release",
                 cleo_ws->request("legal_holds.confirm_release", {{"hold_id", on_conv}}))["state"],
              "released");
    EXPECT_EQ(code(cleo_ws->request("legal_holds.confirm_release", {{"hold_id", on_conv}})),
              "conflict");
    listed = ok("legal_holds.list", cleo_ws->request("legal_holds.list"));
    EXPECT_EQ(listed["holds"].size(), 2u);
    listed =
        ok("legal_holds.list", cleo_ws->request("legal_holds.list", {{"include_released", true}}));
    ASSERT_EQ(listed["holds"].size(), 3u);
    bool seen = false;
    for (const auto& h : listed["holds"])
        if (h["id"] == on_conv) {
            seen = true;
            EXPECT_EQ(h["state"], "released");
            EXPECT_EQ(h["release_requested_by"], cora.id);
            EXPECT_EQ(h["released_by"], cleo.id);
        }
    EXPECT_TRUE(seen);
    // carl's user hold still covers his message.
    ASSERT_EQ(ctl("retention run").status, 0);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv + "'"), 1);
    EXPECT_EQ(audit_count("legal_hold.place", "success"), 3);
    EXPECT_EQ(audit_count("legal_hold.release_request", "success"), 1);
    EXPECT_EQ(audit_count("legal_hold.release_confirm", "success"), 1);
    EXPECT_EQ(audit_count("legal_hold.release_confirm", "denied"), 1);
    // The case name stays out of the audit trail.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%Doe v.%'"), 0);
}

TEST_F(RetentionRequests, LegalHoldRefusalsFromEverySideAndBadInput) {
    start_stream();
    TestUser cora = enroll("General", "cora.compliance", "compliance_officer");
    TestUser ada = enroll("General", "ada.admin", "admin");
    TestUser nina = enroll("General", "nina.nurse", "nurse");
    TestUser olga = enroll("Other", "olga.compliance", "compliance_officer");
    const auto conv = conversation(ada);
    auto cora_ws = logged_in(cora);
    const std::string hold =
        ok("legal_holds.place", cora_ws->request("legal_holds.place", {{"scope", "conversation"},
                                                                       {"conversation_id", conv},
                                                                       {"case_name", "Case 7"},
                                                                       {"from_ms", 0}}))["hold_id"];
    const std::vector<std::pair<std::string, json>> requests{
        {"legal_holds.place",
         {{"scope", "user"}, {"user_id", nina.id}, {"case_name", "X"}, {"from_ms", 0}}},
        {"legal_holds.list", json::object()},
        {"legal_holds.release", {{"hold_id", hold}}},
        {"legal_holds.confirm_release", {{"hold_id", hold}}},
    };
    for (TestUser* refused : {&nina, &ada}) {  // an administrator lacks legal_hold.manage
        auto ws = logged_in(*refused);
        for (const auto& [type, body] : requests)
            EXPECT_EQ(code(ws->request(type, body)), "forbidden")
                << refused->username << " " << type;
    }
    // Another organization's officer: General's user, conversation and hold do not exist.
    auto olga_ws = logged_in(olga);
    EXPECT_EQ(code(olga_ws->request(
                  "legal_holds.place",
                  {{"scope", "user"}, {"user_id", nina.id}, {"case_name", "X"}, {"from_ms", 0}})),
              "not_found");
    EXPECT_EQ(code(olga_ws->request("legal_holds.place", {{"scope", "conversation"},
                                                          {"conversation_id", conv},
                                                          {"case_name", "X"},
                                                          {"from_ms", 0}})),
              "not_found");
    EXPECT_EQ(code(olga_ws->request("legal_holds.release", {{"hold_id", hold}})), "not_found");
    EXPECT_EQ(ok("legal_holds.list", olga_ws->request("legal_holds.list"))["holds"].size(), 0u);
    EXPECT_EQ(audit_count("legal_hold.place", "denied"), 2);
    EXPECT_EQ(audit_count("legal_hold.release_request", "denied"), 1);
    // Bad input.
    const auto place = [&](json body) { return code(cora_ws->request("legal_holds.place", body)); };
    const auto with = [](json body, const json& changes) {
        body.update(changes);
        return body;
    };
    const json base{{"scope", "conversation"},
                    {"conversation_id", conv},
                    {"case_name", "C"},
                    {"from_ms", 1000}};
    EXPECT_EQ(place(with(base, {{"until_ms", 500}})), "bad_request");   // reversed
    EXPECT_EQ(place(with(base, {{"until_ms", 1000}})), "bad_request");  // empty
    EXPECT_EQ(place(with(base, {{"case_name", std::string(201, 'c')}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"case_name", ""}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"from_ms", -1}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"from_ms", "yesterday"}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"user_id", nina.id}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"scope", "patient_thread"}})), "bad_request");  // a group
    EXPECT_EQ(place(with(base, {{"scope", "department"}})), "bad_request");
    EXPECT_EQ(place(with(base, {{"conversation_id", new_uuid()}})), "not_found");
    EXPECT_EQ(place({{"scope", "user"}, {"case_name", "C"}, {"from_ms", 0}}), "bad_request");
    EXPECT_EQ(
        place({{"scope", "user"}, {"user_id", new_uuid()}, {"case_name", "C"}, {"from_ms", 0}}),
        "not_found");
    EXPECT_EQ(code(cora_ws->request("legal_holds.release", {{"hold_id", "x"}})), "bad_request");
    EXPECT_EQ(code(cora_ws->request("legal_holds.release", {{"hold_id", new_uuid()}})),
              "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds WHERE release_requested_by IS NOT NULL"), 0);
}

}  // namespace
}  // namespace wardline::test
