// SPDX-License-Identifier: Apache-2.0
// When the engine tries again to join a conversation by external commit
// (client-qt/core/join_schedule.hpp): growing waits up to the cap, giving up after the bound,
// re-arming, forgetting, and the wait timer really firing (not before its time).
#include "client-qt/core/join_schedule.hpp"
#include "tests/client/qt_wait.hpp"

#include <gtest/gtest.h>

#include <QElapsedTimer>

#include <vector>

namespace wardline::client {
namespace {

using std::chrono::milliseconds;

JoinRetryOptions fixed(int max_attempts, milliseconds base = milliseconds(100),
                       milliseconds cap = milliseconds(400)) {
    JoinRetryOptions o;
    o.base = base;
    o.cap = cap;
    o.max_attempts = max_attempts;
    o.uniform = [](std::uint64_t bound) { return bound; };  // the longest wait allowed
    return o;
}

TEST(JoinSchedule, WaitsGrowToTheCapThenItGivesUpAfterTheBound) {
    std::vector<QString> attempts;
    JoinSchedule s(fixed(6), [&](const QString& id) { attempts.push_back(id); });
    const QString c = QStringLiteral("c1");
    std::vector<long> waits;
    for (int i = 0; i < 5; ++i) {
        const auto wait = s.failed(c);
        ASSERT_TRUE(wait.has_value()) << "gave up after " << i + 1;
        waits.push_back(static_cast<long>(wait->count()));
        EXPECT_TRUE(s.waiting(c));
        EXPECT_FALSE(s.gave_up(c));
    }
    EXPECT_EQ(waits, (std::vector<long>{100, 200, 400, 400, 400}));
    EXPECT_FALSE(s.failed(c).has_value()) << "the sixth failure gives up";
    EXPECT_TRUE(s.gave_up(c));
    EXPECT_FALSE(s.waiting(c)) << "no attempt is left waiting once given up";
    EXPECT_EQ(s.failures(c), 6);
    EXPECT_FALSE(s.failed(c).has_value()) << "a given-up conversation stays given up";
    EXPECT_TRUE(attempts.empty()) << "nothing fired while the test held the loop";

    // Re-armed: the attempts start over from the base.
    s.rearm(c);
    EXPECT_FALSE(s.gave_up(c));
    EXPECT_EQ(s.failures(c), 0);
    EXPECT_EQ(s.failed(c), milliseconds(100));
}

TEST(JoinSchedule, ConversationsAreCountedApartAndForgettingStopsTheWait) {
    std::vector<QString> attempts;
    JoinSchedule s(fixed(3), [&](const QString& id) { attempts.push_back(id); });
    s.failed(QStringLiteral("a"));
    s.failed(QStringLiteral("a"));
    EXPECT_EQ(s.failed(QStringLiteral("b")), milliseconds(100));
    EXPECT_EQ(s.failures(QStringLiteral("a")), 2);
    EXPECT_EQ(s.failures(QStringLiteral("b")), 1);
    s.forget(QStringLiteral("a"));
    EXPECT_EQ(s.failures(QStringLiteral("a")), 0);
    EXPECT_FALSE(s.waiting(QStringLiteral("a")));
    s.rearm(QStringLiteral("b"));  // not given up: changes nothing
    EXPECT_EQ(s.failures(QStringLiteral("b")), 1);
    ASSERT_TRUE(test::qt_wait_for([&] { return !attempts.empty(); }, milliseconds(2000)));
    test::qt_wait_for([] { return false; }, milliseconds(300));
    EXPECT_EQ(attempts, (std::vector<QString>{QStringLiteral("b")})) << "the forgotten wait fired";
}

TEST(JoinSchedule, TheAttemptComesWhenTheWaitIsOverAndNotBefore) {
    QElapsedTimer clock;
    qint64 fired_after = -1;
    JoinSchedule s(fixed(4, milliseconds(150), milliseconds(150)),
                   [&](const QString&) { fired_after = clock.elapsed(); });
    clock.start();
    EXPECT_EQ(s.failed(QStringLiteral("c")), milliseconds(150));
    ASSERT_TRUE(test::qt_wait_for([&] { return fired_after >= 0; }, milliseconds(3000)));
    EXPECT_GE(fired_after, 150);
    EXPECT_FALSE(s.waiting(QStringLiteral("c")));
    // A wait set by later() (the grace after conversation.member_added) fires the same way.
    fired_after = -1;
    clock.restart();
    s.later(QStringLiteral("c"), milliseconds(50));
    EXPECT_TRUE(s.waiting(QStringLiteral("c")));
    ASSERT_TRUE(test::qt_wait_for([&] { return fired_after >= 0; }, milliseconds(3000)));
    EXPECT_GE(fired_after, 50);
}

TEST(JoinSchedule, BadOptionsAreMadeSafe) {
    JoinRetryOptions o;
    o.base = milliseconds(0);
    o.cap = milliseconds(0);
    o.max_attempts = 0;
    JoinSchedule s(o, [](const QString&) {});
    EXPECT_FALSE(s.failed(QStringLiteral("c")).has_value()) << "at least one attempt, then give up";
    EXPECT_TRUE(s.gave_up(QStringLiteral("c")));
    EXPECT_GE(s.options().base.count(), 1);
    EXPECT_GE(s.options().cap, s.options().base);
}

}  // namespace
}  // namespace wardline::client
