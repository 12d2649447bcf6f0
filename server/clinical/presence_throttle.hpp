// SPDX-License-Identifier: Apache-2.0
#pragma once
// The presence.changed throttle of one server process: at most one push per user per 2
// seconds; the changes in between are coalesced into one push of the latest status when the
// interval ends. Only the pushes this process makes are throttled here (a change is pushed by
// the process that made it: docs/oncall.md "Presence"); the state itself is in the database
// (presence_store.hpp). Thread-safe; time is passed in so that tests can drive it.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace wardline::server::clinical {

class PresenceThrottle {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kPushInterval{2000};

    /// What the caller of offer() does about the push.
    enum class Push {
        now,       ///< push the status now (marked as pushed at `now`)
        schedule,  ///< start one delayed push, due at next_push_at()
        pending,   ///< a delayed push is already waiting and will carry the latest status
    };

    /// A new status of the user (available | busy | away | offline) to be pushed.
    Push offer(const std::string& user_id, const std::string& status, Clock::time_point now);
    /// When the user's delayed push is due.
    Clock::time_point next_push_at(const std::string& user_id) const;
    /// For the delayed push when it is due: the latest status offered, marked as pushed at
    /// `now`.
    std::string take_pending(const std::string& user_id, Clock::time_point now);

private:
    struct Entry {
        std::string status;
        Clock::time_point last_push{};
        bool pushed_once = false;
        bool pending = false;
    };
    /// Forgets users whose last push is long past (memory stays bounded by the users who
    /// changed recently). Called with the lock held.
    void prune(Clock::time_point now);

    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    Clock::time_point last_prune_{};
};

}  // namespace wardline::server::clinical
