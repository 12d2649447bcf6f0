// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/backoff.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace wardline::client {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, CeilingDoublesFromBaseUpToTheCapAndResetStartsOver) {
    std::vector<std::uint64_t> bounds;
    Backoff b(milliseconds(500), milliseconds(30'000), [&](std::uint64_t bound) {
        bounds.push_back(bound);
        return bound;  // the largest delay allowed
    });
    std::vector<long> delays;
    for (int i = 0; i < 10; ++i) delays.push_back(static_cast<long>(b.next().count()));
    EXPECT_EQ(delays,
              (std::vector<long>{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000}));
    EXPECT_EQ(b.attempts(), 10u);
    b.reset();
    EXPECT_EQ(b.next(), milliseconds(500));
}

TEST(Backoff, DelaysAreJitteredBetweenZeroAndTheCeiling) {
    Backoff lowest(milliseconds(500), milliseconds(30'000), [](std::uint64_t) { return 0; });
    EXPECT_EQ(lowest.next(), milliseconds(0));
    Backoff real(milliseconds(100), milliseconds(1'000), Backoff::system_uniform());
    bool differed = false;
    milliseconds first{-1};
    for (int i = 0; i < 200; ++i) {
        real.reset();
        for (int k = 0; k < 5; ++k) real.next();
        const auto ceiling = real.ceiling();
        const auto d = real.next();
        EXPECT_GE(d.count(), 0);
        EXPECT_LE(d, ceiling);
        if (first.count() < 0) first = d;
        differed = differed || d != first;
    }
    EXPECT_TRUE(differed) << "200 jittered delays were all the same";
}

TEST(Backoff, ARandomSourceOutOfRangeIsClampedAndManyFailuresDoNotOverflow) {
    Backoff b(milliseconds(1), milliseconds(60'000), [](std::uint64_t) { return ~0ull; });
    for (int i = 0; i < 1000; ++i) EXPECT_LE(b.next(), milliseconds(60'000));
}

TEST(Backoff, RefusesNonsenseSettings) {
    auto any = [](std::uint64_t b) { return b; };
    EXPECT_THROW(Backoff(milliseconds(0), milliseconds(10), any), std::invalid_argument);
    EXPECT_THROW(Backoff(milliseconds(100), milliseconds(10), any), std::invalid_argument);
    EXPECT_THROW(Backoff(milliseconds(1), milliseconds(10), nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace wardline::client
