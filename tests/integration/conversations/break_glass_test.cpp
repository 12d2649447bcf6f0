// SPDX-License-Identifier: Apache-2.0
// Break-glass emergency access (issue #3; docs/security.md, "Break-glass"): a fresh second
// factor and a reason open any conversation of one's organization for a while, loudly audited,
// and the organization's compliance officers are told at once, list the grants with their
// reasons and may revoke them. Every refusal is checked for its answer and for what it did
// not write.
#include "server/identity/credentials.hpp"
#include "tests/integration/conversations/conversation_fixture.hpp"

#include <chrono>
#include <string>

namespace wardline::test {
namespace {

using nlohmann::json;

const std::string kReason = "Code blue on ward 4, covering for Dr. Phil";

class BreakGlass : public ConversationFixture {
protected:
    json open(WsClient& ws, const std::string& id, const std::string& code,
              const std::string& why = kReason) {
        json body{{"conversation_id", id}, {"reason", why}};
        if (!code.empty()) body["totp"] = code;
        return ws.request("break_glass.open", body);
    }
    long long grants() { return count("SELECT count(*) FROM break_glass_grants"); }
    long long failed_attempts(const std::string& reason) {
        return count(
            "SELECT count(*) FROM audit_records WHERE action = 'break_glass.open' AND "
            "outcome = 'failure' AND severity = 'high' AND details LIKE '%\"" +
            reason + "\"%'");
    }
    long long failures_of(const TestUser& u) {
        return count("SELECT failed_logins FROM users WHERE id = '" + u.id + "'");
    }
    bool event(WsClient& ws, const std::string& type, const std::string& key,
               const std::string& value) {
        return wait_for(
            [&] {
                for (const auto& e : ws.events())
                    if (e.value("event", "") == type && e["body"].value(key, "") == value)
                        return true;
                ws.request("system.ping");
                return false;
            },
            std::chrono::seconds(5));
    }
};

TEST_F(BreakGlass, OpensAGroupConversationWithAFreshCodeAndTellsTheComplianceOfficers) {
    TestUser owner_user = enroll("General", "olive.owner", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser officer = enroll("General", "carl.compliance", "compliance_officer");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser foreign_officer = enroll("Other", "oscar.compliance", "compliance_officer");
    auto o = logged_in(owner_user);
    auto d = logged_in(doctor);
    auto co = logged_in(officer);
    auto a = logged_in(admin);
    auto fo = logged_in(foreign_officer);
    const std::string group = create(*o, "group", {}, {{"title", "Night shift"}})["id"];
    EXPECT_EQ(error_code(d->request("conversations.get", {{"conversation_id", group}})),
              "not_found");

    const auto granted = ok("break_glass.open", open(*d, group, unused_code(doctor)));
    EXPECT_EQ(granted["conversation_id"], group);
    const std::string grant_id = granted["grant_id"];
    EXPECT_EQ(count("SELECT count(*) FROM break_glass_grants WHERE expires_at BETWEEN now() + "
                    "interval '59 minutes' AND now() + interval '61 minutes'"),
              1)
        << "the organization's break_glass_minutes (60 by default)";
    EXPECT_EQ(get(*d, group)["title"], "Night shift");

    // The compliance officer connected now is told, with ids and no reason; nobody else is.
    ASSERT_TRUE(event(*co, "break_glass.opened", "grant_id", grant_id));
    for (const auto& e : co->events()) {
        if (e.value("event", "") != "break_glass.opened") continue;
        EXPECT_EQ(e["body"]["conversation_id"], group);
        EXPECT_EQ(e["body"]["user_id"], doctor.id);
        EXPECT_EQ(e["body"]["expires_at"], granted["expires_at"]);
        EXPECT_FALSE(e["body"].contains("reason"));
    }
    a->request("system.ping");
    fo->request("system.ping");
    for (auto* ws : {a.get(), fo.get(), o.get()})
        for (const auto& e : ws->events()) EXPECT_NE(e.value("event", ""), "break_glass.opened");

    // Loud, and the reason is nowhere in the clear but in the compliance officer's list.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'break_glass.open' AND "
                    "outcome = 'success' AND severity = 'high' AND target_id = '" +
                    group + "'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%Code blue%'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM break_glass_grants WHERE reason LIKE '%Code blue%'"), 0);
    EXPECT_EQ(server().log().find("Code blue"), std::string::npos);

