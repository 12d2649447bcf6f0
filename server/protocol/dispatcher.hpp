// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace wardline::proto {
class Protocol;
struct Request;
}  // namespace wardline::proto
namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server {

struct Limits;
class WorkerPool;

/// What one request produced: a response body, or an error code with a message that is safe
/// to send and to log (ids and rules only, never request content).
struct Failure {
    Errc code;
    std::string message;
};
using Outcome = std::variant<nlohmann::json, Failure>;

/// Per-connection facts a handler may need.
struct RequestContext {
    std::string connection_id;
};

/// Routes a decoded request to its handler. The order in every handler, after Signal:
/// authenticate, authorize, rate-limit (done by the session), validate, act, audit, respond.
class Dispatcher {
public:
    /// `workers` runs CPU-heavy steps of handlers (password hashing, from issue #3 on).
    Dispatcher(const proto::Protocol& protocol, const Limits& limits, storage::PgPool& pool,
               WorkerPool& workers, int expected_schema_version);

    boost::asio::awaitable<Outcome> dispatch(proto::Request request, RequestContext& ctx);

    /// Reads the applied schema version; unavailable when the database cannot be reached.
    boost::asio::awaitable<Result<int>> schema_version();
    int expected_schema_version() const { return expected_schema_version_; }

private:
    boost::asio::awaitable<Outcome> hello(const nlohmann::json& body);
    Outcome ping(const nlohmann::json& body);
    boost::asio::awaitable<Outcome> status();

    const proto::Protocol& protocol_;
    const Limits& limits_;
    storage::PgPool& pool_;
    WorkerPool& workers_;
    int expected_schema_version_;
};

}  // namespace wardline::server
