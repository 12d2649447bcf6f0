// SPDX-License-Identifier: Apache-2.0
// Login, MFA, sessions and their refusals, against a real server and database (issue #3).
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace wardline::test {
namespace {

using nlohmann::json;

std::string error_code(const json& r) { return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : ""; }
std::string error_message(const json& r) { return r["error"].value("message", ""); }

class Login : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start();
    }
};

TEST_F(Login, FirstLoginWalksPasswordChangeAndTotpEnrollmentToASession) {
    TestUser u = enroll("General", "dr.house", "physician");
    EXPECT_EQ(u.recovery_codes.size(), 10u);
    EXPECT_FALSE(u.token.empty());
    EXPECT_EQ(audit_count("auth.login", "success"), 1);
    EXPECT_EQ(audit_count("mfa.enroll", "success"), 1);
    EXPECT_EQ(audit_count("account.password_change", "success"), 1);
    EXPECT_EQ(audit_count("device.register", "success"), 1);
    // The secret is sealed at rest: its bytes never appear in the users row.
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE totp_secret_sealed IS NOT NULL"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM recovery_codes"), 10);
    // The session token is stored only as a hash.
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE position(convert_to('" + u.token + "', 'UTF8') IN token_hash) > 0"), 0);
}

TEST_F(Login, SessionGrantsThePermissionsOfTheRole) {
    TestUser u = enroll("General", "nurse.ratched", "nurse");
    auto ws = connect();
    const auto r = login(*ws, u);
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    const auto perms = r["body"]["session"]["permissions"];
    EXPECT_NE(std::find(perms.begin(), perms.end(), "chat.use"), perms.end());
    EXPECT_EQ(std::find(perms.begin(), perms.end(), "users.manage"), perms.end());
}

TEST_F(Login, UnknownOrganizationUnknownUserAndWrongPasswordLookTheSame) {
    TestUser u = enroll("General", "alice", "physician");
    auto ws = connect();
    const auto wrong_pw = ws->request("auth.login", login_body(*ws, u, "not the password at all"));
    TestUser ghost = u;
    ghost.username = "nobody-here";
    const auto unknown_user = ws->request("auth.login", login_body(*ws, ghost, u.password));
    TestUser elsewhere = u;
    elsewhere.org = "No Such Hospital";
    const auto unknown_org = ws->request("auth.login", login_body(*ws, elsewhere, u.password));
    for (const auto* r : {&wrong_pw, &unknown_user, &unknown_org}) {
        EXPECT_EQ(error_code(*r), "unauthenticated") << r->dump();
        EXPECT_EQ(error_message(*r), error_message(wrong_pw));
        EXPECT_EQ(r->dump().find("not the password"), std::string::npos);
    }
    EXPECT_EQ(audit_count("auth.login", "failure"), 3);
    // Nothing of the attempt's secret lands in the audit trail.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%not the password%'"), 0);
}

TEST_F(Login, RequestsBeforeLoginAreUnauthenticated) {
    auto ws = connect();
    for (const char* type : {"users.list", "auth.logout", "account.change_password"}) {
        json body = json::object();
        if (std::string(type) == "account.change_password")
            body = {{"current_password", "a"}, {"new_password", "b"}};
        EXPECT_EQ(error_code(ws->request(type, body)), "unauthenticated") << type;
    }
    EXPECT_EQ(error_code(ws->request("auth.mfa_verify", {{"code", "123456"}})), "unauthenticated");
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");  // the connection is fine
}

TEST_F(Login, ReplayedTotpCodeIsRefused) {
    TestUser u = enroll("General", "bob", "physician");
    auto ws = connect();
    ASSERT_EQ(ws->request("auth.login", login_body(*ws, u, u.password))["body"]["next"], "mfa_verify");
    // The enrollment already used the current step's code.
    const auto r = ws->request("auth.mfa_verify", {{"code", totp_now(u.totp_secret)}});
    EXPECT_EQ(error_code(r), "unauthenticated") << r.dump();
    EXPECT_GE(count("SELECT count(*) FROM audit_records WHERE action = 'mfa.verify' AND details LIKE '%replayed_code%'"), 1);
}

