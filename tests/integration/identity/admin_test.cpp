// SPDX-License-Identifier: Apache-2.0
// Account administration over the WebSocket (issue #3), from the administrator's side and
// from the side of those who must be refused.
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace wardline::test {
namespace {

using nlohmann::json;

std::string error_code(const json& r) { return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : ""; }

class Admin : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start();
        admin_ = enroll("General", "ada.admin", "admin");
    }
    TestUser admin_;
};

TEST_F(Admin, CreatedUserGetsAOneTimePasswordThatMustBeChanged) {
    auto ws = logged_in(admin_);
    const auto created_before = audit_count("user.create", "success");  // the admin's own, by wardlinectl
    auto r = ws->request("users.create", {{"username", "New.Nurse"}, {"display_name", "New Nurse"},
                                          {"department", "ICU"}, {"roles", {"nurse"}}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["user"]["roles"], json({"nurse"}));
    EXPECT_EQ(r["body"]["user"]["department"], "ICU");
    const std::string otp = r["body"]["one_time_password"];
    TestUser u;
    u.org = "General";
    u.username = "new.nurse";
    new_device_key(u);
    auto other = connect();
    r = other->request("auth.login", login_body(*other, u, otp));
    EXPECT_EQ(r["body"].value("next", ""), "change_password") << r.dump();
    EXPECT_EQ(audit_count("user.create", "success"), created_before + 1);
}

TEST_F(Admin, ConfusableAndDuplicateUsernamesAreRefused) {
    auto ws = logged_in(admin_);
    ASSERT_EQ(ws->request("users.create", {{"username", "paul"}, {"display_name", "P"}, {"roles", {"nurse"}}}).value("status", ""), "ok");
    // Same name in another case, and with a Cyrillic "а" that looks like the Latin one.
    EXPECT_EQ(error_code(ws->request("users.create", {{"username", "PAUL"}, {"display_name", "P2"}, {"roles", {"nurse"}}})), "conflict");
    EXPECT_EQ(error_code(ws->request("users.create", {{"username", "p\u0430ul"}, {"display_name", "P3"}, {"roles", {"nurse"}}})), "conflict");
    EXPECT_EQ(error_code(ws->request("users.create", {{"username", "no spaces allowed"}, {"display_name", "P4"}, {"roles", {"nurse"}}})), "bad_request");
    EXPECT_EQ(error_code(ws->request("users.create", {{"username", "valid.name"}, {"display_name", "P5"}, {"roles", {"overlord"}}})), "bad_request");
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE username_canonical IN ('paul', 'valid.name')"), 1);
}

TEST_F(Admin, DisplayNamesThatCouldSpoofAColleagueAreRefused) {
    auto ws = logged_in(admin_);
    ASSERT_EQ(ws->request("users.create", {{"username", "dr.adams"}, {"display_name", "Dr Adams"}, {"roles", {"physician"}}})
                  .value("status", ""),
              "ok");
    // A right-to-left override makes "Dr Adams (ICU)" render differently from how it is stored;
    // a zero-width space makes a second "Dr Adams" that is not equal to the first.
    for (const std::string& bad : {std::string("Dr \u202eAdams"), std::string("Dr\u200b Adams"),
                                  std::string("Dr Adams\n(ICU)"), std::string("\u2066Dr Adams\u2069"),
                                  std::string("   ")}) {
        const json r = ws->request("users.create", {{"username", "mallory"}, {"display_name", bad}, {"roles", {"nurse"}}});
        EXPECT_EQ(error_code(r), "bad_request") << r.dump();
    }
    const json bad_dept = ws->request("users.create", {{"username", "mallory"}, {"display_name", "Mallory"},
                                                       {"department", "ICU\u202e"}, {"roles", {"nurse"}}});
    EXPECT_EQ(error_code(bad_dept), "bad_request");
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE username_canonical = 'mallory'"), 0);
    // Updates follow the same rule and leave the name as it was.
    const std::string id = ws->request("users.list", {{"query", "dr.adams"}})["body"]["users"][0]["id"];
    EXPECT_EQ(error_code(ws->request("users.update", {{"user_id", id}, {"display_name", "Dr\u200dAdams"}})), "bad_request");
    // Every bidirectional control (embeddings, overrides, isolates, marks, the Arabic letter
    // mark) is refused through users.update as well, wherever it stands in the name.
    for (const char* mark : {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                             "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"}) {
        for (const std::string& bad : {std::string(mark) + "Dr Adams", "Dr " + std::string(mark) + "Adams",
                                       "Dr Adams" + std::string(mark)}) {
            const json r = ws->request("users.update", {{"user_id", id}, {"display_name", bad}});
            EXPECT_EQ(error_code(r), "bad_request") << r.dump();
            EXPECT_NE(r.dump().find("text-direction"), std::string::npos) << r.dump();
        }
    }
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE display_name = 'Dr Adams'"), 1);
    // Names in any script are fine.
    EXPECT_EQ(ws->request("users.update", {{"user_id", id}, {"display_name", "Д-р Адамс / 亚当斯医生"}}).value("status", ""), "ok");
}

TEST_F(Admin, SuspendingAUserEndsTheirLiveConnectionWithinASecond) {
    TestUser u = enroll("General", "dr.quinn", "physician");
    auto victim = logged_in(u);
    auto ws = logged_in(admin_);
    const auto before = std::chrono::steady_clock::now();
    ASSERT_EQ(ws->request("users.suspend", {{"user_id", u.id}}).value("status", ""), "ok");
    const auto event = victim->read_json(std::chrono::seconds(1));
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
    EXPECT_EQ(event.value("event", ""), "auth.session_ended");
    EXPECT_EQ(event["body"].value("reason", ""), "user_suspended");
    EXPECT_EQ(error_code(victim->request("auth.logout")), "unauthenticated");
    // Nor can the suspended user's token be resumed on a new connection.
    auto resumed = connect();
    EXPECT_EQ(error_code(resumed->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}})),
              "unauthenticated");
    // A suspended user cannot log in; only who gives the right password learns why.
    auto again = connect();
    EXPECT_EQ(error_code(again->request("auth.login", login_body(*again, u, "not the password"))),
              "unauthenticated");
    EXPECT_EQ(error_code(again->request("auth.login", login_body(*again, u, u.password))), "account_suspended");
    ASSERT_EQ(ws->request("users.reactivate", {{"user_id", u.id}}).value("status", ""), "ok");
    EXPECT_EQ(again->request("auth.login", login_body(*again, u, u.password))["body"].value("next", ""), "mfa_verify");
}

