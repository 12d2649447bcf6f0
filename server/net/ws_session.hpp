// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to server/net: the WebSocket half of a connection. Included only by connection.cpp.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace wardline::server {

struct ServerContext;

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using PlainStream = boost::beast::tcp_stream;
using UpgradeRequest = boost::beast::http::request<boost::beast::http::empty_body>;

/// Accepts the WebSocket upgrade in `request` and serves /v1/ws until the connection ends.
template <class Stream>
boost::asio::awaitable<void> run_websocket(ServerContext& ctx, Stream stream, UpgradeRequest request);

extern template boost::asio::awaitable<void> run_websocket<TlsStream>(ServerContext&, TlsStream, UpgradeRequest);
extern template boost::asio::awaitable<void> run_websocket<PlainStream>(ServerContext&, PlainStream, UpgradeRequest);

}  // namespace wardline::server
