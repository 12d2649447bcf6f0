// SPDX-License-Identifier: Apache-2.0
// `wardlinectl oncall import` as a real process against the test database, and its result seen
// through the real server: all or nothing, every bad line reported with its number.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace wardline::test {
namespace {

using nlohmann::json;

class OncallImport : public ClinicalFixture {
protected:
    void SetUp() override {
        ClinicalFixture::SetUp();
        dir_ = std::filesystem::temp_directory_path() /
               ("wardline-oncall-" + std::to_string(::getpid()) + "-" + std::to_string(now_s()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        ClinicalFixture::TearDown();
    }
    std::string file(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    CommandResult import(const std::string& org, const std::string& path) {
        return ctl("oncall import --org '" + org + "' '" + path + "'");
    }
    long long shifts() { return count("SELECT count(*) FROM oncall_shifts"); }
    long long teams() { return count("SELECT count(*) FROM oncall_teams"); }

    std::filesystem::path dir_;
};

TEST_F(OncallImport, ImportsTheScheduleCreatesMissingTeamsAndTheServerAnswersFromIt) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    const std::string carl = plain_user("General", "carl.cardio", "physician");
    const std::string bea = plain_user("General", "bea.backup", "physician");
    const std::string nick = plain_user("General", "nick.neuro", "physician");
    auto a = logged_in(admin);
    const std::string existing = create_team(*a, "Cardiology");
    const auto t = now_s();
    const std::string csv =
        "team,username,start,end,role\r\n"
        "cardiology,carl.cardio," +
        iso(t - kHour) + "," + iso(t + kHour) +
        ",primary\r\n"
        "Cardiology,Bea.Backup," +
        iso(t - kHour) + "," + iso(t + 3 * kHour) +
        ",backup\r\n"
        "\r\n"
        "\"Neuro, Stroke\",nick.neuro," +
        iso(t + kHour) + "," + iso(t + 9 * kHour) +
        ",PRIMARY\r\n"
        "Cardiology,carl.cardio," +
        iso(t + kHour) + "," + iso(t + 9 * kHour) + ",backup\r\n";
    const auto r = import("General", file("schedule.csv", csv));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("imported 4 shift(s); created 1 team(s)"), std::string::npos)
        << r.output;
    EXPECT_EQ(teams(), 2);
    EXPECT_EQ(shifts(), 4);
    EXPECT_EQ(audit_count("oncall.import", "success"), 1);

    // The server answers from the imported schedule.
    auto n = logged_in(nurse);
    const auto now = ok_request(*n, "oncall.now", {{"team_id", existing}});
    EXPECT_EQ(now["primary"]["user_id"], carl);
    EXPECT_EQ(now["primary"]["until"], iso(t + kHour));
    ASSERT_EQ(now["backups"].size(), 1u);
    EXPECT_EQ(now["backups"][0]["user_id"], bea);
    const auto listed = ok_request(*n, "oncall.teams.list", json::object());
    ASSERT_EQ(listed["teams"].size(), 2u);
    EXPECT_EQ(listed["teams"][1]["name"], "Neuro, Stroke");
    const auto neuro = ok_request(*n, "oncall.now", {{"team_id", listed["teams"][1]["id"]}});
    EXPECT_FALSE(neuro.contains("primary"));  // starts in an hour
    (void)nick;
}

TEST_F(OncallImport, EveryBadLineIsReportedWithItsNumberAndNothingIsImported) {
    plain_user("General", "carl.cardio", "physician");
    plain_user("General", "pat.other", "physician");
    const std::string gone = plain_user("General", "gone.user", "physician");
    owner().exec("UPDATE users SET status = 'deactivated' WHERE id = '" + gone + "'");
    plain_user("Other", "fred.foreign", "physician");
    const auto t = now_s();
    const std::string good_times = iso(t) + "," + iso(t + 8 * kHour);
    const std::string csv =
        "team,username,start,end,role\n"  // 1
        "Cardiology,carl.cardio," +
        good_times +
        ",primary\n"  // 2 good
        "Cardiology,carl.cardio,2026-11-23 08:00," +
        iso(t) +
        ",primary\n"  // 3 bad time
        "Cardiology,nobody.here," +
        good_times +
        ",primary\n"  // 4 unknown user
        "Cardiology,pat.other," +
        iso(t + kHour) + "," + iso(t) +
        ",backup\n"  // 5 end before start
        "Cardiology,pat.other," +
        good_times +
        "\n"  // 6 four columns
        "Cardiology,pat.other," +
        iso(t + kHour) + "," + iso(t + 2 * kHour) +
        ",primary\n"  // 7 overlap
        "Cardiology,gone.user," +
        good_times +
        ",backup\n"  // 8 deactivated
        "Cardiology,fred.foreign," +
        good_times +
        ",backup\n"  // 9 other org
        "Cardiology,pat.other," +
        good_times +
        ",oncall\n"  // 10 bad role
        "Cardiology,pat.other," +
        iso(t) + "," + iso(t + 8 * kDay) +
        ",backup\n"  // 11 too long
        "Card\x01iology,pat.other," +
        good_times +
        ",backup\n"  // 12 control char
        "Cardiology,pat.other," +
        iso(t + 9 * kHour) + "," + iso(t + 10 * kHour) + ",backup\n";  // 13 good
    const std::string path = file("bad.csv", csv);
    const auto r = import("General", path);
    EXPECT_EQ(r.status, 3) << r.output;
    for (const auto& [line, words] :
         std::vector<std::pair<int, std::string>>{{3, "ISO 8601"},
                                                  {4, "unknown user"},
                                                  {5, "end must be after start"},
                                                  {6, "expected 5 columns"},
                                                  {7, "overlapping primary"},
                                                  {8, "not active"},
                                                  {9, "unknown user"},
                                                  {10, "role must be primary or backup"},
                                                  {11, "7 days"},
                                                  {12, "control"}}) {
        SCOPED_TRACE(line);
        const std::string prefix = path + ":" + std::to_string(line) + ": ";
        const auto at_line = r.output.find(prefix);
        ASSERT_NE(at_line, std::string::npos) << r.output;
        const auto end = r.output.find('\n', at_line);
        EXPECT_NE(r.output.substr(at_line, end - at_line).find(words), std::string::npos)
            << r.output;
    }
    for (int good : {1, 2, 13})
        EXPECT_EQ(r.output.find(path + ":" + std::to_string(good) + ":"), std::string::npos)
            << r.output;
    EXPECT_NE(r.output.find("10 bad line(s); nothing was imported"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("fred.foreign"), std::string::npos);  // no content echoed
    EXPECT_EQ(shifts(), 0);
    EXPECT_EQ(teams(), 0);  // the team the good lines would have created is not kept
    EXPECT_EQ(audit_count("oncall.import"), 0);
}

TEST_F(OncallImport, BadFilesAndArgumentsAreRefused) {
    plain_user("General", "carl.cardio", "physician");
    const auto t = now_s();
    const std::string line =
        "Cardiology,carl.cardio," + iso(t) + "," + iso(t + kHour) + ",primary\n";

    auto r = import("General", file("noheader.csv", line));
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find(":1: the header must be team,username,start,end,role"),
              std::string::npos)
        << r.output;
    r = import("General", file("empty.csv", ""));
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("empty"), std::string::npos) << r.output;
    r = import("General",
               file("quote.csv", "team,username,start,end,role\n\"Cardiology,carl.cardio\n"));
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find(":2: unbalanced quote"), std::string::npos) << r.output;
    r = import("Nowhere", file("ok.csv", "team,username,start,end,role\n" + line));
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("no such organization"), std::string::npos) << r.output;
    r = import("General", (dir_ / "missing.csv").string());
    EXPECT_EQ(r.status, 2) << r.output;
    r = import("General",
               file("huge.csv", "team,username,start,end,role\n" + std::string(1 << 20, '#')));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("1 MiB"), std::string::npos) << r.output;
    r = ctl("oncall import " + file("noorg.csv", "team,username,start,end,role\n" + line));
    EXPECT_EQ(r.status, 2) << r.output;
    r = ctl("oncall export --org General");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(shifts(), 0);
    EXPECT_EQ(teams(), 0);

    // The same file, well formed, twice: the second overlaps the first and is refused whole.
    const std::string ok_path = file("ok2.csv", "team,username,start,end,role\n" + line);
    r = import("General", ok_path);
    EXPECT_EQ(r.status, 0) << r.output;
    r = import("General", ok_path);
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find(":2: the user has an overlapping shift"), std::string::npos)
        << r.output;
    EXPECT_EQ(shifts(), 1);
    EXPECT_EQ(audit_count("oncall.import", "success"), 1);
}

}  // namespace
}  // namespace wardline::test
