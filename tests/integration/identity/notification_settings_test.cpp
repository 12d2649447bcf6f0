// SPDX-License-Identifier: Apache-2.0
// What notifications may show (org.get_policy / org.set_policy notification_detail) and the
// user's own quiet hours (account.quiet_hours.*), over the WebSocket of a real server: from the
// administrator's side, the clinician's, and the side of whoever must be refused. Both travel
// in the session of login and auth.resume (migration 0016; docs/client.md "Notifications").
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wardline::test {
namespace {

using nlohmann::json;

std::string error_code(const json& r) {
    return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
}

json berlin_nights() {
    return json{{"enabled", true},
                {"start_minute", 22 * 60},
                {"end_minute", 6 * 60 + 30},
                {"time_zone", "Europe/Berlin"}};
}

class NotificationSettings : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start();
        admin_ = enroll("General", "ada.admin", "admin");
        nurse_ = enroll("General", "nina.nurse", "nurse");
    }
    /// A connection bound to `user`'s session by auth.resume (no TOTP step used up), and the
    /// session it answered with.
    std::unique_ptr<WsClient> resumed(const TestUser& user, json* session = nullptr) {
        auto ws = connect();
        const json r =
            ws->request("auth.resume", {{"token", user.token}, {"device_id", user.device_id}});
        if (r.value("status", "") != "ok") throw std::runtime_error("resume: " + r.dump());
        if (session) *session = r["body"]["session"];
        return ws;
    }
    std::string detail_in_db() {
        return std::string(
            owner()
                .exec("SELECT p.notification_detail FROM organization_policies p "
                      "JOIN organizations o ON o.id = p.org_id WHERE o.name = 'General'")
                .text_or_throw(0, 0));
    }
    TestUser admin_;
    TestUser nurse_;
};

TEST_F(NotificationSettings, OrgPolicyDetailIsKindByDefaultAndAnAdminChangesItAudited) {
    auto ws = resumed(admin_);
    json r = ws->request("org.get_policy");
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["policy"]["notification_detail"], "kind");
    const auto before = audit_count("org.policy_change", "success");
    r = ws->request("org.set_policy", {{"notification_detail", "sender"}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["policy"]["notification_detail"], "sender");
    EXPECT_EQ(r["body"]["policy"]["lockout_threshold"], 10);  // untouched
    EXPECT_EQ(audit_count("org.policy_change", "success"), before + 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'org.policy_change' "
                    "AND details::jsonb->'changed'->>'notification_detail' = 'sender'"),
              1);
    // Another field changed alone leaves the detail as it is.
    r = ws->request("org.set_policy", {{"break_glass_minutes", 30}});
    EXPECT_EQ(r["body"]["policy"]["notification_detail"], "sender");
    EXPECT_EQ(ws->request("org.get_policy")["body"]["policy"]["notification_detail"], "sender");
    // The other organization keeps its own default.
    EXPECT_EQ(
        count(
            "SELECT count(*) FROM organization_policies p JOIN organizations o ON o.id = p.org_id "
            "WHERE o.name = 'Other' AND p.notification_detail = 'kind'"),
        1);
}

TEST_F(NotificationSettings, OrgPolicyBadDetailLevelsAreRefusedAndChangeNothing) {
    auto ws = resumed(admin_);
    const auto before = audit_count("org.policy_change");
    for (const json& bad :
         {json("full"), json("body"), json(""), json("MINIMAL"), json("sender "), json(2),
          json(true), json(nullptr), json::array({"kind"}), json{{"level", "kind"}}}) {
        const json r = ws->request("org.set_policy", {{"notification_detail", bad}});
        EXPECT_EQ(error_code(r), "bad_request") << bad.dump();
        // The message names the field, never the value.
        for (const char* value : {"full", "MINIMAL"})
            EXPECT_EQ(r.dump().find(value), std::string::npos) << r.dump();
    }
    EXPECT_EQ(detail_in_db(), "kind");
    EXPECT_EQ(audit_count("org.policy_change"), before);
    // The database refuses what the schema would, whatever path writes it.
    EXPECT_THROW(
        owner().exec("UPDATE organization_policies SET notification_detail = 'everything'"),
        std::exception);
}

