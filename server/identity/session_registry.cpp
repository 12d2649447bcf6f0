// SPDX-License-Identifier: Apache-2.0
#include "server/identity/session_registry.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
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
        case EndReason::account_locked: return "account_locked";
    }
    return "revoked";
}

std::uint64_t SessionRegistry::bind(std::string session_id, std::string user_id,
                                    std::string device_id, EndFn on_end, EventFn on_event) {
    std::uint64_t handle = 0;
    const std::vector<std::string> changed{user_id};
    {
        std::lock_guard lock(mutex_);
        handle = next_++;
        count_in(user_id);
        bindings_.emplace(handle, Binding{std::move(session_id), std::move(user_id),
                                          std::move(device_id), std::move(on_end),
                                          std::move(on_event)});
    }
    tell_connections(changed);
    return handle;
}

void SessionRegistry::unbind(std::uint64_t handle) {
    std::vector<std::string> changed;
    {
        std::lock_guard lock(mutex_);
        const auto it = bindings_.find(handle);
        if (it == bindings_.end()) return;
        changed.push_back(std::move(it->second.user_id));
        bindings_.erase(it);
        count_out(changed.back());
    }
    tell_connections(changed);
}

void SessionRegistry::on_connections(ConnectionsFn fn) {
    std::lock_guard lock(mutex_);
    on_connections_ = std::move(fn);
}

void SessionRegistry::count_in(const std::string& user_id) {
    ++per_user_[user_id];
}

void SessionRegistry::count_out(const std::string& user_id) {
    const auto it = per_user_.find(user_id);
    if (it == per_user_.end()) return;
    if (--it->second == 0) per_user_.erase(it);
}

std::size_t SessionRegistry::connections_of(const std::string& user_id) const {
    std::lock_guard lock(mutex_);
    const auto it = per_user_.find(user_id);
    return it == per_user_.end() ? 0 : it->second;
}

std::vector<std::string> SessionRegistry::users() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(per_user_.size());
    for (const auto& [user_id, n] : per_user_) out.push_back(user_id);
    return out;
}

void SessionRegistry::tell_connections(const std::vector<std::string>& user_ids) {
    if (user_ids.empty()) return;
    ConnectionsFn fn;
    {
        std::lock_guard lock(mutex_);
        fn = on_connections_;
    }
    if (!fn) return;
    for (const auto& user_id : user_ids) fn(user_id);
}

template <class Pred>
std::size_t SessionRegistry::end_where(Pred pred, EndReason reason) {
    std::vector<Binding> ended;
    std::vector<std::string> changed;
    {
        std::lock_guard lock(mutex_);
        for (auto it = bindings_.begin(); it != bindings_.end();) {
            if (pred(it->second)) {
                count_out(it->second.user_id);
                if (std::find(changed.begin(), changed.end(), it->second.user_id) == changed.end())
                    changed.push_back(it->second.user_id);
                ended.push_back(std::move(it->second));
                it = bindings_.erase(it);
            } else {
                ++it;
            }
        }
    }
    // Outside the lock: a callback may bind or unbind.
    for (auto& b : ended) b.on_end(b.session_id, reason);
    tell_connections(changed);
    return ended.size();
}

std::size_t SessionRegistry::end_session_here(const std::string& session_id, EndReason reason) {
    return end_where([&](const Binding& b) { return b.session_id == session_id; }, reason);
}

std::size_t SessionRegistry::end_user_here(const std::string& user_id, EndReason reason,
                                           const std::optional<std::string>& except_session) {
    return end_where(
        [&](const Binding& b) {
            return b.user_id == user_id && (!except_session || b.session_id != *except_session);
        },
        reason);
}

std::size_t SessionRegistry::end_device_here(const std::string& device_id, EndReason reason) {
    return end_where([&](const Binding& b) { return b.device_id == device_id; }, reason);
}

std::size_t SessionRegistry::notify_device_here(const std::string& device_id,
                                                const std::string& event,
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

std::size_t SessionRegistry::notify_user_here(const std::string& user_id, const std::string& event,
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

void SessionRegistry::set_relay(RelayFn fn) {
    std::lock_guard lock(mutex_);
    relay_ = std::move(fn);
}

void SessionRegistry::relay(RelayedEvent e) {
    RelayFn fn;
    {
        std::lock_guard lock(mutex_);
        fn = relay_;
    }
    if (fn) fn(e);
}

std::size_t SessionRegistry::end_session(const std::string& session_id, EndReason reason) {
    const std::size_t told = end_session_here(session_id, reason);
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::end_session;
    e.target = session_id;
    e.reason = reason;
    relay(std::move(e));
    return told;
}

std::size_t SessionRegistry::end_user(const std::string& user_id, EndReason reason,
                                      const std::optional<std::string>& except_session) {
    const std::size_t told = end_user_here(user_id, reason, except_session);
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::end_user;
    e.target = user_id;
    e.reason = reason;
    e.except = except_session.value_or("");
    relay(std::move(e));
    return told;
}

std::size_t SessionRegistry::end_device(const std::string& device_id, EndReason reason) {
    const std::size_t told = end_device_here(device_id, reason);
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::end_device;
    e.target = device_id;
    e.reason = reason;
    relay(std::move(e));
    return told;
}

std::size_t SessionRegistry::notify_device(const std::string& device_id, const std::string& event,
                                           const nlohmann::json& body) {
    const std::size_t told = notify_device_here(device_id, event, body);
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::notify_device;
    e.target = device_id;
    e.event = event;
    e.body = body;
    relay(std::move(e));
    return told;
}

std::size_t SessionRegistry::notify_user(const std::string& user_id, const std::string& event,
                                         const nlohmann::json& body,
                                         const std::string& except_device) {
    const std::size_t told = notify_user_here(user_id, event, body, except_device);
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::notify_user;
    e.target = user_id;
    e.event = event;
    e.body = body;
    e.except = except_device;
    relay(std::move(e));
    return told;
}

std::size_t SessionRegistry::apply_remote(const RelayedEvent& e) {
    using Kind = RelayedEvent::Kind;
    switch (e.kind) {
        case Kind::notify_user:
            return notify_user_here(e.target, e.event, e.body, e.except);
        case Kind::notify_device:
            return notify_device_here(e.target, e.event, e.body);
        case Kind::end_user:
            return end_user_here(
                e.target, e.reason,
                e.except.empty() ? std::nullopt : std::optional<std::string>(e.except));
        case Kind::end_device:
            return end_device_here(e.target, e.reason);
        case Kind::end_session:
            return end_session_here(e.target, e.reason);
    }
    return 0;
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return bindings_.size();
}

}  // namespace wardline::server::identity
