// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "common/core/errc.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::proto {
class Protocol;
struct Request;
}  // namespace wardline::proto
namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class AuthService;
class AdminService;
}
namespace wardline::server {

struct Limits;
class WorkerPool;

/// Per-connection facts a handler may need.
struct RequestContext {
    std::string connection_id;
    identity::ConnectionAuth& auth;
};

/// A service's entry point: the request type, its body (already checked against the schema)
/// and the connection's authentication state (a session, if the policy required one).
using ServiceHandler = std::function<boost::asio::awaitable<Outcome>(
    std::string type, nlohmann::json body, identity::ConnectionAuth& auth)>;

/// Routes a decoded request to its handler. The order in every handler, after Signal:
/// authenticate, authorize, rate-limit (done by the session), validate, act, audit, respond.
class Dispatcher {
public:
    /// `workers` runs CPU-heavy steps of handlers (password hashing, from issue #3 on).
    Dispatcher(const proto::Protocol& protocol, const Limits& limits, storage::PgPool& pool,
               WorkerPool& workers, identity::AuthService& auth, identity::AdminService& admin,
               int expected_schema_version);

    /// Routes every request type starting with one of `prefixes` (e.g. "key_packages.") to
    /// `handler`. Called while the server is set up, before it serves.
    void add_service(std::vector<std::string> prefixes, ServiceHandler handler);

    /// Authorizes the request by its row in server/authz/request_policy.cpp (deny by
    /// default), then runs its handler.
    boost::asio::awaitable<Outcome> dispatch(proto::Request request, RequestContext& ctx);

    /// The connection's session passed a deadline: ends it in the database and the audit
    /// trail. False if there was no session any more.
    boost::asio::awaitable<bool> end_bound_session(identity::ConnectionAuth& auth,
                                                   identity::EndReason reason);
    /// The connection closed: forgets its binding, keeps the session for auth.resume.
    boost::asio::awaitable<void> connection_closed(identity::ConnectionAuth& auth);

    /// Reads the applied schema version; unavailable when the database cannot be reached.
    boost::asio::awaitable<Result<int>> schema_version();
    int expected_schema_version() const { return expected_schema_version_; }

private:
    boost::asio::awaitable<Outcome> hello(const nlohmann::json& body);
    Outcome ping(const nlohmann::json& body);
    boost::asio::awaitable<Outcome> status();
    boost::asio::awaitable<Outcome> route(proto::Request& request, RequestContext& ctx);

    const proto::Protocol& protocol_;
    const Limits& limits_;
    storage::PgPool& pool_;
    WorkerPool& workers_;
    identity::AuthService& auth_;
    identity::AdminService& admin_;
    struct Service {
        std::vector<std::string> prefixes;
        ServiceHandler handler;
    };
    std::vector<Service> services_;
    int expected_schema_version_;
};

}  // namespace wardline::server