TEST_F(NotificationSettings, OrgPolicyANurseCanNeitherReadNorSetTheDetail) {
    auto ws = resumed(nurse_);
    const auto denied = audit_count("authz.denied", "denied");
    EXPECT_EQ(error_code(ws->request("org.get_policy")), "forbidden");
    EXPECT_EQ(error_code(ws->request("org.set_policy", {{"notification_detail", "sender"}})),
              "forbidden");
    EXPECT_EQ(error_code(ws->request("org.set_policy", {{"notification_detail", "minimal"}})),
              "forbidden");
    EXPECT_EQ(detail_in_db(), "kind");
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied + 3);
    EXPECT_EQ(audit_count("org.policy_change"), 0);
}

TEST_F(NotificationSettings, TheSessionCarriesTheDetailAndOwnQuietHoursAtLoginAndResume) {
    json session;
    auto nurse = resumed(nurse_, &session);
    EXPECT_EQ(session["notification_detail"], "kind");
    EXPECT_EQ(session["quiet_hours"], json({{"enabled", false},
                                            {"start_minute", 1320},
                                            {"end_minute", 420},
                                            {"time_zone", "UTC"}}));
    ASSERT_EQ(nurse->request("account.quiet_hours.set", berlin_nights()).value("status", ""), "ok");
    auto admin = resumed(admin_);
    ASSERT_EQ(admin
                  ->request("org.set_policy",
                            {{"notification_detail", "minimal"}, {"mfa_required", false}})
                  .value("status", ""),
              "ok");
    // A resume (what the client does on every reconnect) learns the new values...
    resumed(nurse_, &session);
    EXPECT_EQ(session["notification_detail"], "minimal");
    EXPECT_EQ(session["quiet_hours"], berlin_nights());
    // ...and so does a login (without MFA now, so no TOTP step is used up).
    auto ws = connect();
    const json login = ws->request("auth.login", login_body(*ws, nurse_, nurse_.password));
    ASSERT_EQ(login["body"].value("next", ""), "session") << login.dump();
    EXPECT_EQ(login["body"]["session"]["notification_detail"], "minimal");
    EXPECT_EQ(login["body"]["session"]["quiet_hours"], berlin_nights());
    // The admin's session carries the admin's quiet hours (none set), not the nurse's.
    resumed(admin_, &session);
    EXPECT_EQ(session["quiet_hours"]["enabled"], false);
    EXPECT_EQ(session["quiet_hours"]["time_zone"], "UTC");
}

TEST_F(NotificationSettings, QuietHoursAreTheUsersOwnToSetReadAndAreAudited) {
    auto ws = resumed(nurse_);
    json r = ws->request("account.quiet_hours.get");
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["quiet_hours"]["enabled"], false);
    r = ws->request("account.quiet_hours.set", berlin_nights());
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(r["body"]["quiet_hours"], berlin_nights());
    EXPECT_EQ(ws->request("account.quiet_hours.get")["body"]["quiet_hours"], berlin_nights());
    // A daytime range that does not cross midnight, switched off, replaces it.
    const json day{{"enabled", false},
                   {"start_minute", 0},
                   {"end_minute", 1439},
                   {"time_zone", "America/Argentina/Buenos_Aires"}};
    r = ws->request("account.quiet_hours.set", day);
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    EXPECT_EQ(ws->request("account.quiet_hours.get")["body"]["quiet_hours"], day);
    EXPECT_EQ(
        count("SELECT count(*) FROM audit_records WHERE action = 'account.quiet_hours_change' "
              "AND outcome = 'success' AND actor_id = '" +
              nurse_.id + "' AND target_id = '" + nurse_.id + "'"),
        2);
}