    const auto listed = ok("break_glass.list", co->request("break_glass.list", json::object()));
    ASSERT_EQ(listed["grants"].size(), 1u);
    const auto& g = listed["grants"][0];
    EXPECT_EQ(g["grant_id"], grant_id);
    EXPECT_EQ(g["user_id"], doctor.id);
    EXPECT_EQ(g["username"], "phil.physician");
    EXPECT_EQ(g["conversation_id"], group);
    EXPECT_EQ(g["reason"], kReason);
    EXPECT_EQ(g["expires_at"], granted["expires_at"]);
    EXPECT_TRUE(g["active"].get<bool>());
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'break_glass.list' AND "
                    "actor_id = '" +
                    officer.id + "' AND details LIKE '%" + grant_id + "%'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%Code blue%'"), 0);
    // Another organization's compliance officer sees none of it.
    EXPECT_EQ(
        ok("break_glass.list", fo->request("break_glass.list", {{"filter", "all"}}))["grants"],
        json::array());

    // Neither a nurse nor an administrator reviews grants: forbidden, audited, nothing shown.
    const auto denied_before = audit_count("authz.denied", "denied");
    EXPECT_EQ(error_code(o->request("break_glass.list", json::object())), "forbidden");
    EXPECT_EQ(error_code(a->request("break_glass.list", json::object())), "forbidden");
    EXPECT_EQ(error_code(o->request("break_glass.revoke", {{"grant_id", grant_id}})), "forbidden");
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied_before + 3);
    EXPECT_EQ(audit_count("break_glass.list"), 2) << "the two lists shown, not the refusals";

    // Revoked by the compliance officer: closed at once, the holder is told, on the record.
    EXPECT_EQ(error_code(fo->request("break_glass.revoke", {{"grant_id", grant_id}})), "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM break_glass_grants WHERE revoked_at IS NOT NULL"), 0);
    const auto revoked =
        ok("break_glass.revoke", co->request("break_glass.revoke", {{"grant_id", grant_id}}));
    EXPECT_EQ(revoked["conversation_id"], group);
    EXPECT_TRUE(event(*d, "break_glass.revoked", "grant_id", grant_id));
    EXPECT_EQ(error_code(d->request("conversations.get", {{"conversation_id", group}})),
              "not_found");
    EXPECT_EQ(error_code(co->request("break_glass.revoke", {{"grant_id", grant_id}})), "conflict");
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'break_glass.revoke' AND "
                    "severity = 'high'"),
              1);
    EXPECT_EQ(ok("break_glass.list", co->request("break_glass.list", json::object()))["grants"],
              json::array());
    const auto all = ok("break_glass.list", co->request("break_glass.list", {{"filter", "all"}}));
    ASSERT_EQ(all["grants"].size(), 1u);
    EXPECT_FALSE(all["grants"][0]["active"].get<bool>());
    EXPECT_EQ(all["grants"][0]["revoked_by"], officer.id);
}

