// SPDX-License-Identifier: Apache-2.0
#include "server/net/http_routes.hpp"

#include "server/metrics/metrics.hpp"
#include "server/net/server_context.hpp"
#include "server/protocol/dispatcher.hpp"

#include <nlohmann/json.hpp>

namespace wardline::server {
namespace {

namespace http = boost::beast::http;

HttpResponse make(http::status status, std::string body, const char* content_type,
                  const HttpRequest& req) {
    HttpResponse res{status, req.version()};
    res.set(http::field::server, "wardline");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
    return res;
}

boost::asio::awaitable<HttpResponse> readyz(ServerContext& ctx, const HttpRequest& req) {
    nlohmann::json body;
    if (ctx.stopping.load()) {
        body = {{"status", "not_ready"}, {"reason", "shutting_down"}};
        co_return make(http::status::service_unavailable, body.dump() + "\n", "application/json", req);
    }
    const auto version = co_await ctx.dispatcher.schema_version();
    const int expected = ctx.dispatcher.expected_schema_version();
    if (!version) {
        body = {{"status", "not_ready"}, {"reason", "database_unavailable"}};
    } else if (*version != expected) {
        body = {{"status", "not_ready"}, {"reason", "schema_mismatch"},
                {"schema_version", *version}, {"expected_schema_version", expected}};
    } else {
        body = {{"status", "ready"}, {"schema_version", *version}};
        co_return make(http::status::ok, body.dump() + "\n", "application/json", req);
    }
    co_return make(http::status::service_unavailable, body.dump() + "\n", "application/json", req);
}

}  // namespace

HttpResponse plain_response(unsigned status, std::string body, unsigned version, bool keep_alive) {
    HttpResponse res{static_cast<http::status>(status), version};
    res.set(http::field::server, "wardline");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

boost::asio::awaitable<HttpResponse> route_http(ServerContext& ctx, const HttpRequest& req) {
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    const std::string path(target);
    ctx.metrics.http_request(path);

    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = make(http::status::method_not_allowed, "method not allowed\n", "text/plain", req);
        res.set(http::field::allow, "GET, HEAD");
        co_return res;
    }
    if (path == "/healthz") co_return make(http::status::ok, "ok\n", "text/plain", req);
    if (path == "/readyz") co_return co_await readyz(ctx, req);
    if (path == "/metrics")
        co_return make(http::status::ok, ctx.metrics.render(), "text/plain; version=0.0.4", req);
    if (path == "/v1/ws") {
        auto res = make(http::status::upgrade_required,
                        "this endpoint speaks WebSocket only (RFC 6455)\n", "text/plain", req);
        res.set(http::field::upgrade, "websocket");
        res.set(http::field::connection, "Upgrade");
        co_return res;
    }
    co_return make(http::status::not_found, "not found\n", "text/plain", req);
}

}  // namespace wardline::server
