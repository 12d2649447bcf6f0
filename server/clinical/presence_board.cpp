// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/presence_board.hpp"

namespace wardline::server::clinical {

PresenceBoard::Push PresenceBoard::set(const std::string& user_id, const std::string& status,
                                       Clock::time_point now) {
    std::lock_guard lock(mutex_);
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

PresenceBoard::Clock::time_point PresenceBoard::next_push_at(const std::string& user_id) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(user_id);
    return it == entries_.end() ? Clock::time_point{} : it->second.last_push + kPushInterval;
}

std::string PresenceBoard::take_pending(const std::string& user_id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[user_id];
    e.pending = false;
    e.pushed_once = true;
    e.last_push = now;
    return e.status.empty() ? "available" : e.status;
}

std::string PresenceBoard::status(const std::string& user_id) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(user_id);
    return it == entries_.end() || it->second.status.empty() ? "available" : it->second.status;
}

}  // namespace wardline::server::clinical
