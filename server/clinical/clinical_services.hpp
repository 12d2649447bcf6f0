// SPDX-License-Identifier: Apache-2.0
#pragma once
// All clinical services of one server process, built together and registered with the
// dispatcher in one call, so server/app/main.cpp needs a single line for them.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace wardline::server {
class Dispatcher;
}
namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::clinical {

class ClinicalServices {
public:
    /// `executor` runs presence pushes and the presence node (the io_context's); `node` is
    /// this process's id and `node_ttl` presence.node_ttl_seconds (presence_node.hpp).
    ClinicalServices(boost::asio::any_io_executor executor, storage::PgPool& pool,
                     identity::SessionRegistry& sessions, std::string node,
                     std::chrono::seconds node_ttl);
    ~ClinicalServices();
    ClinicalServices(const ClinicalServices&) = delete;
    ClinicalServices& operator=(const ClinicalServices&) = delete;

    /// Routes oncall.*, directory.*, templates.* and presence.* to the services. They must
    /// outlive the dispatcher's use of them (main() keeps both to the end).
    void register_with(Dispatcher& dispatcher);

    /// Starts what runs in the background: the presence node's registration and heartbeat.
    void start();
    /// Graceful stop, after the connections drained: the presence node removes itself. Calls
    /// `done` (from any thread) when finished.
    void stop(std::function<void()> done);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wardline::server::clinical
