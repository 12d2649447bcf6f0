// SPDX-License-Identifier: Apache-2.0
#include "server/protocol/dispatcher.hpp"

#include "common/proto/protocol.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/config/config.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <chrono>

namespace wardline::server {

Dispatcher::Dispatcher(const proto::Protocol& protocol, const Limits& limits,
                       storage::PgPool& pool, WorkerPool& workers, int expected_schema_version)
    : protocol_(protocol), limits_(limits), pool_(pool), workers_(workers),
      expected_schema_version_(expected_schema_version) {}

boost::asio::awaitable<Outcome> Dispatcher::dispatch(proto::Request request, RequestContext&) {
    // The codec has already checked the type and the body against proto/wardline.schema.json.
    if (request.type == "system.hello") co_return co_await hello(request.body);
    if (request.type == "system.ping") co_return ping(request.body);
    if (request.type == "system.status") co_return co_await status();
    co_return Failure{Errc::unknown_type, "no handler for this request type"};
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
