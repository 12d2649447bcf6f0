// SPDX-License-Identifier: Apache-2.0
#include "server/protocol/dispatcher.hpp"

#include "common/core/log.hpp"
#include "common/proto/protocol.hpp"
#include "server/authz/request_policy.hpp"
#include "server/identity/admin_service.hpp"
#include "server/identity/auth_service.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/config/config.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <chrono>

namespace wardline::server {

Dispatcher::Dispatcher(const proto::Protocol& protocol, const Limits& limits,
                       storage::PgPool& pool, WorkerPool& workers,
                       identity::AuthService& auth, identity::AdminService& admin,
                       int expected_schema_version)
    : protocol_(protocol), limits_(limits), pool_(pool), workers_(workers), auth_(auth),
      admin_(admin), expected_schema_version_(expected_schema_version) {}

boost::asio::awaitable<Outcome> Dispatcher::dispatch(proto::Request request, RequestContext& ctx) {
    // The codec has already checked the type and the body against proto/wardline.schema.json.
    const auto* policy = authz::policy_for(request.type);
    if (policy == nullptr) {
        // Deny by default. A test keeps the table and the schema in step, so this is a bug.
        log::auth().error("conn={} type={} has no authorization rule", ctx.connection_id, request.type);
        co_return Failure{Errc::forbidden, "this request type has no authorization rule"};
    }
    auto authorizing = auth_.authorize(ctx.auth, *policy);
    if (auto refused = co_await std::move(authorizing)) co_return std::move(*refused);
    auto routed = route(request, ctx);
    co_return co_await std::move(routed);
}

boost::asio::awaitable<Outcome> Dispatcher::route(proto::Request& request, RequestContext& ctx) {
    const std::string_view type = request.type;
    if (type == "system.hello") co_return co_await hello(request.body);
    if (type == "system.ping") co_return ping(request.body);
    if (type == "system.status") co_return co_await status();
    // account.quiet_hours.* is a registered service (identity::QuietHoursService), not login.
    if (type.starts_with("auth.") ||
        (type.starts_with("account.") && !type.starts_with("account.quiet_hours."))) {
        auto handled = auth_.handle(request.type, request.body, ctx.auth);
        co_return co_await std::move(handled);
    }
    if (type.starts_with("users.") || type.starts_with("devices.") || type.starts_with("sessions.") ||
        type.starts_with("audit.") || type.starts_with("org.")) {
        auto handled = admin_.handle(request.type, request.body, ctx.auth);
        co_return co_await std::move(handled);
    }
    for (const Service& service : services_) {
        for (const std::string& prefix : service.prefixes) {
            if (!type.starts_with(prefix)) continue;
            auto handled = service.handler(request.type, std::move(request.body), ctx.auth);
            co_return co_await std::move(handled);
        }
    }
    co_return Failure{Errc::unknown_type, "no handler for this request type"};
}

void Dispatcher::add_service(std::vector<std::string> prefixes, ServiceHandler handler) {
    services_.push_back(Service{std::move(prefixes), std::move(handler)});
}

boost::asio::awaitable<bool> Dispatcher::end_bound_session(identity::ConnectionAuth& auth,
                                                           identity::EndReason reason) {
    auto ending = auth_.end_bound_session(auth, reason);
    co_return co_await std::move(ending);
}

boost::asio::awaitable<void> Dispatcher::connection_closed(identity::ConnectionAuth& auth) {
    auto closing = auth_.connection_closed(auth);
    co_await std::move(closing);
}

boost::asio::awaitable<Outcome> Dispatcher::hello(const nlohmann::json& body) {
    if (body.at("protocol").get<int>() != protocol_.version())
        co_return Failure{Errc::bad_request, "unsupported protocol version; this server speaks " +
                                                 std::to_string(protocol_.version())};
    co_return nlohmann::json{
        {"protocol", protocol_.version()},
        {"server", WARDLINE_VERSION},
        {"limits",
         {{"max_frame_bytes", limits_.max_frame_bytes},
          {"max_in_flight", limits_.max_in_flight},
          {"requests_per_second", static_cast<std::int64_t>(limits_.requests_per_second)}}}};
}

Outcome Dispatcher::ping(const nlohmann::json& body) {
    nlohmann::json out;
    if (auto it = body.find("data"); it != body.end()) out["data"] = *it;
    out["server_time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    return out;
}

boost::asio::awaitable<Result<int>> Dispatcher::schema_version() {
    auto pending = pool_.query(storage::sql::schema_version());  // see ws_session.cpp on GCC 12
    auto result = co_await std::move(pending);
    if (!result) co_return result.error();
    co_return static_cast<int>(result->int64(0, 0));
}

boost::asio::awaitable<Outcome> Dispatcher::status() {
    const auto version = co_await schema_version();
    if (!version) co_return Failure{Errc::unavailable, "database unavailable"};
    co_return nlohmann::json{{"database", "ok"},
                             {"schema_version", *version},
                             {"expected_schema_version", expected_schema_version_}};
}

}  // namespace wardline::server
