// SPDX-License-Identifier: Apache-2.0
// The clinical rules without a database: ISO 8601 UTC times, shift checks, the on-call CSV
// parser and the presence throttle (driven by a synthetic clock).
#include "server/clinical/iso_time.hpp"
#include "server/clinical/oncall_csv.hpp"
#include "server/clinical/presence_throttle.hpp"
#include "server/clinical/shift_rules.hpp"
#include "server/clinical/template_rules.hpp"

#include <gtest/gtest.h>

namespace wardline::server::clinical {
namespace {

TEST(IsoTime, ParsesExactlyTheUtcFormAndRoundTrips) {
    EXPECT_EQ(parse_utc("1970-01-01T00:00:00Z"), std::nullopt);  // before 2000
    EXPECT_EQ(parse_utc("2000-01-01T00:00:00Z"), 946684800);
    EXPECT_EQ(parse_utc("2024-02-29T23:59:59Z"), 1709251199);  // leap day
    for (const char* bad :
         {"2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z",
          "2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-11-23T23:59:60Z",
          "2026-11-23t08:00:00Z", "2026-11-23T08:00:00z", "2026-11-23T08:00:00",
          "2026-11-23T08:00:00+00:00", "+026-11-23T08:00:00Z", "2026-11-23T08:00:0 Z",
          "2200-01-01T00:00:00Z", "", "2026-11-23T08:00:00.5Z"})
        EXPECT_EQ(parse_utc(bad), std::nullopt) << bad;
    for (std::int64_t t : {946684800LL, 1709251199LL, 1795420800LL, 4102444799LL})
        EXPECT_EQ(parse_utc(format_utc(t)), t);
    EXPECT_EQ(format_utc(1795420800), "2026-11-23T08:00:00Z");
}

TEST(ShiftRules, StartBeforeEndAtMostAWeekAndAKnownRole) {
    ShiftTimes t;
    EXPECT_EQ(check_shift("2026-11-23T08:00:00Z", "2026-11-30T08:00:00Z", "primary", t), "");
    EXPECT_EQ(t.end - t.start, kMaxShiftSeconds);
    EXPECT_NE(check_shift("2026-11-23T08:00:00Z", "2026-11-30T08:00:01Z", "primary", t), "");
    EXPECT_NE(check_shift("2026-11-23T08:00:00Z", "2026-11-23T08:00:00Z", "backup", t), "");
    EXPECT_NE(check_shift("2026-11-23T08:00:00Z", "2026-11-23T07:00:00Z", "backup", t), "");
    EXPECT_NE(check_shift("2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", "Primary", t), "");
    EXPECT_NE(check_team_name(std::string(101, 'x')), "");
    EXPECT_NE(check_team_name(" "), "");
    EXPECT_EQ(check_team_name("Cardiology – Ward 3"), "");
}

TEST(TemplateRules, LineBreaksAreTheOnlyControlCharacterAllowed) {
    EXPECT_EQ(check_template_body("Please call.\nExt. 4411\n"), "");
    EXPECT_NE(check_template_body("tab\there"), "");
    EXPECT_NE(check_template_body("cr\r\n"), "");
    EXPECT_NE(check_template_body(" \n \n"), "");
    EXPECT_NE(check_template_title("two\nlines"), "");
}

TEST(OncallCsv, ReportsEveryBadLineWithItsNumber) {
    const auto s = parse_oncall_csv(
        "Team,Username,Start,End,Role\r\n"
        "\"Neuro, \"\"Stroke\"\"\",nick,2026-11-23T08:00:00Z,2026-11-23T20:00:00Z,Primary\r\n"
        "\n"
        "Cardiology,carl,2026-11-23T08:00:00Z,2026-11-23T20:00:00Z\n"
        "Cardiology,carl,2026-11-23T20:00:00Z,2026-11-23T08:00:00Z,backup\n"
        "Cardiology,,2026-11-23T08:00:00Z,2026-11-23T20:00:00Z,backup\n"
        "\"Cardiology,carl,2026-11-23T08:00:00Z,2026-11-23T20:00:00Z,backup\n");
    ASSERT_EQ(s.shifts.size(), 1u);
    EXPECT_EQ(s.shifts[0].line, 2u);
    EXPECT_EQ(s.shifts[0].team, "Neuro, \"Stroke\"");
    EXPECT_EQ(s.shifts[0].role, "primary");
    ASSERT_EQ(s.problems.size(), 4u);
    EXPECT_EQ(s.problems[0].line, 4u);
    EXPECT_EQ(s.problems[1].line, 5u);
    EXPECT_EQ(s.problems[2].line, 6u);
    EXPECT_EQ(s.problems[3].line, 7u);
    EXPECT_EQ(parse_oncall_csv("").problems.size(), 1u);
    EXPECT_EQ(parse_oncall_csv("team,user,start,end,role\n").problems.at(0).line, 1u);
}

TEST(OncallCsv, SkipsAByteOrderMarkAndStopsAtTheShiftLimit) {
    const std::string line = "Cardiology,carl,2026-11-23T08:00:00Z,2026-11-23T20:00:00Z,backup\n";
    const auto bom = parse_oncall_csv("\xEF\xBB\xBFteam,username,start,end,role\n" + line);
    EXPECT_EQ(bom.problems.size(), 0u);
    EXPECT_EQ(bom.shifts.size(), 1u);
    std::string big = "team,username,start,end,role\n";
    for (std::size_t i = 0; i < kMaxCsvShifts + 5; ++i) big += line;
    const auto s = parse_oncall_csv(big);
    EXPECT_EQ(s.shifts.size(), kMaxCsvShifts);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0].line, kMaxCsvShifts + 2);
}

