// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to server/net: plain HTTP endpoints beside the WebSocket.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace wardline::server {

struct ServerContext;

using HttpRequest = boost::beast::http::request<boost::beast::http::empty_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// GET/HEAD /healthz (process alive), /readyz (database reachable and schema at the expected
/// version), /metrics (Prometheus text). /v1/ws without an upgrade gets 426; others 404.
boost::asio::awaitable<HttpResponse> route_http(ServerContext& ctx, const HttpRequest& request);

/// A minimal response for errors found before routing (400, 404, 503).
HttpResponse plain_response(unsigned status, std::string body, unsigned version, bool keep_alive);

}  // namespace wardline::server
