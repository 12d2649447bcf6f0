// SPDX-License-Identifier: Apache-2.0
#pragma once
// The account administration API (issue #3): users.*, devices.revoke, sessions.revoke, the
// device control of issue #7 (devices.quarantine, .release, .wipe, .confirm_wipe: DeviceControl),
// and the audit trail: its search (audit.query) and the check of its chain (audit.verify). The
// dispatcher has already checked the permission (server/authz/request_policy.cpp); every
// statement here is scoped to the caller's organization, so an id of another organization is
// not_found. Every change is audited in its own transaction.
#include "server/identity/connection_auth.hpp"
#include "server/identity/device_control.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server {
class WorkerPool;
}
namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::audit {
class LiveChainCheck;
}

namespace wardline::server::identity {

class Credentials;
class SessionRegistry;

class AdminService {
public:
    AdminService(storage::PgPool& pool, WorkerPool& workers, SessionRegistry& sessions,
                 const Credentials& credentials, audit::LiveChainCheck& chain_check);

    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body, ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> list(nlohmann::json body, BoundSession caller);
    boost::asio::awaitable<Outcome> create(nlohmann::json body, BoundSession caller, std::string source);
    boost::asio::awaitable<Outcome> change(std::string type, nlohmann::json body, BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> reset_password(nlohmann::json body, BoundSession caller, std::string source);
    boost::asio::awaitable<Outcome> devices(nlohmann::json body, BoundSession caller);
    boost::asio::awaitable<Outcome> sessions(nlohmann::json body, BoundSession caller);
    boost::asio::awaitable<Outcome> revoke(std::string type, nlohmann::json body, BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> policy(std::string type, nlohmann::json body, BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> audit_query(nlohmann::json body, BoundSession caller, std::string source);
    boost::asio::awaitable<Outcome> audit_verify(BoundSession caller, std::string source);
    /// The user as the protocol shows it, or not_found.
    boost::asio::awaitable<Outcome> user_json(std::string org_id, std::string user_id);

    storage::PgPool& pool_;
    WorkerPool& workers_;
    SessionRegistry& sessions_;
    const Credentials& credentials_;
    audit::LiveChainCheck& chain_check_;
    DeviceControl device_control_;
};

/// True for the 8-4-4-4-12 hexadecimal form of a UUID.
bool is_uuid(std::string_view text) noexcept;

}  // namespace wardline::server::identity
