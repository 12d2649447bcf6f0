// SPDX-License-Identifier: Apache-2.0
#pragma once
// Services every connection shares. Internal to server/net.
#include "server/config/config.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace wardline::proto {
class Protocol;
}

namespace wardline::server {

class Metrics;
class Dispatcher;

/// Live connections, so that shutdown can reach each of them. Each registers a callback
/// that begins its own graceful close on its own strand.
class ConnectionRegistry {
public:
    std::uint64_t add(std::function<void()> on_shutdown);
    void remove(std::uint64_t id);
    /// Calls every registered callback (outside the lock).
    void shutdown_all();
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, std::function<void()>> callbacks_;
};

struct ServerContext {
    const Config& config;
    const proto::Protocol& protocol;
    Metrics& metrics;
    Dispatcher& dispatcher;
    ConnectionRegistry registry;
    std::atomic<bool> stopping{false};
};

}  // namespace wardline::server