TEST_F(Admin, AnotherOrganizationsUsersAreInvisibleAndUntouchable) {
    TestUser foreign = enroll("Other", "foreign.doc", "physician");
    auto ws = logged_in(admin_);
    for (const char* type : {"users.suspend", "users.deactivate", "users.reset_mfa", "users.reset_password",
                             "users.unlock", "users.devices", "users.sessions"})
        EXPECT_EQ(error_code(ws->request(type, {{"user_id", foreign.id}})), "not_found") << type;
    EXPECT_EQ(error_code(ws->request("users.update", {{"user_id", foreign.id}, {"display_name", "Pwned"}})), "not_found");
    EXPECT_EQ(error_code(ws->request("devices.revoke", {{"device_id", foreign.device_id}})), "not_found");
    const auto listed = ws->request("users.list", {{"query", "foreign"}});
    EXPECT_TRUE(listed["body"]["users"].empty()) << listed.dump();
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE display_name = 'Pwned' OR status <> 'active'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE revoked_at IS NOT NULL"), 0);
}

TEST_F(Admin, NonAdminsAreRefusedAndEachRefusalIsAudited) {
    TestUser doc = enroll("General", "dr.who", "physician");
    auto ws = logged_in(doc);
    const auto before = audit_count("authz.denied", "denied");
    EXPECT_EQ(error_code(ws->request("users.list")), "forbidden");
    EXPECT_EQ(error_code(ws->request("users.suspend", {{"user_id", admin_.id}})), "forbidden");
    EXPECT_EQ(audit_count("authz.denied", "denied"), before + 2);
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE status <> 'active'"), 0);
}

TEST_F(Admin, ListPagesThroughUsersInUsernameOrder) {
    auto ws = logged_in(admin_);
    for (const char* name : {"b.one", "c.two", "d.three"})
        ASSERT_EQ(ws->request("users.create", {{"username", name}, {"display_name", name}, {"roles", {"billing"}}}).value("status", ""), "ok");
    auto page = ws->request("users.list", {{"limit", 2}});
    ASSERT_EQ(page["body"]["users"].size(), 2u);
    EXPECT_EQ(page["body"]["users"][0]["username"], "ada.admin");
    const std::string after = page["body"]["next_after"];
    page = ws->request("users.list", {{"limit", 2}, {"after", after}});
    ASSERT_EQ(page["body"]["users"].size(), 2u);
    EXPECT_EQ(page["body"]["users"][0]["username"], "c.two");
    EXPECT_EQ(ws->request("users.list", {{"limit", 0}})["error"]["code"], "bad_request");
    EXPECT_EQ(ws->request("users.list", {{"limit", 201}})["error"]["code"], "bad_request");
}

