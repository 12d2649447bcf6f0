// SPDX-License-Identifier: Apache-2.0
// On-call teams and schedules over TLS against a real server and database (issue #5): who is on
// call now (times relative to the real clock), the overlap rules, every bad input, and the
// refused side (a nurse, another organization) with nothing changed.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

class Oncall : public ClinicalFixture {
protected:
    long long shifts() { return count("SELECT count(*) FROM oncall_shifts"); }
    long long teams() { return count("SELECT count(*) FROM oncall_teams"); }
};

TEST_F(Oncall, NowAnswersTheCurrentPrimaryAndBackupsAndNothingWhenNobodyIsScheduled) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    const std::string early = plain_user("General", "erin.early", "physician");
    const std::string current = plain_user("General", "carl.current", "physician");
    const std::string backup = plain_user("General", "bea.backup", "physician");
    const std::string later = plain_user("General", "len.later", "physician");
    auto a = logged_in(admin);
    auto n = logged_in(nurse);

    const std::string cardiology = create_team(*a, "Cardiology");
    const std::string neurology = create_team(*a, "Neurology");
    const auto t = now_s();
    // A primary that ended a minute ago, the current one, a future one; a backup now.
    ok_request(*a, "oncall.shifts.add",
               shift(cardiology, early, "primary", t - 8 * kHour, t - kMinute));
    const auto now_shift = ok_request(
        *a, "oncall.shifts.add", shift(cardiology, current, "primary", t - kMinute, t + kHour));
    EXPECT_EQ(now_shift["shift"]["display_name"], "Test carl.current");
    EXPECT_EQ(now_shift["shift"]["start"], iso(t - kMinute));
    EXPECT_EQ(now_shift["shift"]["end"], iso(t + kHour));
    ok_request(*a, "oncall.shifts.add",
               shift(cardiology, later, "primary", t + kHour, t + 9 * kHour));
    ok_request(*a, "oncall.shifts.add",
               shift(cardiology, backup, "backup", t - kHour, t + 2 * kHour));

    const auto teams_seen = ok_request(*n, "oncall.teams.list", json::object());
    EXPECT_EQ(teams_seen["teams"],
              json::parse(R"([{"id":")" + cardiology + R"(","name":"Cardiology"},{"id":")" +
                          neurology + R"(","name":"Neurology"}])"));

    const auto who = ok_request(*n, "oncall.now", {{"team_id", cardiology}});
    EXPECT_EQ(who["team"]["name"], "Cardiology");
    EXPECT_EQ(who["primary"], json({{"user_id", current},
                                    {"display_name", "Test carl.current"},
                                    {"until", iso(t + kHour)}}));
    EXPECT_EQ(who["backups"], json::array({{{"user_id", backup},
                                            {"display_name", "Test bea.backup"},
                                            {"until", iso(t + 2 * kHour)}}}));

    const auto nobody = ok_request(*n, "oncall.now", {{"team_id", neurology}});
    EXPECT_FALSE(nobody.contains("primary"));
    EXPECT_EQ(nobody["backups"], json::array());

    // The schedule, by start, in the window asked for.
    const auto listed = ok_request(
        *a, "oncall.shifts.list",
        {{"team_id", cardiology}, {"from", iso(t - 9 * kHour)}, {"to", iso(t + 10 * kHour)}});
    ASSERT_EQ(listed["shifts"].size(), 4u) << listed.dump();
    EXPECT_EQ(listed["shifts"][0]["user_id"], early);
    EXPECT_EQ(listed["shifts"][1]["user_id"], backup);
    EXPECT_EQ(listed["shifts"][2]["user_id"], current);
    EXPECT_EQ(listed["shifts"][3]["user_id"], later);
    EXPECT_EQ(listed["truncated"], false);
    const auto narrow = ok_request(
        *a, "oncall.shifts.list",
        {{"team_id", cardiology}, {"from", iso(t + 3 * kHour)}, {"to", iso(t + 4 * kHour)}});
    ASSERT_EQ(narrow["shifts"].size(), 1u);
    EXPECT_EQ(narrow["shifts"][0]["user_id"], later);

    // A deactivated user is not on call, though the shift stays in the schedule.
    owner().exec("UPDATE users SET status = 'deactivated' WHERE id = '" + backup + "'");
    EXPECT_EQ(ok_request(*n, "oncall.now", {{"team_id", cardiology}})["backups"], json::array());
    owner().exec("UPDATE users SET status = 'active' WHERE id = '" + backup + "'");

    // Removing the current primary leaves the team without one.
    const std::string current_id = now_shift["shift"]["id"];
    EXPECT_EQ(ok_request(*a, "oncall.shifts.remove", {{"shift_id", current_id}})["removed"],
              current_id);
    EXPECT_FALSE(ok_request(*n, "oncall.now", {{"team_id", cardiology}}).contains("primary"));
    EXPECT_EQ(error_code(a->request("oncall.shifts.remove", {{"shift_id", current_id}})),
              "not_found");

    EXPECT_EQ(audit_count("oncall.team.create", "success"), 2);
    EXPECT_EQ(audit_count("oncall.shift.add", "success"), 4);
    EXPECT_EQ(audit_count("oncall.shift.remove", "success"), 1);
}