TEST_F(NotificationSettings, QuietHoursBadValuesAreRefusedAndChangeNothing) {
    auto ws = resumed(nurse_);
    ASSERT_EQ(ws->request("account.quiet_hours.set", berlin_nights()).value("status", ""), "ok");
    auto with = [](const char* key, json value) {
        json body = berlin_nights();
        body[key] = std::move(value);
        return body;
    };
    auto without = [](const char* key) {
        json body = berlin_nights();
        body.erase(key);
        return body;
    };
    const std::vector<json> bad{
        // out of range
        with("start_minute", -1),
        with("start_minute", 1440),
        with("end_minute", 1440),
        with("end_minute", -30),
        with("start_minute", 1LL << 40),
        // start equal to end: no range at all
        with("end_minute", 22 * 60),
        // wrong types
        with("start_minute", "1320"),
        with("start_minute", 1320.5),
        with("enabled", "yes"),
        with("enabled", 1),
        with("time_zone", 5),
        with("time_zone", json::array({"UTC"})),
        with("time_zone", nullptr),
        // not IANA zone names this server knows
        with("time_zone", "Mars/Olympus_Mons"),
        with("time_zone", "UTC+5"),
        with("time_zone", "+05:00"),
        with("time_zone", "../../etc/passwd"),
        with("time_zone", "posix/Europe/Berlin"),
        with("time_zone", "Europe//Berlin"),
        with("time_zone", "/Europe/Berlin"),
        with("time_zone", "Europe/Berlin\n"),
        with("time_zone", "localtime"),
        with("time_zone", ""),
        with("time_zone", std::string(65, 'A')),
        with("time_zone", "Europe/Berlin'; DROP TABLE users; --"),
        // missing and unknown fields
        without("enabled"),
        without("start_minute"),
        without("end_minute"),
        without("time_zone"),
        with("note", "night shift"),
    };
    const auto audited = audit_count("account.quiet_hours_change");
    for (const json& body : bad) {
        const json r = ws->request("account.quiet_hours.set", body);
        EXPECT_EQ(error_code(r), "bad_request") << body.dump() << " -> " << r.dump();
        EXPECT_EQ(r.dump().find("Olympus"), std::string::npos);  // never echoes the value
    }
    EXPECT_EQ(ws->request("account.quiet_hours.get")["body"]["quiet_hours"], berlin_nights());
    EXPECT_EQ(audit_count("account.quiet_hours_change"), audited);
    // The connection is unharmed.
    EXPECT_EQ(ws->request("account.quiet_hours.get").value("status", ""), "ok");
    // Unknown fields in get are refused too.
    EXPECT_EQ(error_code(ws->request("account.quiet_hours.get", {{"verbose", true}})),
              "bad_request");
}

TEST_F(NotificationSettings, QuietHoursOfAnotherUserCanNeitherBeReadNorSet) {
    TestUser foreign = enroll("Other", "oscar.other", "admin");
    auto nurse = resumed(nurse_);
    ASSERT_EQ(nurse->request("account.quiet_hours.set", berlin_nights()).value("status", ""), "ok");
    // Neither a colleague nor an administrator (of this or another organization) can name the
    // nurse: the requests have no user field, and one is refused, not ignored.
    for (TestUser* other : {&admin_, &foreign}) {
        auto ws = resumed(*other);
        json named = berlin_nights();
        named["enabled"] = false;
        named["user_id"] = nurse_.id;
        EXPECT_EQ(error_code(ws->request("account.quiet_hours.set", named)), "bad_request");
        EXPECT_EQ(error_code(ws->request("account.quiet_hours.get", {{"user_id", nurse_.id}})),
                  "bad_request");
        // What they read and set is their own.
        EXPECT_EQ(ws->request("account.quiet_hours.get")["body"]["quiet_hours"]["enabled"], false);
        json own = berlin_nights();
        own["time_zone"] = "Asia/Tokyo";
        EXPECT_EQ(ws->request("account.quiet_hours.set", own).value("status", ""), "ok");
    }
    EXPECT_EQ(nurse->request("account.quiet_hours.get")["body"]["quiet_hours"], berlin_nights());
    EXPECT_EQ(count("SELECT count(*) FROM user_quiet_hours WHERE time_zone = 'Asia/Tokyo'"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM user_quiet_hours WHERE user_id = '" + nurse_.id +
                    "' AND time_zone = 'Europe/Berlin' AND enabled"),
              1);
    // Without a session there is nothing to read.
    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("account.quiet_hours.get")), "unauthenticated");
    EXPECT_EQ(error_code(anonymous->request("account.quiet_hours.set", berlin_nights())),
              "unauthenticated");
}

}  // namespace
}  // namespace wardline::test
