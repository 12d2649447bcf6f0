// SPDX-License-Identifier: Apache-2.0
// Quiet hours (client::in_quiet_hours, client::should_notify): ranges within a day and across
// midnight, read on the wall clock of their time zone, through both changes of daylight saving
// time; urgent and critical messages always notify; what the server sends is read strictly.
#include "client-qt/core/quiet_hours.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/notification_policy.hpp"

#include <QJsonDocument>
#include <QTimeZone>

#include <gtest/gtest.h>

namespace wardline::client {
namespace {

QDateTime utc(int y, int mo, int d, int h, int mi, int s = 0) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s), QTimeZone::utc());
}

QuietHours quiet(int start, int end, const char* zone = "UTC") {
    return QuietHours{true, start, end, QString::fromLatin1(zone)};
}

TEST(QuietHours, ARangeWithinTheDayIncludesItsStartAndExcludesItsEnd) {
    const auto q = quiet(9 * 60, 17 * 60);
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 4, 8, 59, 59)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 4, 9, 0)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 4, 16, 59)));
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 4, 17, 0)));
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 4, 23, 0)));
}

TEST(QuietHours, ARangeAcrossMidnightCoversBothEvenings) {
    const auto q = quiet(22 * 60, 7 * 60);
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 4, 21, 59)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 4, 22, 0)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 4, 23, 59)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 5, 0, 0)));
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 5, 5, 6, 59)));
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 5, 7, 0)));
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 5, 5, 12, 0)));
    // The whole day but one minute.
    EXPECT_TRUE(in_quiet_hours(quiet(1, 0), utc(2026, 5, 5, 12, 0)));
    EXPECT_FALSE(in_quiet_hours(quiet(1, 0), utc(2026, 5, 5, 0, 0, 30)));
}

TEST(QuietHours, TheRangeIsReadOnTheWallClockOfItsZoneInWinterAndSummer) {
    const auto berlin = quiet(22 * 60, 7 * 60, "Europe/Berlin");
    EXPECT_TRUE(in_quiet_hours(berlin, utc(2026, 1, 15, 21, 30)));   // 22:30 CET
    EXPECT_FALSE(in_quiet_hours(berlin, utc(2026, 1, 15, 20, 30)));  // 21:30 CET
    EXPECT_TRUE(in_quiet_hours(berlin, utc(2026, 7, 15, 20, 30)));   // 22:30 CEST
    EXPECT_TRUE(in_quiet_hours(berlin, utc(2026, 1, 15, 5, 30)));    // 06:30 CET
    EXPECT_FALSE(in_quiet_hours(berlin, utc(2026, 7, 15, 5, 30)));   // 07:30 CEST
    // The same instant is night in Tokyo and afternoon in Berlin.
    EXPECT_TRUE(in_quiet_hours(quiet(22 * 60, 7 * 60, "Asia/Tokyo"), utc(2026, 1, 15, 14, 0)));
    EXPECT_FALSE(in_quiet_hours(berlin, utc(2026, 1, 15, 14, 0)));
    // "now" in another zone is the same instant.
    const QDateTime same = utc(2026, 1, 15, 21, 30).toTimeZone(QTimeZone("America/New_York"));
    EXPECT_TRUE(in_quiet_hours(berlin, same));
}

TEST(QuietHours, SpringForwardSkipsTheMissingHour) {
    // Europe/Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    const auto gap = quiet(2 * 60, 3 * 60, "Europe/Berlin");
    EXPECT_TRUE(in_quiet_hours(gap, utc(2026, 3, 28, 1, 30)));       // the day before, 02:30
    EXPECT_FALSE(in_quiet_hours(gap, utc(2026, 3, 29, 0, 59, 59)));  // 01:59:59 CET
    EXPECT_FALSE(in_quiet_hours(gap, utc(2026, 3, 29, 1, 0)));       // 03:00 CEST
    const auto night = quiet(22 * 60, 2 * 60 + 30, "Europe/Berlin");
    EXPECT_TRUE(in_quiet_hours(night, utc(2026, 3, 29, 0, 59)));  // 01:59 CET
    EXPECT_FALSE(in_quiet_hours(night, utc(2026, 3, 29, 1, 0)));  // 03:00 CEST: over
    // America/New_York, 8 March 2026 at 07:00 UTC: 06:30 is already daylight time.
    const auto ny = quiet(22 * 60, 7 * 60, "America/New_York");
    EXPECT_TRUE(in_quiet_hours(ny, utc(2026, 3, 8, 10, 30)));   // 06:30 EDT
    EXPECT_FALSE(in_quiet_hours(ny, utc(2026, 3, 8, 11, 30)));  // 07:30 EDT (06:30 in EST)
    EXPECT_TRUE(in_quiet_hours(ny, utc(2026, 3, 7, 11, 30)));   // 06:30 EST the day before
}