TEST_F(Oncall, OverlappingPrimariesAreRefusedBackupsMayOverlapAUserNeverOverlapsThemself) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    const std::string p1 = plain_user("General", "pat.one", "physician");
    const std::string p2 = plain_user("General", "pat.two", "physician");
    const std::string b1 = plain_user("General", "bob.one", "nurse");
    const std::string b2 = plain_user("General", "bob.two", "nurse");
    auto a = logged_in(admin);
    const std::string team = create_team(*a, "Cardiology");
    const std::string other_team = create_team(*a, "Surgery");
    const auto t = now_s();
    ok_request(*a, "oncall.shifts.add", shift(team, p1, "primary", t, t + 8 * kHour));

    const auto clash =
        a->request("oncall.shifts.add", shift(team, p2, "primary", t + 7 * kHour, t + 9 * kHour));
    EXPECT_EQ(error_code(clash), "conflict");
    EXPECT_NE(clash["error"]["message"].get<std::string>().find("primary"), std::string::npos);
    EXPECT_EQ(error_code(a->request("oncall.shifts.add",
                                    shift(team, p2, "primary", t - kHour, t + 10 * kHour))),
              "conflict");  // containing it
    EXPECT_EQ(error_code(a->request("oncall.shifts.add",
                                    shift(team, p2, "primary", t + kHour, t + 2 * kHour))),
              "conflict");  // inside it
    // The same user as backup over their own primary.
    EXPECT_EQ(error_code(a->request("oncall.shifts.add",
                                    shift(team, p1, "backup", t + kHour, t + 2 * kHour))),
              "conflict");
    EXPECT_EQ(shifts(), 1);

    // Touching is not overlapping: [t+8h, t+16h) follows [t, t+8h).
    ok_request(*a, "oncall.shifts.add", shift(team, p2, "primary", t + 8 * kHour, t + 16 * kHour));
    // Backups overlap the primary and each other.
    ok_request(*a, "oncall.shifts.add", shift(team, b1, "backup", t, t + 8 * kHour));
    ok_request(*a, "oncall.shifts.add", shift(team, b2, "backup", t + kHour, t + 9 * kHour));
    // Another team is another schedule.
    ok_request(*a, "oncall.shifts.add", shift(other_team, p2, "primary", t, t + 8 * kHour));
    EXPECT_EQ(shifts(), 5);
    EXPECT_EQ(audit_count("oncall.shift.add", "success"), 5);
}

TEST_F(Oncall, TwoConcurrentOverlappingPrimariesNeverBothGetIn) {
    TestUser first = enroll("General", "ada.admin", "admin");
    TestUser second = enroll("General", "abe.admin", "admin");
    auto a = logged_in(first);
    auto b = logged_in(second);
    std::vector<std::string> doctors;
    for (int i = 0; i < 2; ++i)
        doctors.push_back(plain_user("General", "doc" + std::to_string(i), "physician"));
    const auto t = now_s();
    for (int round = 0; round < 6; ++round) {
        SCOPED_TRACE(round);
        const std::string team = create_team(*a, "Team " + std::to_string(round));
        auto frame = [&](const std::string& id, const std::string& user) {
            return json{
                {"id", id},
                {"type", "oncall.shifts.add"},
                {"body", shift(team, user, "primary", t + round * kHour, t + (round + 2) * kHour)}}
                .dump();
        };
        // Both on the wire before either answer is read.
        a->send_text(frame("a", doctors[0]));
        b->send_text(frame("b", doctors[1]));
        const auto ra = a->read_json();
        const auto rb = b->read_json();
        const std::multiset<std::string> outcomes{ra.value("status", ""), rb.value("status", "")};
        EXPECT_EQ(outcomes, (std::multiset<std::string>{"error", "ok"})) << ra.dump() << rb.dump();
        EXPECT_EQ(error_code(ra.value("status", "") == "error" ? ra : rb), "conflict");
        EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts WHERE team_id = '" + team + "'"), 1);
    }
}

