// SPDX-License-Identifier: Apache-2.0
#pragma once
// The network front of wardline-server: TLS (and optional loopback plain-text) listeners
// that serve WebSocket /v1/ws and HTTP /healthz, /readyz, /metrics on the same port.
// Beast and Asio stay inside server/net/*.cpp; this header is cheap to include.
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace wardline::proto {
class Protocol;
}
namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server {

struct Config;
class Metrics;
class Dispatcher;

class Server {
public:
    /// Everything is owned by the caller (main.cpp, the composition root) and must outlive
    /// the Server. The pool and the dispatcher run on `ioc` too.
    Server(boost::asio::io_context& ioc, const Config& config, const proto::Protocol& protocol,
           Metrics& metrics, storage::PgPool& pool, Dispatcher& dispatcher);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds the listeners (throws std::runtime_error naming the address if it cannot), runs
    /// config.io_threads threads on the io_context, and blocks until SIGTERM/SIGINT (or
    /// request_stop()) has drained the connections. Returns the process exit code.
    int run();
    /// Starts a graceful shutdown from any thread.
    void request_stop();

    /// Work for a graceful stop, e.g. removing this process's presence rows: `hook` is called
    /// after the WebSocket connections have drained and before the database pool stops, and
    /// calls `done` (from any thread) when finished. Hooks run one after the other, in the
    /// order added; the stop waits for each at most server.shutdown_grace_seconds. Add them
    /// before run().
    using StopHook = std::function<void(std::function<void()> done)>;
    void on_stop(StopHook hook);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wardline::server
