// SPDX-License-Identifier: Apache-2.0
#pragma once
// Every push and session end of the SessionRegistry reaches the connections of the other
// server processes on the same database (docs/architecture.md, "Several server processes";
// issues #3 and #5). The registry hands each event to publish() after applying it here; a
// bounded queue, drained by one coroutine, coalesces them into NOTIFYs on channel
// wardline_events (payload format: server/identity/relayed_event.hpp) on a pooled connection,
// outside any transaction and after the change committed. The StreamListener (fanout.hpp)
// LISTENs on that channel too and hands other nodes' payloads to received(), which applies
// them with SessionRegistry::apply_remote (never relayed again).
//
// Loss: a full queue or a failed NOTIFY drops events (counted, logged without bodies). That
// only delays: devices read the truth with requests (messages.sync, conversations.get, ...),
// and a session ended in the database is refused at the next request or resume.
#include "server/identity/session_registry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::messaging {

class EventRelay {
public:
    /// Events waiting to be published; more are dropped (and counted).
    static constexpr std::size_t kQueueLimit = 4096;

    EventRelay(boost::asio::any_io_executor executor, storage::PgPool& pool,
               identity::SessionRegistry& sessions, std::string node);
    ~EventRelay();
    EventRelay(const EventRelay&) = delete;
    EventRelay& operator=(const EventRelay&) = delete;

    /// Hooks into the registry (SessionRegistry::set_relay) and starts the publishing
    /// coroutine. Call before connections arrive.
    void start();

    /// Queues an event for the other processes, from any thread, without blocking. False if
    /// the queue was full and the event was dropped.
    bool publish(const identity::RelayedEvent& e);

    /// A notification from channel wardline_events: applies another node's events to this
    /// process's connections; ignores this node's own and malformed payloads.
    boost::asio::awaitable<void> received(std::string payload);

    /// Events dropped so far: queue full, a NOTIFY that failed, a stored batch not found.
    std::uint64_t dropped() const;

    /// For a graceful stop: calls `done` (from the relay's strand) once every event published
    /// so far has been sent or dropped, or after `limit`.
    void when_sent(std::function<void()> done, std::chrono::milliseconds limit);

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace wardline::server::messaging
