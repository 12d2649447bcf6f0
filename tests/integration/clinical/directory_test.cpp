// SPDX-License-Identifier: Apache-2.0
// directory.search over TLS against a real server and database (issue #5): the filters, stable
// paging, on-call status from the real schedule, and what never appears (other organizations,
// deactivated and suspended users), plus bad input.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

class Directory : public ClinicalFixture {
protected:
    std::vector<std::string> usernames(const json& body) {
        std::vector<std::string> out;
        for (const auto& u : body["users"]) out.push_back(u["username"]);
        return out;
    }
    void set_department(const std::string& id, const std::string& department) {
        owner().exec("UPDATE users SET department = '" + department + "' WHERE id = '" + id + "'");
    }
};

TEST_F(Directory, FiltersByNameDepartmentRoleAndOnCallAndShowsCurrentShifts) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    const std::string carl = plain_user("General", "carl.cardio", "physician");
    const std::string cara = plain_user("General", "cara.cardio", "nurse");
    const std::string nick = plain_user("General", "nick.neuro", "physician");
    const std::string gone = plain_user("General", "carl.gone", "physician");
    const std::string held = plain_user("General", "carl.held", "physician");
    plain_user("Other", "carl.foreign", "physician");
    set_department(carl, "Cardiology");
    set_department(cara, "Cardiology");
    set_department(nick, "Neurology");
    set_department(gone, "Cardiology");
    auto a = logged_in(admin);
    const std::string team = create_team(*a, "Cardiology");
    const auto t = now_s();
    ok_request(*a, "oncall.shifts.add", shift(team, carl, "primary", t - kHour, t + kHour));
    ok_request(*a, "oncall.shifts.add",
               shift(team, cara, "backup", t - 3 * kHour, t - kMinute));  // over
    ok_request(*a, "oncall.shifts.add", shift(team, gone, "backup", t - kHour, t + kHour));
    ok_request(*a, "oncall.shifts.add", shift(team, held, "backup", t - kHour, t + kHour));
    // Scheduled, then deactivated and suspended: on shift, yet never in the directory.
    owner().exec("UPDATE users SET status = 'deactivated' WHERE id = '" + gone + "'");
    owner().exec("UPDATE users SET status = 'suspended' WHERE id = '" + held + "'");

    auto n = logged_in(nurse);
    auto search = [&](const json& body) { return ok_request(*n, "directory.search", body); };

    // Case-insensitive substring of username or display name ("Test carl.cardio").
    EXPECT_EQ(usernames(search({{"query", "CARL"}})), std::vector<std::string>({"carl.cardio"}));
    EXPECT_EQ(usernames(search({{"query", "cardio"}})),
              std::vector<std::string>({"cara.cardio", "carl.cardio"}));
    EXPECT_EQ(usernames(search({{"department", "cardiology"}})),
              std::vector<std::string>({"cara.cardio", "carl.cardio"}));
    EXPECT_EQ(usernames(search({{"department", "cardiology"}, {"role", "nurse"}})),
              std::vector<std::string>({"cara.cardio"}));
    EXPECT_EQ(usernames(search({{"role", "physician"}})),
              std::vector<std::string>({"carl.cardio", "nick.neuro"}));
    EXPECT_EQ(usernames(search({{"on_call", true}})), std::vector<std::string>({"carl.cardio"}));
    const auto off = usernames(search({{"on_call", false}}));
    EXPECT_EQ(std::set<std::string>(off.begin(), off.end()),
              (std::set<std::string>{"ada.admin", "cara.cardio", "nick.neuro", "nina.nurse"}));
    EXPECT_EQ(search({{"query", "nobody-matches"}})["users"], json::array());

    const auto found = search({{"query", "carl.cardio"}});
    ASSERT_EQ(found["users"].size(), 1u);
    const auto& u = found["users"][0];
    EXPECT_EQ(u["id"], carl);
    EXPECT_EQ(u["display_name"], "Test carl.cardio");
    EXPECT_EQ(u["department"], "Cardiology");
    EXPECT_EQ(u["roles"], json::array({"physician"}));
    EXPECT_EQ(u["on_shift"], true);
    EXPECT_EQ(u["presence"], "offline");  // never connected
    EXPECT_EQ(u["on_call"], json::array({{{"team_id", team},
                                          {"team", "Cardiology"},
                                          {"role", "primary"},
                                          {"until", iso(t + kHour)}}}));
    const auto cara_found = search({{"query", "cara"}});
    EXPECT_EQ(cara_found["users"][0]["on_shift"], false);  // the shift ended a minute ago
    EXPECT_EQ(cara_found["users"][0]["on_call"], json::array());
    EXPECT_FALSE(search({{"query", "carl"}}).contains("next_after"));
}

TEST_F(Directory, PagesAreStableAndCompleteAndOtherOrganizationsNeverAppear) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    std::set<std::string> expected{"nina.nurse"};
    for (int i = 0; i < 7; ++i) {
        const std::string name = "user" + std::to_string(i);
        plain_user("General", name, i % 2 ? "physician" : "billing");
        plain_user("Other", "other" + name, "physician");
        expected.insert(name);
    }
    TestUser foreign = enroll("Other", "fred.foreign", "nurse");
    auto n = logged_in(nurse);
    std::vector<std::string> seen;
    json body{{"limit", 3}};
    int pages = 0;
    while (true) {
        const auto page = ok_request(*n, "directory.search", body);
        ++pages;
        EXPECT_LE(page["users"].size(), 3u);
        for (const auto& u : page["users"]) seen.push_back(u["username"]);
        if (!page.contains("next_after")) break;
        body["after"] = page["next_after"];
        // A user added meanwhile after the cursor shows up; the pages already read stay valid.
        if (pages == 1) {
            plain_user("General", "zed.late", "nurse");
            expected.insert("zed.late");
        }
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 3);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
    EXPECT_EQ(seen.size(), expected.size());  // no duplicates

    // The other organization's clinician sees only their own colleagues.
    auto f = logged_in(foreign);
    const auto theirs = ok_request(*f, "directory.search", {{"query", "user"}, {"limit", 100}});
    EXPECT_EQ(theirs["users"].size(), 7u);
    for (const auto& u : theirs["users"])
        EXPECT_EQ(u["username"].get<std::string>().rfind("otheruser", 0), 0u) << u.dump();
    EXPECT_EQ(ok_request(*f, "directory.search", {{"query", "nina"}})["users"], json::array());
}

TEST_F(Directory, BadInputIsRefusedAndTheConnectionKeepsServing) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto n = logged_in(nurse);
    for (const json& bad :
         {json{{"limit", 0}}, json{{"limit", 101}}, json{{"limit", "10"}},
          json{{"role", "surgeon"}}, json{{"query", std::string(101, 'a')}}, json{{"query", ""}},
          json{{"on_call", "yes"}}, json{{"team", "x"}}, json{{"after", std::string(257, 'a')}}}) {
        SCOPED_TRACE(bad.dump());
        EXPECT_EQ(error_code(n->request("directory.search", bad)), "bad_request");
    }
    // A cursor that names nobody is just a position: the page after it.
    EXPECT_EQ(ok_request(*n, "directory.search", {{"after", "zzzz"}})["users"], json::array());
    EXPECT_EQ(ok_request(*n, "directory.search", json::object())["users"].size(), 1u);
    // Without a session there is no directory.
    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("directory.search", json::object())),
              "unauthenticated");
}

}  // namespace
}  // namespace wardline::test