TEST_F(BreakGlass, RefusesAMissingWrongOrReplayedCodeAndCountsTowardTheLockout) {
    TestUser owner_user = enroll("General", "olive.owner", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto o = logged_in(owner_user);
    auto d = logged_in(doctor);
    const std::string group = create(*o, "group", {})["id"];

    // Missing: a clear bad_request, on the record, not counted (nothing was guessed).
    EXPECT_EQ(error_code(open(*d, group, "")), "bad_request");
    EXPECT_EQ(failed_attempts("missing_code"), 1);
    EXPECT_EQ(failures_of(doctor), 0);

    // Wrong: forbidden, counted like a wrong code at login.
    EXPECT_EQ(error_code(open(*d, group, wrong_code(doctor))), "forbidden");
    EXPECT_EQ(failed_attempts("wrong_code"), 1);
    EXPECT_EQ(failures_of(doctor), 1);

    // Replayed: the code of a step already used (here by the login) is refused the same way.
    const long long used_step =
        count("SELECT totp_last_step FROM users WHERE id = '" + doctor.id + "'");
    const std::string replayed = server::identity::totp_code(doctor.totp_secret, used_step * 30);
    EXPECT_EQ(error_code(open(*d, group, replayed)), "forbidden");
    EXPECT_EQ(failed_attempts("replayed_code"), 1);
    EXPECT_EQ(failures_of(doctor), 2);
    EXPECT_EQ(grants(), 0);
    EXPECT_EQ(audit_count("break_glass.open", "success"), 0);

    // A correct code opens it and ends the run of failures, as a login does; the same code
    // again is a replay.
    const std::string good = unused_code(doctor);
    ok("break_glass.open", open(*d, group, good));
    EXPECT_EQ(failures_of(doctor), 0);
    EXPECT_EQ(error_code(open(*d, group, good)), "forbidden");
    EXPECT_EQ(failed_attempts("replayed_code"), 2);
    EXPECT_EQ(grants(), 1);
}

TEST_F(BreakGlass, WrongCodesLockTheAccountAtTheOrganizationsThresholdAndEndItsSessions) {
    TestUser owner_user = enroll("General", "olive.owner", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto o = logged_in(owner_user);
    auto d = logged_in(doctor);
    const std::string group = create(*o, "group", {})["id"];
    owner().exec(
        "UPDATE organization_policies SET lockout_threshold = 3 WHERE org_id = (SELECT org_id "
        "FROM users WHERE id = '" +
        doctor.id + "')");
    const std::string locked_sql =
        "SELECT count(*) FROM users WHERE locked AND id = '" + doctor.id + "'";

    // Locked elsewhere (say by wrong passwords at another workstation): even a correct code is
    // not tried, and its step stays unused.
    owner().exec("UPDATE users SET locked = true WHERE id = '" + doctor.id + "'");
    const std::string good = unused_code(doctor);
    EXPECT_EQ(error_code(open(*d, group, good)), "forbidden");
    EXPECT_EQ(failed_attempts("account_locked"), 1);
    EXPECT_EQ(grants(), 0);
    owner().exec("UPDATE users SET locked = false, failed_logins = 0 WHERE id = '" + doctor.id +
                 "'");

    // Two wrong codes count; the session goes on.
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(error_code(open(*d, group, wrong_code(doctor))), "forbidden");
    EXPECT_EQ(count(locked_sql), 0);
    EXPECT_EQ(error_code(d->request("conversations.list", json::object())), "");
    // The third locks the account and ends every session of the user: whoever holds this one
    // could not give the second factor.
    EXPECT_EQ(error_code(open(*d, group, wrong_code(doctor))), "forbidden");
    EXPECT_EQ(count(locked_sql), 1);
    EXPECT_EQ(audit_count("account.locked"), 1);
    EXPECT_TRUE(event(*d, "auth.session_ended", "reason", "account_locked"));
    EXPECT_EQ(error_code(d->request("conversations.list", json::object())), "unauthenticated");
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE user_id = '" + doctor.id +
                    "' AND (ended_at IS NULL OR end_reason <> 'account_locked')"),
              0);
    // The owner's session is untouched.
    EXPECT_EQ(error_code(o->request("conversations.list", json::object())), "");
    EXPECT_EQ(grants(), 0);
}

