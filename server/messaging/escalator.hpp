// SPDX-License-Identifier: Apache-2.0
#pragma once
// The escalator (docs/architecture.md, "Clinical workflow"): every messaging.escalation_scan_ms
// it runs the planner with the wall clock and pushes message.escalated to the targets' and the
// sender's connections on this process. Every process runs one; the escalations table records
// each escalation once, so only the process that recorded one pushes it; the registry relays
// the push to the other processes (event_relay.hpp).
#include "server/messaging/escalation_planner.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::messaging {

class Escalator {
public:
    /// Escalations recorded and pushed per scan at most.
    static constexpr int kBatch = 200;

    Escalator(boost::asio::any_io_executor executor, storage::PgPool& pool,
              identity::SessionRegistry& sessions, std::chrono::milliseconds interval);
    ~Escalator();
    Escalator(const Escalator&) = delete;
    Escalator& operator=(const Escalator&) = delete;

    /// Starts the loop on the executor; it ends when the executor's io_context stops.
    void start();

    /// Pushes message.escalated for recorded escalations (public for the loop and tests).
    void push(const std::vector<Escalation>& escalations);

private:
    boost::asio::awaitable<void> run();

    boost::asio::any_io_executor executor_;
    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    std::chrono::milliseconds interval_;
};

}  // namespace wardline::server::messaging
