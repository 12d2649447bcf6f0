// SPDX-License-Identifier: Apache-2.0
#include "server/net/connection_id.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <random>

namespace wardline::server {

std::string next_connection_id() {
    static const std::uint32_t prefix = std::random_device{}();
    static std::atomic<std::uint64_t> counter{0};
    char buf[40];
    std::snprintf(buf, sizeof buf, "c%08x-%llu", prefix,
                  static_cast<unsigned long long>(counter.fetch_add(1) + 1));
    return buf;
}

}  // namespace wardline::server
