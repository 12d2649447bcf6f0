// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/presence_throttle.hpp"

namespace wardline::server::clinical {

PresenceThrottle::Push PresenceThrottle::offer(const std::string& user_id,
                                               const std::string& status, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    prune(now);
    Entry& e = entries_[user_id];
    e.status = status;
    if (e.pending) return Push::pending;
    if (!e.pushed_once || now - e.last_push >= kPushInterval) {
        e.pushed_once = true;
        e.last_push = now;
        return Push::now;
    }
    e.pending = true;
    return Push::schedule;
}

PresenceThrottle::Clock::time_point PresenceThrottle::next_push_at(
    const std::string& user_id) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(user_id);
    return it == entries_.end() ? Clock::time_point{} : it->second.last_push + kPushInterval;
}

std::string PresenceThrottle::take_pending(const std::string& user_id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[user_id];
    e.pending = false;
    e.pushed_once = true;
    e.last_push = now;
    return e.status.empty() ? "available" : e.status;
}

void PresenceThrottle::prune(Clock::time_point now) {
    // An entry older than the interval and without a pending push throttles nothing: dropping
    // it changes no decision. Swept at most once a minute.
    if (now - last_prune_ < std::chrono::minutes(1)) return;
    last_prune_ = now;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (!it->second.pending && now - it->second.last_push >= kPushInterval)
            it = entries_.erase(it);
        else
            ++it;
    }
}

}  // namespace wardline::server::clinical
