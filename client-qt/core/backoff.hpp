// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reconnect delays: exponential backoff with full jitter (each delay uniform in
// [0, min(cap, base * 2^attempt)]), so that a ward of clients that lost the server at the same
// moment do not all come back in the same millisecond. The random source is passed in, so
// tests are deterministic.
#include <chrono>
#include <cstdint>
#include <functional>

namespace wardline::client {

class Backoff {
public:
    /// Returns a uniformly distributed value in [0, bound] for a bound.
    using Uniform = std::function<std::uint64_t(std::uint64_t bound)>;

    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, Uniform uniform);

    /// The delay before the next attempt; each call counts one more failed attempt.
    std::chrono::milliseconds next();
    /// After a successful connection: the next failure starts from `base` again.
    void reset() noexcept { attempt_ = 0; }
    unsigned attempts() const noexcept { return attempt_; }
    /// The upper bound of the delay of the next call to next().
    std::chrono::milliseconds ceiling() const noexcept;

    /// A uniform source backed by the operating system's CSPRNG-seeded generator.
    static Uniform system_uniform();

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    Uniform uniform_;
    unsigned attempt_ = 0;
};

}  // namespace wardline::client