TEST(QuietHours, FallBackCoversTheRepeatedHourBothTimes) {
    // Europe/Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:00 to
    // 03:00 happens twice.
    const auto q = quiet(0, 2 * 60 + 30, "Europe/Berlin");
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 10, 25, 0, 15)));   // 02:15 CEST
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 10, 25, 0, 45)));  // 02:45 CEST
    EXPECT_TRUE(in_quiet_hours(q, utc(2026, 10, 25, 1, 15)));   // 02:15 CET, again
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 10, 25, 1, 45)));  // 02:45 CET
    EXPECT_FALSE(in_quiet_hours(q, utc(2026, 10, 25, 2, 0)));   // 03:00 CET
}

TEST(QuietHours, OffEmptyOutOfRangeOrUnknownZoneIsNeverQuiet) {
    const QDateTime noon = utc(2026, 5, 4, 12, 0);
    auto off = quiet(0, 1439);
    EXPECT_TRUE(in_quiet_hours(off, noon));
    off.enabled = false;
    EXPECT_FALSE(in_quiet_hours(off, noon));
    EXPECT_FALSE(in_quiet_hours(quiet(600, 600), noon));
    EXPECT_FALSE(in_quiet_hours(quiet(-60, 1439), noon));
    EXPECT_FALSE(in_quiet_hours(quiet(0, 1440), noon));
    EXPECT_FALSE(in_quiet_hours(quiet(0, 1439, "Mars/Olympus_Mons"), noon));
    EXPECT_FALSE(in_quiet_hours(quiet(0, 1439, ""), noon));
    EXPECT_FALSE(in_quiet_hours(quiet(0, 1439), QDateTime()));
}

TEST(QuietHours, RoutineMessagesAreSilencedUrgentAndCriticalAlwaysNotify) {
    NotificationPolicy policy;
    policy.quiet_hours = quiet(22 * 60, 7 * 60, "Europe/Berlin");
    const QDateTime night = utc(2026, 1, 15, 23, 0);  // 00:00 CET
    const QDateTime day = utc(2026, 1, 15, 11, 0);
    EXPECT_FALSE(should_notify(Priority::routine, policy, night));
    EXPECT_TRUE(should_notify(Priority::urgent, policy, night));
    EXPECT_TRUE(should_notify(Priority::critical, policy, night));
    EXPECT_TRUE(should_notify(Priority::routine, policy, day));
    policy.quiet_hours.enabled = false;
    EXPECT_TRUE(should_notify(Priority::routine, policy, night));
}

TEST(QuietHours, TheServersFormIsReadStrictly) {
    const QJsonObject good{{"enabled", true},
                           {"start_minute", 1320},
                           {"end_minute", 420},
                           {"time_zone", "Europe/Berlin"}};
    ASSERT_TRUE(quiet_hours_from_json(good));
    EXPECT_EQ(*quiet_hours_from_json(good), quiet(1320, 420, "Europe/Berlin"));
    EXPECT_EQ(to_json(*quiet_hours_from_json(good)), good);
    auto with = [&](const char* key, const QJsonValue& value) {
        QJsonObject o = good;
        o.insert(QLatin1String(key), value);
        return o;
    };
    for (const auto& bad : {with("enabled", "yes"), with("start_minute", "1320"),
                            with("start_minute", 1440), with("end_minute", -1),
                            with("start_minute", 1320.5), with("time_zone", 5), QJsonObject{}})
        EXPECT_FALSE(quiet_hours_from_json(bad)) << QJsonDocument(bad).toJson().toStdString();
    EXPECT_EQ(minute_of_day_text(0), "00:00");
    EXPECT_EQ(minute_of_day_text(1320), "22:00");
    EXPECT_EQ(minute_of_day_text(7 * 60 + 5), "07:05");
}

}  // namespace
}  // namespace wardline::client