TEST_F(BreakGlass, RefusesAUserWithoutAnEnrolledSecondFactor) {
    TestUser owner_user = enroll("General", "olive.owner", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto o = logged_in(owner_user);
    auto d = logged_in(doctor);
    const std::string group = create(*o, "group", {})["id"];
    // As after users.reset_mfa in an organization that does not require MFA at login.
    owner().exec("UPDATE users SET totp_secret_sealed = NULL WHERE id = '" + doctor.id + "'");
    const auto r = open(*d, group, unused_code(doctor));
    EXPECT_EQ(error_code(r), "forbidden");
    EXPECT_NE(r.dump().find("second factor"), std::string::npos) << r.dump();
    EXPECT_EQ(failed_attempts("mfa_not_enrolled"), 1);
    EXPECT_EQ(grants(), 0);
}

TEST_F(BreakGlass, RefusesNonHoldersUnknownForeignAndOwnConversationsWithoutUsingTheCode) {
    TestUser owner_user = enroll("General", "olive.owner", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser desk = enroll("General", "fran.desk", "front_desk");
    TestUser foreign = enroll("Other", "fred.foreign", "physician");
    auto o = logged_in(owner_user);
    auto d = logged_in(doctor);
    auto f = logged_in(desk);
    auto x = logged_in(foreign);
    const std::string group = create(*o, "group", {})["id"];
    const std::string foreign_group = create(*x, "group", {})["id"];

    // No break_glass permission: forbidden before anything is looked up, and audited.
    const auto denied_before = audit_count("authz.denied", "denied");
    EXPECT_EQ(error_code(open(*f, group, unused_code(desk))), "forbidden");
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied_before + 1);

    // With a correct code: another organization's conversation and an unknown id are the same
    // not_found, the caller's own conversation is conflict, a missing reason is bad_request;
    // none of them uses up the code.
    const std::string code = unused_code(doctor);
    const long long step_before =
        count("SELECT totp_last_step FROM users WHERE id = '" + doctor.id + "'");
    const auto other = open(*d, foreign_group, code);
    const auto unknown = open(*d, "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f", code);
    EXPECT_EQ(error_code(other), "not_found");
    EXPECT_EQ(error_code(unknown), "not_found");
    EXPECT_EQ(other["error"]["message"], unknown["error"]["message"]);
    EXPECT_EQ(error_code(open(*o, group, unused_code(owner_user))), "conflict");
    EXPECT_EQ(error_code(open(*d, group, code, "because")), "bad_request");
    EXPECT_EQ(error_code(open(*d, group, code, std::string(20, ' '))), "bad_request");
    EXPECT_EQ(error_code(open(*d, group, code, "Covering \u202eICU tonight, urgent")),
              "bad_request");
    EXPECT_EQ(grants(), 0);
    EXPECT_EQ(audit_count("break_glass.open", "success"), 0);
    EXPECT_EQ(count("SELECT totp_last_step FROM users WHERE id = '" + doctor.id + "'"),
              step_before);
    EXPECT_EQ(failures_of(doctor), 0);
    // The code is still good.
    ok("break_glass.open", open(*d, group, code));
    EXPECT_EQ(grants(), 1);
}

TEST_F(BreakGlass, OpensOnePatientThreadForAWhileAndIsAuditedLoudly) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser covering = enroll("General", "cora.covering", "physician");
    auto d = logged_in(doctor);
    auto c = logged_in(covering);
    const json patient{
        {"mrn", "BG-1"}, {"name", "Ursula Vantablack"}, {"date_of_birth", "1960-01-01"}};
    const std::string thread =
        create(*d, "patient", {}, {{"title", "Vantablack"}, {"patient", patient}})["id"];
    auto find = [&](WsClient& ws) {
        return ok("patients.find", ws.request("patients.find", {{"mrn", "BG1"}}))["threads"];
    };
    EXPECT_EQ(error_code(c->request("conversations.get", {{"conversation_id", thread}})),
              "not_found");
    EXPECT_EQ(find(*c), json::array());

    ok("break_glass.open", open(*c, thread, unused_code(covering)));
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'break_glass.open' AND "
                    "severity = 'high'"),
              1);
    // Now readable, without a role, and every read is on the record.
    const auto read = get(*c, thread);
    EXPECT_EQ(read["patient"]["name"], "Ursula Vantablack");
    EXPECT_FALSE(read.contains("my_role"));
    EXPECT_EQ(find(*c).size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'break_glass.read' AND "
                    "severity = 'high'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'patients.find' AND "
                    "severity = 'high'"),
              1);
    // Reading is all it grants.
    EXPECT_EQ(error_code(c->request("conversations.update",
                                    {{"conversation_id", thread}, {"title", "x"}})),
              "not_found");
    EXPECT_EQ(error_code(c->request("conversations.add_members",
                                    {{"conversation_id", thread}, {"user_ids", {covering.id}}})),
              "not_found");
    EXPECT_EQ(members(thread), 1);

    // When it expires, the thread is closed again.
    owner().exec("UPDATE break_glass_grants SET expires_at = now() - interval '1 second'");
    EXPECT_EQ(error_code(c->request("conversations.get", {{"conversation_id", thread}})),
              "not_found");
    EXPECT_EQ(find(*c), json::array());
}

}  // namespace
}  // namespace wardline::test
