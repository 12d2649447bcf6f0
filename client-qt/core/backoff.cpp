// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/backoff.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

namespace wardline::client {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, Uniform uniform)
    : base_(base), cap_(cap), uniform_(std::move(uniform)) {
    if (base_.count() <= 0 || cap_ < base_ || !uniform_)
        throw std::invalid_argument("backoff: need 0 < base <= cap and a random source");
}

std::chrono::milliseconds Backoff::ceiling() const noexcept {
    // base * 2^attempt without overflow: stop doubling once the cap is reached.
    std::int64_t bound = base_.count();
    for (unsigned i = 0; i < attempt_ && bound < cap_.count(); ++i) bound *= 2;
    return std::chrono::milliseconds(std::min<std::int64_t>(bound, cap_.count()));
}

std::chrono::milliseconds Backoff::next() {
    const auto bound = static_cast<std::uint64_t>(ceiling().count());
    if (attempt_ < 64) ++attempt_;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(uniform_(bound), bound)));
}

Backoff::Uniform Backoff::system_uniform() {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    return [engine](std::uint64_t bound) {
        return std::uniform_int_distribution<std::uint64_t>(0, bound)(*engine);
    };
}

}  // namespace wardline::client
