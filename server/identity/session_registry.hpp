// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which live connections are bound to which session, so that ending a session (logout
// elsewhere, suspension, device revocation) reaches those connections at once. One per
// server process; thread-safe.
// TODO(#5): across server nodes this travels by LISTEN/NOTIFY; today it reaches the
// connections of this process, and other nodes notice at the next request or resume.
#include "server/identity/connection_auth.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace wardline::server::identity {

class SessionRegistry {
public:
    using EndFn = SessionEndFn;
    using EventFn = ConnectionEventFn;

    /// Registers a connection bound to a session. Returns a handle for unbind().
    std::uint64_t bind(std::string session_id, std::string user_id, std::string device_id,
                       EndFn on_end, EventFn on_event = {});
    void unbind(std::uint64_t handle);

    /// Tells every connection bound to the session(s) that it ended, and forgets them.
    /// Returns the number of connections told.
    std::size_t end_session(const std::string& session_id, EndReason reason);
    std::size_t end_user(const std::string& user_id, EndReason reason,
                         const std::optional<std::string>& except_session = std::nullopt);
    std::size_t end_device(const std::string& device_id, EndReason reason);

    /// Pushes an event to every connection of this process bound to a session of the device
    /// (e.g. key_packages.low). Returns the number of connections told.
    std::size_t notify_device(const std::string& device_id, const std::string& event,
                              const nlohmann::json& body);

    /// Pushes an event to every connection of this process bound to a session of the user,
    /// except those of `except_device` (e.g. message.new to a conversation's members).
    std::size_t notify_user(const std::string& user_id, const std::string& event,
                            const nlohmann::json& body, const std::string& except_device = {});
    /// Whether the user has a connection with a session on this process (presence).
    bool has_user(const std::string& user_id) const;

    std::size_t size() const;

private:
    struct Binding {
        std::string session_id;
        std::string user_id;
        std::string device_id;
        EndFn on_end;
        EventFn on_event;
    };
    template <class Pred>
    std::size_t end_where(Pred pred, EndReason reason);

    mutable std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::map<std::uint64_t, Binding> bindings_;
};

}  // namespace wardline::server::identity
