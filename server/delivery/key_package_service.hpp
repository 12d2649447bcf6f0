// SPDX-License-Identifier: Apache-2.0
#pragma once
// The KeyPackage directory of the MLS Delivery Service (issue #5; docs/e2ee.md, "KeyPackages"):
// key_packages.upload, key_packages.claim and key_packages.status. The dispatcher has already
// checked the session and the permission (server/authz/request_policy.cpp). Every statement is
// scoped to the caller's organization, so a user of another organization is not_found.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace wardline::server {
class WorkerPool;
}
namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::delivery {

class KeyPackageService {
public:
    using SystemClock = std::chrono::system_clock;

    /// Regular KeyPackages one device may hold; an upload that would go beyond is refused.
    static constexpr std::int64_t kMaxStock = 500;
    /// A device with fewer regular KeyPackages than this is low: status and upload say so, and
    /// a claim that leaves it low pushes key_packages.low to its connections.
    static constexpr std::int64_t kLowWater = 10;

    KeyPackageService(storage::PgPool& pool, WorkerPool& workers,
                      identity::SessionRegistry& sessions,
                      std::function<SystemClock::time_point()> now = SystemClock::now);

    /// key_packages.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> upload(nlohmann::json body, identity::BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> claim(nlohmann::json body, identity::BoundSession caller,
                                          std::string source);
    boost::asio::awaitable<Outcome> status(identity::BoundSession caller);

    storage::PgPool& pool_;
    WorkerPool& workers_;
    identity::SessionRegistry& sessions_;
    std::function<SystemClock::time_point()> now_;
};

}  // namespace wardline::server::delivery
