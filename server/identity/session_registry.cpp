// SPDX-License-Identifier: Apache-2.0
#include "server/identity/session_registry.hpp"

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

namespace wardline::server::identity {

std::string_view to_string(EndReason r) noexcept {
    switch (r) {
        case EndReason::logout: return "logout";
        case EndReason::revoked: return "revoked";
        case EndReason::idle_timeout: return "idle_timeout";
        case EndReason::expired: return "expired";
        case EndReason::password_changed: return "password_changed";
        case EndReason::user_suspended: return "user_suspended";
        case EndReason::user_deactivated: return "user_deactivated";
        case EndReason::device_revoked: return "device_revoked";
        case EndReason::credentials_reset: return "credentials_reset";
    }
    return "revoked";
}

std::uint64_t SessionRegistry::bind(std::string session_id, std::string user_id,
                                    std::string device_id, EndFn on_end, EventFn on_event) {
    std::lock_guard lock(mutex_);
    const auto handle = next_++;
    bindings_.emplace(handle, Binding{std::move(session_id), std::move(user_id),
                                      std::move(device_id), std::move(on_end),
                                      std::move(on_event)});
    return handle;
}

void SessionRegistry::unbind(std::uint64_t handle) {
    std::lock_guard lock(mutex_);
    bindings_.erase(handle);
}

template <class Pred>
std::size_t SessionRegistry::end_where(Pred pred, EndReason reason) {
    std::vector<Binding> ended;
    {
        std::lock_guard lock(mutex_);
        for (auto it = bindings_.begin(); it != bindings_.end();) {
            if (pred(it->second)) {
                ended.push_back(std::move(it->second));
                it = bindings_.erase(it);
            } else {
                ++it;
            }
        }
    }
    // Outside the lock: a callback may bind or unbind.
    for (auto& b : ended) b.on_end(b.session_id, reason);
    return ended.size();
}

std::size_t SessionRegistry::end_session(const std::string& session_id, EndReason reason) {
    return end_where([&](const Binding& b) { return b.session_id == session_id; }, reason);
}

std::size_t SessionRegistry::end_user(const std::string& user_id, EndReason reason,
                                      const std::optional<std::string>& except_session) {
    return end_where(
        [&](const Binding& b) {
            return b.user_id == user_id && (!except_session || b.session_id != *except_session);
        },
        reason);
}

std::size_t SessionRegistry::end_device(const std::string& device_id, EndReason reason) {
    return end_where([&](const Binding& b) { return b.device_id == device_id; }, reason);
}

std::size_t SessionRegistry::notify_device(const std::string& device_id, const std::string& event,
                                           const nlohmann::json& body) {
    std::vector<EventFn> targets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [handle, b] : bindings_)
            if (b.device_id == device_id && b.on_event) targets.push_back(b.on_event);
    }
    // Outside the lock, as in end_where().
    for (auto& fn : targets) fn(event, body);
    return targets.size();
}

std::size_t SessionRegistry::notify_user(const std::string& user_id, const std::string& event,
                                         const nlohmann::json& body,
                                         const std::string& except_device) {
    std::vector<EventFn> targets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [handle, b] : bindings_)
            if (b.user_id == user_id && b.on_event &&
                (except_device.empty() || b.device_id != except_device))
                targets.push_back(b.on_event);
    }
    // Outside the lock, as in end_where().
    for (auto& fn : targets) fn(event, body);
    return targets.size();
}

bool SessionRegistry::has_user(const std::string& user_id) const {
    std::lock_guard lock(mutex_);
    for (const auto& [handle, b] : bindings_)
        if (b.user_id == user_id) return true;
    return false;
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return bindings_.size();
}

}  // namespace wardline::server::identity