TEST_F(Login, WrongAndMalformedTotpCodesAreRefused) {
    TestUser u = enroll("General", "carol", "physician");
    auto ws = connect();
    // Each wrong code counts as a failed login (the pending login stays for the next try).
    ASSERT_EQ(ws->request("auth.login", login_body(*ws, u, u.password))["body"]["next"], "mfa_verify");
    for (const std::string code : {"000000", "12345", "1234567", "abcdef", " 123456", "１２３４５６"}) {
        const auto r = ws->request("auth.mfa_verify", {{"code", code}});
        EXPECT_EQ(error_code(r), "unauthenticated") << code;
    }
    EXPECT_EQ(error_code(ws->request("auth.mfa_verify", {{"code", std::string(17, '1')}})), "bad_request");
    EXPECT_EQ(count("SELECT failed_logins FROM users WHERE username_canonical = 'carol'"), 6);
    // From the third failure on, the account is throttled: even the right password is refused.
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u, u.password))), "unauthenticated");
}

TEST_F(Login, RecoveryCodeWorksExactlyOnce) {
    TestUser u = enroll("General", "dave", "physician");
    const std::string code = u.recovery_codes.at(3);
    auto ws = connect();
    ASSERT_EQ(ws->request("auth.login", login_body(*ws, u, u.password))["body"]["next"], "mfa_verify");
    auto r = ws->request("auth.mfa_verify", {{"recovery_code", code}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    ASSERT_EQ(ws->request("auth.logout").value("status", ""), "ok");
    ASSERT_EQ(ws->request("auth.login", login_body(*ws, u, u.password))["body"]["next"], "mfa_verify");
    r = ws->request("auth.mfa_verify", {{"recovery_code", code}});
    EXPECT_EQ(error_code(r), "unauthenticated");
}

TEST_F(Login, AccountLocksAfterTheThresholdAndUnlockReopensIt) {
    TestUser u = enroll("General", "erin", "physician");
    owner().exec("UPDATE organization_policies SET lockout_threshold = 3");
    auto ws = connect();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u, "wrong password " + std::to_string(i)))), "unauthenticated");
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE locked"), 1);
    EXPECT_EQ(audit_count("account.locked"), 1);
    // Inside the per-account delay even the right password gets the generic refusal.
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u, u.password))), "unauthenticated");
    const auto delay_over = [&] {
        owner().exec("UPDATE users SET last_failed_login_at = now() - interval '1 day' "
                     "WHERE username_canonical = 'erin'");
    };
    // Past it, a wrong password on the locked account still learns nothing about the lock...
    delay_over();
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u, "wrong password 4"))), "unauthenticated");
    // ...and the right one is told the account is locked, and what to do.
    delay_over();
    const auto locked = ws->request("auth.login", login_body(*ws, u, u.password));
    EXPECT_EQ(error_code(locked), "account_locked") << locked.dump();
    EXPECT_NE(error_message(locked).find("administrator"), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'auth.login' AND outcome = 'denied' "
                    "AND details LIKE '%locked%'"),
              1);
    const auto unlocked = ctl("user unlock --org General --username erin");
    ASSERT_EQ(unlocked.status, 0) << unlocked.output;
    const auto r = ws->request("auth.login", login_body(*ws, u, u.password));
    EXPECT_EQ(r["body"].value("next", ""), "mfa_verify") << r.dump();
}

TEST_F(Login, ResumeBindsTheSessionOnANewConnectionWithoutThePassword) {
    TestUser u = enroll("General", "frank", "admin");
    auto ws = connect();
    auto r = ws->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_FALSE(r["body"]["session"].contains("token"));
    EXPECT_EQ(ws->request("users.list").value("status", ""), "ok");
}

