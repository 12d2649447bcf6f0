// SPDX-License-Identifier: Apache-2.0
#include "server/net/server_context.hpp"

#include <vector>

namespace wardline::server {

std::uint64_t ConnectionRegistry::add(std::function<void()> on_shutdown) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    callbacks_.emplace(id, std::move(on_shutdown));
    return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    callbacks_.erase(id);
}

void ConnectionRegistry::shutdown_all() {
    std::vector<std::function<void()>> copy;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, cb] : callbacks_) copy.push_back(cb);
    }
    for (auto& cb : copy) cb();
}

std::size_t ConnectionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return callbacks_.size();
}

}  // namespace wardline::server
