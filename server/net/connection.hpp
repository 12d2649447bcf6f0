// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to server/net: one accepted TCP connection, TLS or plain, serving HTTP and the
// WebSocket upgrade on the same port.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace wardline::server {

struct ServerContext;

boost::asio::awaitable<void> serve_tls_connection(ServerContext& ctx, boost::asio::ip::tcp::socket socket,
                                                  boost::asio::ssl::context& tls);
boost::asio::awaitable<void> serve_plain_connection(ServerContext& ctx, boost::asio::ip::tcp::socket socket);

}  // namespace wardline::server
