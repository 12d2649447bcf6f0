// SPDX-License-Identifier: Apache-2.0
#pragma once
// Login (password, one-time password change, TOTP enrollment and verification, recovery
// codes), sessions (create, resume, idle and absolute deadlines, logout), the session check
// of every request, and the audit records of all of it. NIST SP 800-63B AAL2; see
// docs/security.md.
#include "server/authz/request_policy.hpp"
#include "server/concurrency/token_bucket.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace wardline::server {
class WorkerPool;
}
namespace wardline::server::storage {
class PgPool;
class PgLease;
}

namespace wardline::server::identity {

class Credentials;
class SessionRegistry;
struct AuditNote;

/// Per source address: at most `burst` login or resume attempts at once, refilled at
/// `per_minute` (configuration identity.login_*).
struct AddressThrottle {
    double burst = 100;
    double per_minute = 60;
};

class AuthService {
public:
    using SystemClock = std::chrono::system_clock;

    AuthService(storage::PgPool& pool, WorkerPool& workers, SessionRegistry& sessions,
                const Credentials& credentials, AddressThrottle throttle = {},
                std::function<SystemClock::time_point()> now = SystemClock::now);
    ~AuthService();

    /// The access check of `policy` for this connection: a login in progress, a live session
    /// with the permission. Moves the session's idle deadline (system.ping too, when the
    /// connection has a session: the client's keep-alive). A refusal is returned (and a
    /// permission denial audited); nullopt lets the request through.
    boost::asio::awaitable<std::optional<Failure>> authorize(ConnectionAuth& auth,
                                                             const authz::RequestPolicy& policy);

    /// auth.* and account.* requests.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body, ConnectionAuth& auth);

    /// Ends the connection's session for `reason` (a deadline passed). False if none.
    boost::asio::awaitable<bool> end_bound_session(ConnectionAuth& auth, EndReason reason);
    /// The connection closed: unbinds its session and records its last activity.
    boost::asio::awaitable<void> connection_closed(ConnectionAuth& auth);

    /// Binds a session to the connection: the registry learns it, deadlines start now.
    void bind(ConnectionAuth& auth, BoundSession session);
    /// Forgets the connection's session without ending it in the database.
    void unbind(ConnectionAuth& auth);

private:
    /// Ends the bound session when its idle or absolute deadline passed (true).
    boost::asio::awaitable<bool> end_if_over(ConnectionAuth& auth);
    /// Moves the bound session's idle deadline (and records its activity now and then); false
    /// when the session turned out to have ended elsewhere (it is unbound).
    boost::asio::awaitable<bool> touch(ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> login(nlohmann::json body, ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> change_password_at_login(nlohmann::json body, ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> mfa_enroll(ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> mfa_confirm(nlohmann::json body, ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> mfa_verify(nlohmann::json body, ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> resume(nlohmann::json body, ConnectionAuth& auth);
    boost::asio::awaitable<Outcome> logout(ConnectionAuth& auth, bool everywhere);
    boost::asio::awaitable<Outcome> change_password(nlohmann::json body, ConnectionAuth& auth);

    /// The next login step, or the new session when none is left.
    boost::asio::awaitable<Outcome> next_step(ConnectionAuth& auth, std::string factor);
    boost::asio::awaitable<Outcome> create_session(ConnectionAuth& auth, std::string factor);
    /// A wrong password or second factor during login: counts it, may lock the account,
    /// audits it. Always answers the same refusal.
    boost::asio::awaitable<Failure> login_failed(std::string user_id, std::string org_id,
                                                 int threshold, std::string action,
                                                 std::string reason, std::string source);
    /// Writes one audit record in a transaction of its own (for refusals that change nothing).
    boost::asio::awaitable<void> audit_alone(AuditNote note);
    /// The session as login and resume answer it, with the notification detail and the
    /// user's quiet hours (notification_settings.hpp) when the database could read them.
    boost::asio::awaitable<Result<nlohmann::json>> session_json(const BoundSession& s,
                                                                std::optional<std::string> token);
    bool address_allowed(const std::string& address);

    storage::PgPool& pool_;
    WorkerPool& workers_;
    SessionRegistry& sessions_;
    const Credentials& credentials_;
    std::function<SystemClock::time_point()> now_;
    AddressThrottle throttle_;
    std::mutex throttle_mutex_;
    std::map<std::string, TokenBucket, std::less<>> throttles_;
};

}  // namespace wardline::server::identity