TEST_F(Oncall, EveryBadInputIsRefusedClearlyAndNothingIsStored) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    const std::string doc = plain_user("General", "doc.tor", "physician");
    const std::string gone = plain_user("General", "gone.user", "physician");
    const std::string held = plain_user("General", "held.user", "physician");
    owner().exec("UPDATE users SET status = 'deactivated' WHERE id = '" + gone + "'");
    owner().exec("UPDATE users SET status = 'suspended' WHERE id = '" + held + "'");
    auto a = logged_in(admin);
    const std::string team = create_team(*a, "Cardiology");
    const auto t = now_s();
    const long long audit_before = count("SELECT count(*) FROM audit_records");

    auto with = [&](const char* field, json value) {
        json body = shift(team, doc, "primary", t, t + kHour);
        body[field] = std::move(value);
        return a->request("oncall.shifts.add", body);
    };
    for (const char* bad :
         {"2026-11-23 08:00:00Z", "2026-11-23T08:00:00+01", "2026-02-30T08:00:00Z",
          "2026-11-23T24:00:00Z", "2026-11-23T08:60:00Z", "1999-12-31T23:59:59Z",
          "20261123T080000Z   ", "2026-11-23T08:00:0xZ"}) {
        SCOPED_TRACE(bad);
        const auto r = with("start", bad);
        EXPECT_EQ(error_code(r), "bad_request");
        EXPECT_EQ(r["error"]["message"].get<std::string>().find(bad),
                  std::string::npos);  // not echoed
    }
    EXPECT_EQ(error_code(with("end", "tomorrow")), "bad_request");      // too short
    EXPECT_EQ(error_code(with("start", 1700000000)), "bad_request");    // wrong type
    EXPECT_EQ(error_code(with("role", "attending")), "bad_request");    // not in the enum
    EXPECT_EQ(error_code(with("end", iso(t))), "bad_request");          // end == start
    EXPECT_EQ(error_code(with("end", iso(t - kHour))), "bad_request");  // end before start
    const auto long_shift = with("end", iso(t + 7 * kDay + 1));
    EXPECT_EQ(error_code(long_shift), "bad_request");
    EXPECT_NE(long_shift["error"]["message"].get<std::string>().find("7 days"), std::string::npos);
    EXPECT_EQ(error_code(with("team_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz")), "bad_request");
    EXPECT_EQ(error_code(with("team_id", "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f")), "not_found");
    EXPECT_EQ(error_code(with("user_id", "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f")), "not_found");
    EXPECT_EQ(error_code(with("user_id", gone)), "conflict");
    EXPECT_EQ(error_code(with("user_id", held)), "conflict");
    json extra = shift(team, doc, "primary", t, t + kHour);
    extra["note"] = "x";
    EXPECT_EQ(error_code(a->request("oncall.shifts.add", extra)), "bad_request");  // unknown field
    json missing = shift(team, doc, "primary", t, t + kHour);
    missing.erase("end");
    EXPECT_EQ(error_code(a->request("oncall.shifts.add", missing)), "bad_request");

    // Team names: too long, control characters, blank, the same name in another case.
    EXPECT_EQ(error_code(a->request("oncall.teams.create", {{"name", std::string(101, 'x')}})),
              "bad_request");
    EXPECT_EQ(error_code(a->request("oncall.teams.create", {{"name", "Card\x07iology"}})),
              "bad_request");
    EXPECT_EQ(error_code(a->request("oncall.teams.create", {{"name", "   "}})), "bad_request");
    EXPECT_EQ(error_code(a->request("oncall.teams.create", {{"name", "CARDIOLOGY"}})), "conflict");
    // The list window: reversed, longer than 31 days, malformed.
    EXPECT_EQ(error_code(a->request("oncall.shifts.list",
                                    {{"team_id", team}, {"from", iso(t)}, {"to", iso(t - 1)}})),
              "bad_request");
    EXPECT_EQ(
        error_code(a->request("oncall.shifts.list",
                              {{"team_id", team}, {"from", iso(t)}, {"to", iso(t + 32 * kDay)}})),
        "bad_request");
    EXPECT_EQ(error_code(a->request(
                  "oncall.shifts.list",
                  {{"team_id", team}, {"from", "yesterday-yesterday1"}, {"to", iso(t)}})),
              "bad_request");
    EXPECT_EQ(
        error_code(a->request("oncall.now", {{"team_id", "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f"}})),
        "not_found");
    EXPECT_EQ(error_code(a->request("oncall.shifts.remove",
                                    {{"shift_id", "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f"}})),
              "not_found");

    // Nothing stored, nothing audited, and the connection still serves.
    EXPECT_EQ(shifts(), 0);
    EXPECT_EQ(teams(), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records"), audit_before);
    ok_request(*a, "oncall.shifts.add",
               shift(team, doc, "primary", t, t + 7 * kDay));  // exactly a week
    EXPECT_EQ(shifts(), 1);
}

