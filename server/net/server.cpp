// SPDX-License-Identifier: Apache-2.0
#include "server/net/server.hpp"

#include "common/core/log.hpp"
#include "server/config/config.hpp"
#include "server/metrics/metrics.hpp"
#include "server/net/connection.hpp"
#include "server/net/server_context.hpp"
#include "server/net/tls_context.hpp"
#include "server/storage/pg_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wardline::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

void log_exception(std::exception_ptr e) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log::net().error("connection ended by an unexpected error: {}", ex.what());
    }
}

}  // namespace

struct Server::Impl {
    Impl(asio::io_context& io, const Config& config, const proto::Protocol& protocol,
         Metrics& metrics, storage::PgPool& db, Dispatcher& dispatcher)
        : ioc(io), ctx{config, protocol, metrics, dispatcher, {}, {}}, pool(db), signals(io) {}

    asio::io_context& ioc;
    ServerContext ctx;
    storage::PgPool& pool;
    std::optional<asio::ssl::context> tls;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    asio::signal_set signals;
    std::vector<StopHook> stop_hooks;

    void listen(const Endpoint& ep, bool use_tls) {
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(ep.host == "localhost" ? "127.0.0.1" : ep.host, ec);
        const std::string where = ep.host + ":" + std::to_string(ep.port);
        if (ec) throw std::runtime_error("cannot listen on " + where + ": bad address");
        auto acceptor = std::make_unique<tcp::acceptor>(ioc);
        const tcp::endpoint endpoint(address, ep.port);
        acceptor->open(endpoint.protocol(), ec);
        if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor->bind(endpoint, ec);
        if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
        log::app().info("listening on {} ({})", where, use_tls ? "TLS: wss://…/v1/ws, https" : "plain text, loopback only");
        asio::co_spawn(ioc, accept_loop(*acceptor, use_tls), log_exception);
        acceptors.push_back(std::move(acceptor));
    }

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, bool use_tls) {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_nothrow);
            if (ec) {
                if (ctx.stopping.load() || ec == asio::error::operation_aborted) co_return;
                log::net().warn("accept failed: {}", ec.message());
                asio::steady_timer pause(ioc, std::chrono::milliseconds(50));  // e.g. EMFILE
                co_await pause.async_wait(use_nothrow);
                continue;
            }
            if (static_cast<std::size_t>(ctx.metrics.open_connections()) >= ctx.config.limits.max_connections) {
                ctx.metrics.connection_refused();
                socket.close(ec);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto executor = socket.get_executor();
            if (use_tls)
                asio::co_spawn(executor, serve_tls_connection(ctx, std::move(socket), *tls), log_exception);
            else
                asio::co_spawn(executor, serve_plain_connection(ctx, std::move(socket)), log_exception);
        }
    }

    void begin_shutdown() {
        if (ctx.stopping.exchange(true)) return;
        log::app().info("shutting down: draining {} WebSocket connection(s)", ctx.registry.size());
        for (auto& a : acceptors) {
            boost::system::error_code ec;
            a->close(ec);
        }
        ctx.registry.shutdown_all();
        asio::co_spawn(ioc, drain(), log_exception);
    }

    /// Waits for WebSocket sessions to finish their requests and close, up to the grace time.
    asio::awaitable<void> drain() {
        const auto deadline = std::chrono::steady_clock::now() + ctx.config.shutdown_grace;
        asio::steady_timer timer(ioc);
        while (ctx.registry.size() > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(use_nothrow);
        }
        if (const auto left = ctx.registry.size(); left > 0)
            log::app().warn("shutdown grace time over; dropping {} connection(s)", left);
        for (auto& hook : stop_hooks) {
            auto running = run_stop_hook(hook);
            co_await std::move(running);
        }
        pool.stop();
        ioc.stop();
    }

    /// Runs one stop hook and waits until it calls done, at most the grace time.
    asio::awaitable<void> run_stop_hook(StopHook hook) {
        auto finished = std::make_shared<std::atomic<bool>>(false);
        try {
            hook([finished] { finished->store(true); });
        } catch (const std::exception& e) {
            log::app().error("stop hook failed: {}", e.what());
            co_return;
        }
        const auto deadline = std::chrono::steady_clock::now() + ctx.config.shutdown_grace;
        asio::steady_timer timer(ioc);
        while (!finished->load() && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(use_nothrow);
        }
        if (!finished->load()) log::app().warn("a stop hook did not finish within the grace time");
    }

    void wait_for_signal() {
        signals.async_wait([this](const boost::system::error_code& ec, int signo) {
            if (ec) return;
            if (ctx.stopping.load()) {
                log::app().warn("second signal {}: stopping at once", signo);
                ioc.stop();
                return;
            }
            log::app().info("signal {} received", signo);
            begin_shutdown();
            wait_for_signal();
        });
    }
};

Server::Server(asio::io_context& ioc, const Config& config, const proto::Protocol& protocol,
               Metrics& metrics, storage::PgPool& pool, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(ioc, config, protocol, metrics, pool, dispatcher)) {}

Server::~Server() = default;

int Server::run() {
    const Config& config = impl_->ctx.config;
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->wait_for_signal();
    if (!config.listen.empty()) {
        impl_->tls.emplace(make_server_tls_context(config.tls_certificate, config.tls_private_key));
        impl_->listen(config.listen, true);
    }
    if (!config.plain_listen.empty()) impl_->listen(config.plain_listen, false);

    unsigned threads = config.io_threads ? config.io_threads : std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
    impl_->ioc.run();
    for (auto& t : pool) t.join();
    log::app().info("stopped");
    return 0;
}

void Server::request_stop() {
    asio::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

void Server::on_stop(StopHook hook) {
    impl_->stop_hooks.push_back(std::move(hook));
}

}  // namespace wardline::server