TEST_F(Admin, AdminCannotSuspendThemselves) {
    auto ws = logged_in(admin_);
    EXPECT_EQ(error_code(ws->request("users.suspend", {{"user_id", admin_.id}})), "conflict");
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
}

TEST_F(Admin, ResetMfaMakesTheNextLoginEnrollAgain) {
    TestUser u = enroll("General", "mfa.lost", "nurse");
    auto ws = logged_in(admin_);
    ASSERT_EQ(ws->request("users.reset_mfa", {{"user_id", u.id}}).value("status", ""), "ok");
    auto other = connect();
    EXPECT_EQ(other->request("auth.login", login_body(*other, u, u.password))["body"].value("next", ""), "mfa_enroll");
    EXPECT_EQ(count("SELECT count(*) FROM recovery_codes WHERE user_id = '" + u.id + "'"), 0);
}

TEST_F(Admin, AuditQueryFiltersPagesStaysInTheOrganizationAndIsItselfAudited) {
    TestUser foreign = enroll("Other", "foreign.admin", "admin");
    auto ws = logged_in(admin_);
    auto r = ws->request("audit.query", {{"action", "auth.login"}, {"limit", 1}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    ASSERT_EQ(r["body"]["records"].size(), 1u);
    EXPECT_EQ(r["body"]["records"][0]["action"], "auth.login");
    ASSERT_TRUE(r["body"].contains("next_before_seq"));  // the enrollment login and this one
    const auto page2 = ws->request("audit.query", {{"action", "auth.login"}, {"before_seq", r["body"]["next_before_seq"]}});
    ASSERT_EQ(page2.value("status", ""), "ok");
    EXPECT_LT(page2["body"]["records"][0]["seq"].get<long long>(), r["body"]["records"][0]["seq"].get<long long>());
    // Nothing of the other organization, even when asked by its user's id.
    r = ws->request("audit.query", {{"actor_id", foreign.id}});
    EXPECT_TRUE(r["body"]["records"].empty()) << r.dump();
    EXPECT_GE(audit_count("audit.query", "success"), 3);
    EXPECT_EQ(ws->request("audit.query", {{"limit", 501}})["error"]["code"], "bad_request");
    EXPECT_EQ(ws->request("audit.query", {{"outcome", "maybe"}})["error"]["code"], "bad_request");
}

TEST_F(Admin, PolicyChangesApplyToTheNextLoginAndAreAudited) {
    auto ws = logged_in(admin_);
    auto r = ws->request("org.get_policy");
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["policy"]["session_idle_timeout_seconds"], 900);
    EXPECT_EQ(r["body"]["policy"]["mfa_required"], true);
    r = ws->request("org.set_policy", {{"session_idle_timeout_seconds", 600}, {"mfa_required", false}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["policy"]["session_idle_timeout_seconds"], 600);
    EXPECT_EQ(r["body"]["policy"]["lockout_threshold"], 10);  // untouched
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'org.policy_change' AND severity = 'high'"), 1);
    // Out of the documented bounds: refused, nothing changed.
    EXPECT_EQ(error_code(ws->request("org.set_policy", {{"session_idle_timeout_seconds", 1801}})), "bad_request");
    EXPECT_EQ(error_code(ws->request("org.set_policy", {{"lockout_threshold", 101}})), "bad_request");
    EXPECT_EQ(error_code(ws->request("org.set_policy", {{"mfa_required", "no"}})), "bad_request");
    // Without MFA required, a login ends after the password.
    auto other = connect();
    const auto login = other->request("auth.login", login_body(*other, admin_, admin_.password));
    EXPECT_EQ(login["body"].value("next", ""), "session") << login.dump();
    EXPECT_EQ(login["body"]["session"]["idle_timeout_seconds"], 600);
}

TEST_F(Admin, MalformedIdsAreNotFoundNotErrors) {
    auto ws = logged_in(admin_);
    EXPECT_EQ(error_code(ws->request("users.suspend", {{"user_id", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}})), "not_found");
    EXPECT_EQ(error_code(ws->request("users.suspend", {{"user_id", "short"}})), "bad_request");
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
}

}  // namespace
}  // namespace wardline::test
