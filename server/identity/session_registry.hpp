// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which live connections are bound to which session, so that ending a session (logout
// elsewhere, suspension, device revocation) reaches those connections at once. One per
// server process; thread-safe. Every push and every end is also handed to the relay hook
// (server/messaging/event_relay.*), which carries it to the other server processes on the
// same database; they apply it with apply_remote(), which does not relay again.
#include "server/identity/connection_auth.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace wardline::server::identity {

/// One push or session end as it travels to the other server processes: the arguments of the
/// notify_* / end_* call that made it.
struct RelayedEvent {
    enum class Kind { notify_user, notify_device, end_user, end_device, end_session };
    Kind kind = Kind::notify_user;
    std::string target;   ///< the user, device or session id
    std::string event;    ///< notify_*: the event type
    nlohmann::json body;  ///< notify_*: the event body
    std::string except;   ///< notify_user: except_device; end_user: except_session; "" none
    EndReason reason = EndReason::revoked;  ///< end_*

    friend bool operator==(const RelayedEvent&, const RelayedEvent&) = default;
};

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
    /// notify_user() for this process only: for events that reach the other processes another
    /// way (message.new, by the stream's own NOTIFY: server/messaging/fanout.*).
    std::size_t notify_user_here(const std::string& user_id, const std::string& event,
                                 const nlohmann::json& body, const std::string& except_device = {});

    /// Called after every notify_* / end_* (except notify_user_here and apply_remote) has been
    /// applied here, from the calling thread, so another process can apply it too. Must not
    /// block. Set at start-up before connections arrive.
    using RelayFn = std::function<void(const RelayedEvent&)>;
    void set_relay(RelayFn fn);
    /// Applies an event another process relayed, to this process's connections only (it is
    /// not relayed again). Returns the number of connections told.
    std::size_t apply_remote(const RelayedEvent& e);

    /// How many connections with a session the user has on this process (presence).
    std::size_t connections_of(const std::string& user_id) const;
    /// The users with at least one connection with a session on this process.
    std::vector<std::string> users() const;

    /// Told, outside the lock and from any thread, after the number of a user's connections
    /// with a session on this process changed (bind, unbind, any end). Calls from different
    /// threads may arrive out of order: the observer reads connections_of() for the count now.
    /// One observer (presence, server/clinical), set at start-up before connections arrive.
    using ConnectionsFn = std::function<void(const std::string& user_id)>;
    void on_connections(ConnectionsFn fn);

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

    std::size_t end_session_here(const std::string& session_id, EndReason reason);
    std::size_t end_user_here(const std::string& user_id, EndReason reason,
                              const std::optional<std::string>& except_session);
    std::size_t end_device_here(const std::string& device_id, EndReason reason);
    std::size_t notify_device_here(const std::string& device_id, const std::string& event,
                                   const nlohmann::json& body);
    void relay(RelayedEvent e);

    /// Counts a binding of the user in or out of per_user_ (lock held).
    void count_in(const std::string& user_id);
    void count_out(const std::string& user_id);
    void tell_connections(const std::vector<std::string>& user_ids);
    ConnectionsFn on_connections_;
    RelayFn relay_;
    mutable std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::map<std::uint64_t, Binding> bindings_;
    std::map<std::string, std::size_t> per_user_;  ///< user id -> bindings, none at zero
};

}  // namespace wardline::server::identity
