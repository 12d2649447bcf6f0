// SPDX-License-Identifier: Apache-2.0
#include "server/concurrency/token_bucket.hpp"

#include <gtest/gtest.h>

namespace wardline::server {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, AllowsBurstThenRefuses) {
    const auto t0 = TokenBucket::Clock::time_point{} + 1h;
    TokenBucket b(10, 5, t0);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(t0)) << i;
    EXPECT_FALSE(b.take(t0));
}

TEST(TokenBucket, RefillsAtRateButNotBeyondBurst) {
    const auto t0 = TokenBucket::Clock::time_point{} + 1h;
    TokenBucket b(10, 3, t0);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(b.take(t0));
    EXPECT_FALSE(b.take(t0 + 50ms));   // half a token
    EXPECT_TRUE(b.take(t0 + 100ms));   // one token
    EXPECT_FALSE(b.take(t0 + 100ms));
    const auto later = t0 + 1h;        // long idle: capped at burst
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.take(later));
    EXPECT_FALSE(b.take(later));
}

TEST(TokenBucket, ClockGoingBackwardsGivesNothing) {
    const auto t0 = TokenBucket::Clock::time_point{} + 1h;
    TokenBucket b(10, 1, t0);
    ASSERT_TRUE(b.take(t0));
    EXPECT_FALSE(b.take(t0 - 10s));
}

}  // namespace
}  // namespace wardline::server