TEST_F(Oncall, ANurseMayNotEditSchedulesAndAnotherOrganizationSeesNothing) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser foreign_admin = enroll("Other", "olga.admin", "admin");
    const std::string doc = plain_user("General", "doc.tor", "physician");
    const std::string foreign_doc = plain_user("Other", "fred.doc", "physician");
    auto a = logged_in(admin);
    auto n = logged_in(nurse);
    auto f = logged_in(foreign_admin);
    const std::string team = create_team(*a, "Cardiology");
    const auto t = now_s();
    const std::string shift_id = ok_request(
        *a, "oncall.shifts.add", shift(team, doc, "primary", t - kHour, t + kHour))["shift"]["id"];
    const long long audit_before =
        count("SELECT count(*) FROM audit_records WHERE action LIKE 'oncall.%'");

    // The nurse: forbidden for every edit and the schedule view, allowed to ask who is on call.
    EXPECT_EQ(error_code(n->request("oncall.teams.create", {{"name", "Nursing"}})), "forbidden");
    EXPECT_EQ(error_code(n->request("oncall.shifts.add", shift(team, doc, "backup", t, t + kHour))),
              "forbidden");
    EXPECT_EQ(error_code(n->request("oncall.shifts.remove", {{"shift_id", shift_id}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("oncall.shifts.list",
                                    {{"team_id", team}, {"from", iso(t)}, {"to", iso(t + kHour)}})),
              "forbidden");
    EXPECT_EQ(ok_request(*n, "oncall.now", {{"team_id", team}})["primary"]["user_id"], doc);

    // Another organization's admin: our team, shift and user answer as unknown ones do.
    const std::string unknown = "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f";
    const auto theirs = f->request("oncall.now", {{"team_id", team}});
    const auto nothing = f->request("oncall.now", {{"team_id", unknown}});
    EXPECT_EQ(error_code(theirs), "not_found");
    EXPECT_EQ(theirs["error"]["message"], nothing["error"]["message"]);
    EXPECT_EQ(error_code(f->request("oncall.shifts.add",
                                    shift(team, foreign_doc, "backup", t, t + kHour))),
              "not_found");
    EXPECT_EQ(error_code(f->request("oncall.shifts.remove", {{"shift_id", shift_id}})),
              "not_found");
    EXPECT_EQ(error_code(f->request("oncall.shifts.list",
                                    {{"team_id", team}, {"from", iso(t)}, {"to", iso(t + kHour)}})),
              "not_found");
    EXPECT_EQ(ok_request(*f, "oncall.teams.list", json::object())["teams"], json::array());
    // Their team cannot take our user; the same name is theirs to use.
    const std::string their_team = create_team(*f, "Cardiology");
    const auto our_user =
        f->request("oncall.shifts.add", shift(their_team, doc, "primary", t, t + kHour));
    EXPECT_EQ(error_code(our_user), "not_found");
    EXPECT_EQ(our_user["error"]["message"],
              f->request("oncall.shifts.add",
                         shift(their_team, unknown, "primary", t, t + kHour))["error"]["message"]);

    // Nothing of ours changed; only the other organization's own team creation was audited.
    EXPECT_EQ(shifts(), 1);
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts WHERE id = '" + shift_id + "'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action LIKE 'oncall.%'"),
              audit_before + 1);
    EXPECT_GT(audit_count("authz.denied", "denied"), 0);
}

}  // namespace
}  // namespace wardline::test
