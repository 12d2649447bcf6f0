// SPDX-License-Identifier: Apache-2.0
#pragma once
// What users said about their availability (presence.set), kept in memory by this process, and
// the bookkeeping of the presence.changed throttle: at most one push per user per 2 seconds,
// the later changes coalesced into one push of the latest status. Thread-safe; time is passed
// in so that the throttle can be driven by tests.
//
// Per node: a user connected to another server process is seen there only. The
// presence.changed pushes do reach every node (event_relay.hpp); the state itself is not
// shared. TODO(#5): share presence state between nodes.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace wardline::server::clinical {

class PresenceBoard {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kPushInterval{2000};

    /// What the caller of set() does about the push.
    enum class Push {
        now,       ///< push the status now (marked as pushed at `now`)
        schedule,  ///< start one delayed push, due at next_push_at()
        pending,   ///< a delayed push is already waiting and will carry the latest status
    };

    /// Records `status` (available | busy | away) for the user.
    Push set(const std::string& user_id, const std::string& status, Clock::time_point now);
    /// When the user's delayed push is due.
    Clock::time_point next_push_at(const std::string& user_id) const;
    /// For the delayed push when it is due: the latest status, marked as pushed at `now`.
    std::string take_pending(const std::string& user_id, Clock::time_point now);
    /// The status the user set last, or "available" if none.
    std::string status(const std::string& user_id) const;

private:
    struct Entry {
        std::string status;
        Clock::time_point last_push{};
        bool pushed_once = false;
        bool pending = false;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

}  // namespace wardline::server::clinical
