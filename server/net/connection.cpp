// SPDX-License-Identifier: Apache-2.0
#include "server/net/connection.hpp"

#include "common/core/log.hpp"
#include "server/metrics/metrics.hpp"
#include "server/net/http_routes.hpp"
#include "server/net/server_context.hpp"
#include "server/net/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace wardline::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr int kMaxRequestsPerConnection = 1000;

/// Counts the connection in /metrics for as long as it lives.
class ConnectionGauge {
public:
    explicit ConnectionGauge(Metrics& m) : m_(m) { m_.connection_opened(); }
    ~ConnectionGauge() { m_.connection_closed(); }
    ConnectionGauge(const ConnectionGauge&) = delete;
    ConnectionGauge& operator=(const ConnectionGauge&) = delete;

private:
    Metrics& m_;
};

template <class Stream>
asio::awaitable<void> write_response(Stream& stream, HttpResponse res) {
    co_await http::async_write(stream, res, use_nothrow);
}

template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream, const Limits& limits) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
        co_await stream.async_shutdown(use_nothrow);
    } else {
        beast::error_code ec;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }
}

/// HTTP/1.1 keep-alive loop. A WebSocket upgrade on /v1/ws hands the stream to the session.
template <class Stream>
asio::awaitable<void> serve_http(ServerContext& ctx, Stream stream) {
    const auto& limits = ctx.config.limits;
    beast::flat_buffer buffer;
    for (int served = 0; served < kMaxRequestsPerConnection; ++served) {
        beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
        http::request_parser<http::empty_body> parser;
        parser.header_limit(kHeaderLimit);
        parser.body_limit(0);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec == http::error::end_of_stream) break;
        if (ec) {
            if (ec.category() == beast::http::make_error_code(http::error::bad_target).category()) {
                co_await write_response(stream, plain_response(400, "bad request\n", 11, false));
                break;
            }
            co_return;  // timeout or reset: nothing more to say
        }
        const auto& req = parser.get();
        if (beast::websocket::is_upgrade(req)) {
            if (req.target() != "/v1/ws") {
                co_await write_response(stream, plain_response(404, "not found\n", req.version(), false));
                break;
            }
            if (ctx.stopping.load()) {
                co_await write_response(stream, plain_response(503, "shutting down\n", req.version(), false));
                break;
            }
            beast::get_lowest_layer(stream).expires_never();
            co_await run_websocket(ctx, std::move(stream), parser.release());
            co_return;
        }
        auto res = co_await route_http(ctx, req);
        const bool keep = res.keep_alive() && !ctx.stopping.load();
        res.keep_alive(keep);
        auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
        if (wec) co_return;
        if (!keep) break;
    }
    co_await close_gracefully(stream, limits);
}

}  // namespace

asio::awaitable<void> serve_tls_connection(ServerContext& ctx, asio::ip::tcp::socket socket,
                                           asio::ssl::context& tls) {
    ConnectionGauge gauge(ctx.metrics);
    TlsStream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(ctx.config.limits.handshake_timeout);
    if (auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow); ec) {
        log::net().debug("TLS handshake failed: {}", ec.message());
        co_return;
    }
    co_await serve_http(ctx, std::move(stream));
}

asio::awaitable<void> serve_plain_connection(ServerContext& ctx, asio::ip::tcp::socket socket) {
    ConnectionGauge gauge(ctx.metrics);
    co_await serve_http(ctx, PlainStream(std::move(socket)));
}

}  // namespace wardline::server