TEST(PresenceThrottle, PushesAtOnceThenCoalescesForTwoSeconds) {
    PresenceThrottle throttle;
    const PresenceThrottle::Clock::time_point t0{std::chrono::seconds(100)};
    using std::chrono::milliseconds;
    EXPECT_EQ(throttle.offer("u", "busy", t0), PresenceThrottle::Push::now);
    EXPECT_EQ(throttle.offer("u", "away", t0 + milliseconds(500)),
              PresenceThrottle::Push::schedule);
    EXPECT_EQ(throttle.offer("u", "offline", t0 + milliseconds(900)),
              PresenceThrottle::Push::pending);
    EXPECT_EQ(throttle.next_push_at("u"), t0 + milliseconds(2000));
    EXPECT_EQ(throttle.take_pending("u", t0 + milliseconds(2000)), "offline");  // the latest
    EXPECT_EQ(throttle.offer("u", "busy", t0 + milliseconds(3000)),
              PresenceThrottle::Push::schedule);
    EXPECT_EQ(throttle.take_pending("u", t0 + milliseconds(4000)), "busy");
    EXPECT_EQ(throttle.offer("u", "away", t0 + milliseconds(6000)), PresenceThrottle::Push::now);
    EXPECT_EQ(throttle.offer("v", "away", t0 + milliseconds(6000)),
              PresenceThrottle::Push::now);  // per user
}

TEST(PresenceThrottle, ForgettingOldEntriesChangesNoDecision) {
    PresenceThrottle throttle;
    const PresenceThrottle::Clock::time_point t0{std::chrono::seconds(100)};
    using std::chrono::milliseconds;
    using std::chrono::minutes;
    EXPECT_EQ(throttle.offer("u", "busy", t0), PresenceThrottle::Push::now);
    // Minutes later u's entry is swept: u is pushed at once, as it would be anyway.
    EXPECT_EQ(throttle.offer("u", "away", t0 + minutes(5)), PresenceThrottle::Push::now);
    EXPECT_EQ(throttle.offer("v", "busy", t0 + minutes(5)), PresenceThrottle::Push::now);
    EXPECT_EQ(throttle.offer("v", "away", t0 + minutes(5) + milliseconds(100)),
              PresenceThrottle::Push::schedule);
    // A sweep minutes later keeps v's entry while its delayed push is waiting: v's next change
    // joins that push instead of starting a second one.
    EXPECT_EQ(throttle.offer("x", "busy", t0 + minutes(7)), PresenceThrottle::Push::now);
    EXPECT_EQ(throttle.offer("v", "offline", t0 + minutes(7)), PresenceThrottle::Push::pending);
    EXPECT_EQ(throttle.take_pending("v", t0 + minutes(7)), "offline");
}

}  // namespace
}  // namespace wardline::server::clinical