TEST_F(Login, ResumeRefusesAnotherDeviceAnEndedSessionAndGarbage) {
    TestUser u = enroll("General", "grace", "physician");
    TestUser other = enroll("General", "heidi", "physician");
    auto ws = connect();
    // The token of one device presented with another device's id.
    EXPECT_EQ(error_code(ws->request("auth.resume", {{"token", u.token}, {"device_id", other.device_id}})), "unauthenticated");
    for (const std::string& token : {std::string(""), std::string("x"), std::string(128, 'A'), std::string("not base64 !!")})
        EXPECT_NE(ws->request("auth.resume", {{"token", token}, {"device_id", u.device_id}}).value("status", ""), "ok");
    EXPECT_EQ(error_code(ws->request("auth.resume", {{"token", u.token}, {"device_id", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}})), "unauthenticated");
    // enroll() logged out... no: it closed the connection, so the session is still live.
    ASSERT_EQ(ws->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}}).value("status", ""), "ok");
    ASSERT_EQ(ws->request("auth.logout").value("status", ""), "ok");
    auto ws2 = connect();
    EXPECT_EQ(error_code(ws2->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}})), "unauthenticated");
    // An expired session (absolute lifetime over) cannot be resumed either.
    owner().exec("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = '" + other.id + "'");
    EXPECT_EQ(error_code(ws2->request("auth.resume", {{"token", other.token}, {"device_id", other.device_id}})), "unauthenticated");
}

TEST_F(Login, IdleSessionEndsAndTheClientIsTold) {
    TestUser u = enroll("General", "ivan", "physician");
    owner().exec("UPDATE organization_policies SET session_idle_timeout_seconds = 5");
    auto ws = connect();
    ASSERT_EQ(login(*ws, u).value("status", ""), "ok");
    const auto event = ws->read_json(std::chrono::seconds(10));
    EXPECT_EQ(event.value("event", ""), "auth.session_ended") << event.dump();
    EXPECT_EQ(event["body"].value("reason", ""), "idle_timeout");
    EXPECT_EQ(error_code(ws->request("auth.logout")), "unauthenticated");
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE end_reason = 'idle_timeout'"), 1);
}

TEST_F(Login, SystemPingWithASessionMovesTheIdleDeadline) {
    // The client's keep-alive while its user reads without sending (docs/client.md): pings
    // every 2 s keep a session of a 5 s idle timeout alive for 6 s; after the pings stop it
    // ends like any idle session.
    TestUser u = enroll("General", "ines", "physician");
    owner().exec("UPDATE organization_policies SET session_idle_timeout_seconds = 5");
    auto ws = connect();
    ASSERT_EQ(login(*ws, u).value("status", ""), "ok");
    const auto logged_in_at = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const auto pong = ws->request("system.ping");
        ASSERT_EQ(pong.value("status", ""), "ok") << pong.dump();
    }
    ASSERT_GT(std::chrono::steady_clock::now() - logged_in_at, std::chrono::seconds(5));
    const auto alive = ws->request("key_packages.status");
    EXPECT_EQ(alive.value("status", ""), "ok") << "signed out despite the pings: " << alive.dump();
    const auto event = ws->read_json(std::chrono::seconds(10));
    EXPECT_EQ(event.value("event", ""), "auth.session_ended") << event.dump();
    EXPECT_EQ(event["body"].value("reason", ""), "idle_timeout");
    // A ping without a session is still answered, and moves nothing.
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE end_reason = 'idle_timeout'"), 1);
}

TEST_F(Login, PasswordChangeEndsOtherSessionsAndKeepsThisOne) {
    TestUser u = enroll("General", "judy", "physician");
    const std::string enrollment_token = u.token;  // enroll() left that session live
    auto first = logged_in(u);
    auto second = connect();
    ASSERT_EQ(second->request("auth.resume", {{"token", enrollment_token}, {"device_id", u.device_id}}).value("status", ""), "ok");
    // Weak and common passwords are refused with the rule, never the password.
    auto r = first->request("account.change_password", {{"current_password", u.password}, {"new_password", "short"}});
    EXPECT_EQ(error_code(r), "password_rejected");
    EXPECT_EQ(r.dump().find("\"short\""), std::string::npos);
    r = first->request("account.change_password", {{"current_password", "wrong current"}, {"new_password", "a perfectly fine new passphrase"}});
    EXPECT_EQ(error_code(r), "unauthenticated");
    r = first->request("account.change_password", {{"current_password", u.password}, {"new_password", "a perfectly fine new passphrase"}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_GE(r["body"]["ended"].get<int>(), 1);
    const auto event = second->read_json(std::chrono::seconds(2));
    EXPECT_EQ(event["body"].value("reason", ""), "password_changed") << event.dump();
    EXPECT_EQ(error_code(second->request("auth.logout")), "unauthenticated");
    EXPECT_EQ(first->request("auth.logout").value("status", ""), "ok");  // this one lives on
}

class LoginThrottle : public IdentityFixture {};

TEST_F(LoginThrottle, OneAddressIsRateLimitedAndTheAttemptIsAudited) {
    create_org("General");
    start({{"identity.login_burst", "3"}, {"identity.login_per_minute", "1"}});
    TestUser ghost;
    ghost.org = "General";
    ghost.username = "nobody";
    new_device_key(ghost);
    auto ws = connect();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, ghost, "guess " + std::to_string(i)))), "unauthenticated");
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, ghost, "guess 4"))), "rate_limited");
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%address_throttled%'"), 1);
}

TEST_F(Login, WardlinectlResetMfaEndsSessionsAndTheNextLoginEnrollsAgain) {
    TestUser u = enroll("General", "lost.phone", "nurse");
    auto live = connect();
    ASSERT_EQ(live->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}}).value("status", ""), "ok");
    const auto r = ctl("user reset-mfa --org General --username lost.phone");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE end_reason = 'credentials_reset'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'user.reset_mfa' AND severity = 'high'"), 1);
    auto again = connect();
    EXPECT_EQ(again->request("auth.login", login_body(*again, u, u.password))["body"].value("next", ""), "mfa_enroll");
    EXPECT_EQ(ctl("user reset-mfa --org General --username nobody.here").status, 3);
    EXPECT_EQ(ctl("user reset-mfa --org General").status, 2);
}

TEST_F(Login, OversizedAndMalformedCredentialsAreBadRequests) {
    auto ws = connect();
    json body{{"organization", "General"}, {"username", "x"}, {"password", std::string(1025, 'p')},
              {"device", {{"name", "pc"}, {"platform", "linux"}, {"identity_key", random_device_key()}}}};
    EXPECT_EQ(error_code(ws->request("auth.login", body)), "bad_request");
    body["password"] = "p";
    body["device"]["identity_key"] = "short";
    EXPECT_EQ(error_code(ws->request("auth.login", body)), "bad_request");
    body["device"]["identity_key"] = random_device_key();
    body["username"] = 42;
    EXPECT_EQ(error_code(ws->request("auth.login", body)), "bad_request");
    body.erase("username");
    EXPECT_EQ(error_code(ws->request("auth.login", body)), "bad_request");
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
}

TEST_F(Login, RevokedDeviceCannotLogInAgain) {
    TestUser admin = enroll("General", "root.admin", "admin");
    TestUser u = enroll("General", "ken", "physician");
    auto victim = connect();
    ASSERT_EQ(victim->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}}).value("status", ""), "ok");
    auto a = logged_in(admin);
    ASSERT_EQ(a->request("devices.revoke", {{"device_id", u.device_id}}).value("status", ""), "ok");
    const auto event = victim->read_json(std::chrono::seconds(2));
    EXPECT_EQ(event["body"].value("reason", ""), "device_revoked") << event.dump();
    auto again = connect();
    const auto r = again->request("auth.login", login_body(*again, u, u.password));
    EXPECT_EQ(error_code(r), "device_revoked") << r.dump();
    EXPECT_NE(error_message(r).find("revoked"), std::string::npos) << r.dump();
    // A wrong password for the revoked device says nothing about the device.
    EXPECT_EQ(error_code(again->request("auth.login", login_body(*again, u, "not the password"))),
              "unauthenticated");
}

}  // namespace
}  // namespace wardline::test
