// SPDX-License-Identifier: Apache-2.0
// The login flow of issue #3. Every step: check the connection's state, do the CPU-heavy
// part on the worker pool, write the change and its audit record in one transaction.
// Coroutine arguments are built as named locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/identity/auth_service.hpp"

#include "common/core/log.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/device_control.hpp"
#include "server/identity/device_proof.hpp"
#include "server/identity/identity_sql.hpp"
#include "server/identity/notification_settings.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/identity/second_factor.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>

namespace wardline::server::identity {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

// One answer for an unknown organization, unknown user or wrong password, so that nobody
// learns which it was (issue #3). The state of an account (locked, suspended, deactivated) and
// of a device (revoked) is told only to who gave its right password (issue #6).
const Failure kWrongCredentials{Errc::unauthenticated, "wrong organization, username or password"};

/// The refusal of a right password for an account that may not log in; nullopt when it may.
std::optional<Failure> account_refusal(bool locked, const std::string& status) {
    if (locked)
        return Failure{Errc::account_locked,
                       "this account is locked after too many failed sign-in attempts; an "
                       "administrator can unlock it"};
    if (status == "suspended")
        return Failure{Errc::account_suspended,
                       "this account is suspended; ask an administrator to reinstate it"};
    if (status != "active")
        return Failure{Errc::account_deactivated,
                       "this account is deactivated; ask an administrator if you need access again"};
    return std::nullopt;
}
const Failure kWrongCode{Errc::unauthenticated, "wrong or already used code"};
constexpr std::chrono::seconds kPersistSeenEvery{30};
std::optional<Bytes> decode_base64_key(const std::string& text) {
    Bytes out(32);
    std::size_t len = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != 32)
        return std::nullopt;
    return out;
}

std::string json_string(const json& body, const char* key) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

AuditNote note_for(const PendingLogin& p, std::string action, std::string outcome,
                   const std::string& source) {
    AuditNote n;
    n.action = std::move(action);
    n.outcome = std::move(outcome);
    n.org_id = p.org_id;
    n.actor_kind = "user";
    n.actor_id = p.user_id;
    n.target_kind = "user";
    n.target_id = p.user_id;
    n.source_address = source;
    return n;
}

AuditNote note_for(const BoundSession& s, std::string action, std::string outcome,
                   const std::string& source) {
    AuditNote n;
    n.action = std::move(action);
    n.outcome = std::move(outcome);
    n.org_id = s.org_id;
    n.actor_kind = "user";
    n.actor_id = s.user_id;
    n.target_kind = "session";
    n.target_id = s.session_id;
    n.source_address = source;
    n.details["session_id"] = s.session_id;
    n.details["device_id"] = s.device_id;
    return n;
}

/// RAII guard for ConnectionAuth::busy.
struct BusyGuard {
    ConnectionAuth& auth;
    ~BusyGuard() { auth.busy = false; }
};

}  // namespace

AuthService::AuthService(storage::PgPool& pool, WorkerPool& workers, SessionRegistry& sessions,
                         const Credentials& credentials, AddressThrottle throttle,
                         std::function<SystemClock::time_point()> now)
    : pool_(pool), workers_(workers), sessions_(sessions), credentials_(credentials),
      now_(std::move(now)), throttle_(throttle) {}

AuthService::~AuthService() = default;

bool AuthService::address_allowed(const std::string& address) {
    std::lock_guard lock(throttle_mutex_);
    const auto now = TokenBucket::Clock::now();
    if (throttles_.size() > 100'000) throttles_.clear();  // bound memory under address floods
    auto it = throttles_.find(address);
    if (it == throttles_.end())
        it = throttles_.emplace(address, TokenBucket(throttle_.per_minute / 60.0, throttle_.burst, now))
                 .first;
    return it->second.take(now);
}

void AuthService::bind(ConnectionAuth& auth, BoundSession session) {
    unbind(auth);
    if (auth.closed) return;  // the session stays in the database for auth.resume
    const auto now = Clock::now();
    session.idle_deadline = now + session.idle_timeout;
    session.last_persisted = now;
    auth.registry_handle = sessions_.bind(session.session_id, session.user_id, session.device_id,
                                          auth.on_end ? auth.on_end : SessionEndFn([](auto&, auto) {}),
                                          auth.on_event);
    auth.announce_hold = session.hold;
    auth.session = std::move(session);
    auth.pending.reset();
}

void AuthService::unbind(ConnectionAuth& auth) {
    if (auth.registry_handle != 0) sessions_.unbind(auth.registry_handle);
    auth.registry_handle = 0;
    auth.session.reset();
}

boost::asio::awaitable<void> AuthService::audit_alone(AuditNote note) {
    auto lease = co_await pool_.acquire();
    if (!lease) {
        log::auth().error("audit record {} not written: database unavailable", note.action);
        co_return;
    }
    auto work = [note = std::move(note)](PgLease& l) { return write_audit(l, note); };
    auto written = storage::with_transaction(*lease, std::move(work));
    if (auto r = co_await std::move(written); !r)
        log::auth().error("audit record {} not written: {}", note.action, r.error().message());
}

boost::asio::awaitable<std::optional<Failure>> AuthService::authorize(
    ConnectionAuth& auth, const authz::RequestPolicy& policy) {
    switch (policy.access) {
        case authz::Access::anonymous:
            if (policy.type == "system.ping" && auth.session) {
                // The client's keep-alive while its user is active (docs/client.md): a ping
                // with a live session moves the idle deadline like any request of the
                // session. A session past a deadline ends (the client is told); the ping is
                // answered either way.
                auto ending = end_if_over(auth);
                if (!co_await std::move(ending)) {
                    auto touching = touch(auth);
                    co_await std::move(touching);
                }
            }
            co_return std::nullopt;
        case authz::Access::login:
            if (!auth.pending)
                co_return Failure{Errc::unauthenticated, "no login in progress; send auth.login first"};
            if (Clock::now() - auth.pending->started > ConnectionAuth::kLoginTimeout) {
                auth.pending.reset();
                co_return Failure{Errc::unauthenticated, "the login timed out; start again with auth.login"};
            }
            co_return std::nullopt;
        case authz::Access::session:
            break;
    }
    if (!auth.session) co_return Failure{Errc::unauthenticated, "no session; log in first"};
    {
        auto ending = end_if_over(auth);
        if (co_await std::move(ending))
            co_return Failure{Errc::unauthenticated, "the session ended; log in again"};
    }
    if (!policy.permission.empty() && !auth.session->has(policy.permission)) {
        AuditNote n = note_for(*auth.session, "authz.denied", "denied", auth.source_address);
        n.target_kind = "request";
        n.target_id = std::string(policy.type);
        n.details["permission"] = std::string(policy.permission);
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return Failure{Errc::forbidden, "your roles do not grant " + std::string(policy.permission)};
    }
    if (!authz::allowed_under_hold(policy, auth.session->hold)) {
        co_return Failure{Errc::device_quarantined,
                          auth.session->hold == authz::DeviceHold::wipe_pending
                              ? "this device was ordered to erase its data; send devices.confirm_wipe"
                              : "this device is quarantined by an administrator"};
    }
    auto touching = touch(auth);
    if (!co_await std::move(touching))
        co_return Failure{Errc::unauthenticated, "the session ended; log in again"};
    co_return std::nullopt;
}

boost::asio::awaitable<bool> AuthService::end_if_over(ConnectionAuth& auth) {
    const auto now = Clock::now();
    if (now < auth.session->absolute_deadline && now < auth.session->idle_deadline) co_return false;
    const auto reason =
        now >= auth.session->absolute_deadline ? EndReason::expired : EndReason::idle_timeout;
    auto ending = end_bound_session(auth, reason);
    co_await std::move(ending);
    co_return true;
}

boost::asio::awaitable<bool> AuthService::touch(ConnectionAuth& auth) {
    const auto now = Clock::now();
    auth.session->idle_deadline = now + auth.session->idle_timeout;
    if (now - auth.session->last_persisted >= kPersistSeenEvery) {
        // Also how a session ended outside this process (another node, wardlinectl) reaches
        // this connection: within kPersistSeenEvery of its next request.
        auth.session->last_persisted = now;
        PgParams params{auth.session->session_id};
        auto touching = pool_.query(sql::session_seen(), std::move(params));
        auto seen = co_await std::move(touching);
        if (seen && seen->rows() == 0 && auth.session) {
            unbind(auth);
            co_return false;
        }
        // A database error is not a reason to drop the session: the deadlines still hold.
    }
    co_return true;
}

boost::asio::awaitable<Outcome> AuthService::handle(std::string type, json body, ConnectionAuth& auth) {
    if (type == "auth.logout") co_return co_await logout(auth, false);
    if (type == "auth.challenge")
        co_return json{{"challenge", issue_login_challenge(auth, Clock::now())},
                       {"expires_in_seconds",
                        std::chrono::duration_cast<std::chrono::seconds>(
                            ConnectionAuth::kChallengeLifetime)
                            .count()}};
    if (type == "auth.logout_all") co_return co_await logout(auth, true);
    // The login steps change the connection's state across awaits: one at a time.
    if (auth.busy)
        co_return Failure{Errc::conflict, "another login step is still running on this connection"};
    auth.busy = true;
    BusyGuard guard{auth};
    boost::asio::awaitable<Outcome> step;
    if (type == "auth.login")
        step = login(std::move(body), auth);
    else if (type == "auth.resume")
        step = resume(std::move(body), auth);
    else if (type == "auth.change_password")
        step = change_password_at_login(std::move(body), auth);
    else if (type == "auth.mfa_enroll")
        step = mfa_enroll(auth);
    else if (type == "auth.mfa_confirm")
        step = mfa_confirm(std::move(body), auth);
    else if (type == "auth.mfa_verify")
        step = mfa_verify(std::move(body), auth);
    else if (type == "account.change_password")
        step = change_password(std::move(body), auth);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(step);
}

boost::asio::awaitable<Failure> AuthService::login_failed(std::string user_id, std::string org_id,
                                                          int threshold, std::string action,
                                                          std::string reason, std::string source) {
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        AuditNote n;
        n.action = action;
        n.outcome = "failure";
        n.org_id = org_id;
        n.actor_kind = "user";
        n.actor_id = user_id;
        n.target_kind = "user";
        n.target_id = user_id;
        n.source_address = source;
        n.details["reason"] = reason;
        auto counting = count_failure(l, user_id, threshold, std::move(n));
        auto counted = co_await std::move(counting);
        if (!counted) co_return counted.error();
        co_return Result<void>{};
    };
    auto pending_4 = storage::with_transaction(*lease, work);
    (void)co_await std::move(pending_4);
    co_return kWrongCredentials;
}

// --- auth.login ---------------------------------------------------------------------------

boost::asio::awaitable<Outcome> AuthService::login(json body, ConnectionAuth& auth) {
    if (auth.session) {
        auth.login_challenge.reset();
        co_return Failure{Errc::conflict, "this connection already has a session; log out first"};
    }
    auth.pending.reset();
    const std::string source = auth.source_address;
    const std::string password = body.at("password").get<std::string>();
    if (!address_allowed(source)) {
        auth.login_challenge.reset();  // used up by this attempt, as by any other
        AuditNote n;
        n.action = "auth.login";
        n.outcome = "denied";
        n.actor_kind = "anonymous";
        n.source_address = source;
        n.details["reason"] = "address_throttled";
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return Failure{Errc::rate_limited, "too many login attempts from this address; wait a minute"};
    }
    const json& device = body.at("device");
    auto identity_key = decode_base64_key(json_string(device, "identity_key"));
    if (!identity_key) {
        auth.login_challenge.reset();
        co_return Failure{Errc::bad_request, "device.identity_key must be 32 bytes in base64"};
    }
    // The device proves it holds the key before anything about the account is looked at, so
    // that a refusal here says nothing about the password (docs/security.md).
    const std::string organization = body.at("organization").get<std::string>();
    const std::string typed_username = body.at("username").get<std::string>();
    const std::string claimed_device = json_string(device, "id");
    const std::string signature = json_string(device, "signature");
    const LoginProofRequest proof_request{organization, typed_username, claimed_device,
                                          *identity_key, signature};
    if (const auto proof = take_and_check_proof(auth, proof_request, Clock::now());
        proof != ProofVerdict::ok) {
        AuditNote n;
        n.action = "auth.login";
        n.outcome = "denied";
        n.actor_kind = "anonymous";
        n.source_address = source;
        n.details["reason"] = std::string(audit_reason(proof));
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return Failure{Errc::device_proof_failed, refusal_message(proof)};
    }

    const auto canonical = credentials_.canonical_username(typed_username);
    std::optional<storage::PgResult> row;
    if (canonical) {
        PgParams params{organization, *canonical};
        auto looked_up = pool_.query(sql::login_lookup(), std::move(params));
        auto r = co_await std::move(looked_up);
        if (!r) co_return Failure{Errc::unavailable, "database unavailable"};
        if (r->rows() == 1) row = std::move(*r);
    }
    const Credentials& creds = credentials_;
    if (!row) {
        auto dummy = workers_.run([&creds, password] {
            creds.verify_dummy(password);
            return true;
        });
        co_await std::move(dummy);
        AuditNote n;
        n.action = "auth.login";
        n.outcome = "failure";
        n.actor_kind = "anonymous";
        n.source_address = source;
        n.details["reason"] = "unknown_account";
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return kWrongCredentials;
    }
    const storage::PgResult& u = *row;
    PendingLogin p;
    p.user_id = std::string(u.text_or_throw(0, u.column("id")));
    p.org_id = std::string(u.text_or_throw(0, u.column("org_id")));
    p.org_name = organization;
    p.username = std::string(u.text_or_throw(0, u.column("username")));
    p.display_name = std::string(u.text_or_throw(0, u.column("display_name")));
    p.must_change_password = u.boolean(0, u.column("must_change_password"));
    p.mfa_required = u.boolean(0, u.column("mfa_required"));
    p.mfa_enrolled = u.boolean(0, u.column("mfa_enrolled"));
    p.privileged = u.boolean(0, u.column("privileged"));
    p.lockout_threshold = static_cast<int>(u.int64(0, u.column("lockout_threshold")));
    p.idle_timeout_seconds = static_cast<int>(u.int64(0, u.column("idle_timeout")));
    p.absolute_lifetime_seconds = static_cast<int>(u.int64(0, u.column("absolute_lifetime")));
    const std::string status(u.text_or_throw(0, u.column("status")));
    const bool locked = u.boolean(0, u.column("locked"));
    const int failures = static_cast<int>(u.int64(0, u.column("failed_logins")));
    const std::int64_t last_failed_ms = u.int64(0, u.column("last_failed_ms"));
    const std::string stored_hash(u.text_or_throw(0, u.column("password_hash")));

    // Exponential per-account delay: inside it the password is not even tried (but the time
    // a verification takes is still spent, so the answer looks the same).
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            now_().time_since_epoch()).count();
    const bool delayed = now_ms < last_failed_ms + delay_seconds_after(failures) * 1000;
    auto verifying = workers_.run([&creds, password, stored_hash, delayed] {
        if (delayed) {
            creds.verify_dummy(password);
            return false;
        }
        return creds.verify_password(password, stored_hash);
    });
    auto verified = co_await std::move(verifying);
    if (!verified) co_return Failure{Errc::unavailable, "server busy; retry"};
    if (delayed) {
        AuditNote n = note_for(p, "auth.login", "denied", source);
        n.details["reason"] = "account_throttled";
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return kWrongCredentials;
    }
    if (!*verified) {
        auto failing = login_failed(p.user_id, p.org_id, p.lockout_threshold, "auth.login",
                                    "wrong_password", source);
        co_return co_await std::move(failing);
    }
    if (auto refusal = account_refusal(locked, status)) {
        AuditNote n = note_for(p, "auth.login", "denied", source);
        n.details["reason"] = locked ? std::string("locked") : status;
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return std::move(*refusal);
    }

    p.device_name = json_string(device, "name");
    p.device_platform = json_string(device, "platform");
    p.device_identity_key = *identity_key;
    if (const std::string& id = claimed_device; !id.empty()) {
        PgParams params{id, p.user_id};
        auto finding = pool_.query(sql::device_for_login(), std::move(params));
        auto found = co_await std::move(finding);
        if (!found) co_return Failure{Errc::unavailable, "database unavailable"};
        // An id of another user or of nothing is a stale client setting: register anew.
        if (found->rows() == 1) {
            const auto stored_key = found->bytea(0, 2);
            const bool same_key = stored_key.size() == identity_key->size() &&
                                  sodium_memcmp(stored_key.data(), identity_key->data(), 32) == 0;
            const bool revoked = found->boolean(0, 1);
            const bool wiped = found->boolean(0, 3);
            if (revoked || !same_key) {
                AuditNote n = note_for(p, "auth.login", "denied", source);
                n.details["reason"] = wiped     ? "device_wiped"
                                      : revoked ? "device_revoked"
                                                : "device_key_mismatch";
                n.details["device_id"] = id;
                auto writing = audit_alone(std::move(n));
                co_await std::move(writing);
                if (wiped)
                    co_return Failure{Errc::device_revoked,
                                      "this device was wiped by order of an administrator; erase "
                                      "its local data and sign in again as a new device"};
                if (revoked)
                    co_return Failure{Errc::device_revoked,
                                      "this device's access was revoked by an administrator; "
                                      "erase its local data and sign in again as a new device"};
                co_return Failure{Errc::device_proof_failed,
                                  "the device key is not the one registered for this device id"};
            }
            p.device_id = id;
        }
    }
    p.started = Clock::now();
    auth.pending = std::move(p);
    auto next = next_step(auth, "password");
    co_return co_await std::move(next);
}

boost::asio::awaitable<Outcome> AuthService::next_step(ConnectionAuth& auth, std::string factor) {
    const PendingLogin& p = *auth.pending;
    if (p.must_change_password) co_return json{{"next", "change_password"}};
    if (p.mfa_required && !p.mfa_enrolled) co_return json{{"next", "mfa_enroll"}};
    if (p.mfa_required && !p.mfa_passed) co_return json{{"next", "mfa_verify"}};
    auto creating = create_session(auth, std::move(factor));
    co_return co_await std::move(creating);
}

boost::asio::awaitable<Result<json>> AuthService::session_json(const BoundSession& s,
                                                               std::optional<std::string> token) {
    json out{{"session_id", s.session_id},
             {"device_id", s.device_id},
             {"user",
              {{"id", s.user_id},
               {"username", s.username},
               {"display_name", s.display_name},
               {"organization_id", s.org_id}}},
             {"permissions", json::array()},
             {"idle_timeout_seconds", s.idle_timeout.count()},
             {"expires_at_ms", s.expires_at_ms}};
    for (const auto& perm : s.permissions) out["permissions"].push_back(perm);
    if (token) out["token"] = *token;
    // What notifications may show and the user's quiet hours. Left out when the database
    // cannot be read: the session stands, and the client then shows the least.
    auto reading = notification_settings_of(pool_, s.org_id, s.user_id);
    if (auto settings = co_await std::move(reading)) out.update(*settings);
    co_return out;
}

// Loads the permissions of the user's roles.
static boost::asio::awaitable<Result<std::set<std::string, std::less<>>>> load_permissions(
    storage::PgPool& pool, std::string user_id) {
    PgParams params{user_id};
    auto querying = pool.query(sql::user_permissions(), std::move(params));
    auto r = co_await std::move(querying);
    if (!r) co_return r.error();
    std::set<std::string, std::less<>> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace(r->text_or_throw(i, 0));
    co_return out;
}

boost::asio::awaitable<Outcome> AuthService::create_session(ConnectionAuth& auth, std::string factor) {
    const PendingLogin p = *auth.pending;
    const auto token = credentials_.new_session_token();
    const std::string source = auth.source_address;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    BoundSession s;
    bool new_device = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        new_device = !p.device_id;
        if (p.device_id) {
            s.device_id = *p.device_id;
            PgParams params{s.device_id, p.device_name, p.device_platform};
            auto pending_5 = l.query(sql::device_seen(), std::move(params));
            auto seen = co_await std::move(pending_5);
            if (!seen) co_return seen.error();
        } else {
            PgParams params{p.org_id, p.user_id, p.device_name, p.device_platform};
            params.binary(std::as_bytes(std::span(p.device_identity_key)));
            auto pending_6 = l.query(sql::device_insert(), std::move(params));
            auto inserted = co_await std::move(pending_6);
            if (!inserted) co_return inserted.error();
            s.device_id = std::string(inserted->text_or_throw(0, 0));
        }
        auto recording = record_device_login(l, p.org_id, p.user_id, s.device_id, source);
        auto hold = co_await std::move(recording);
        if (!hold) co_return hold.error();
        s.hold = *hold;
        PgParams params{p.org_id, p.user_id, s.device_id};
        params.binary(std::as_bytes(std::span(token.hash)))
            .integer(p.idle_timeout_seconds)
            .integer(p.absolute_lifetime_seconds)
            .text(source);
        auto pending_7 = l.query(sql::session_insert(), std::move(params));
        auto created = co_await std::move(pending_7);
        if (!created) co_return created.error();
        s.session_id = std::string(created->text_or_throw(0, 0));
        s.expires_at_ms = created->int64(0, 1);
        PgParams user{p.user_id};
        auto pending_8 = l.query(sql::login_succeeded(), std::move(user));
        auto cleared = co_await std::move(pending_8);
        if (!cleared) co_return cleared.error();
        if (new_device) {
            AuditNote d = note_for(p, "device.register", "success", source);
            d.target_kind = "device";
            d.target_id = s.device_id;
            auto pending_9 = write_audit(l, std::move(d));
            auto written = co_await std::move(pending_9);
            if (!written) co_return written;
        }
        AuditNote n = note_for(p, "auth.login", "success", source);
        n.target_kind = "session";
        n.target_id = s.session_id;
        n.details["device_id"] = s.device_id;
        n.details["second_factor"] = factor;
        auto pending_10 = write_audit(l, std::move(n));
        co_return co_await std::move(pending_10);
    };
    auto pending_11 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_11);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    auto pending_12 = load_permissions(pool_, p.user_id);
    auto permissions = co_await std::move(pending_12);
    if (!permissions) co_return Failure{Errc::unavailable, "database unavailable"};
    s.user_id = p.user_id;
    s.org_id = p.org_id;
    s.username = p.username;
    s.display_name = p.display_name;
    s.permissions = std::move(*permissions);
    s.idle_timeout = std::chrono::seconds(p.idle_timeout_seconds);
    s.absolute_deadline = Clock::now() + std::chrono::seconds(p.absolute_lifetime_seconds);
    bind(auth, s);
    auto rendering = session_json(s, token.text);
    auto body = co_await std::move(rendering);
    co_return json{{"next", "session"}, {"session", std::move(*body)}};
}

// --- password change at first login -------------------------------------------------------

boost::asio::awaitable<Outcome> AuthService::change_password_at_login(json body, ConnectionAuth& auth) {
    if (!auth.pending->must_change_password)
        co_return Failure{Errc::conflict, "no password change is due; continue with the next step"};
    const PendingLogin p = *auth.pending;
    const std::string current = body.at("current_password").get<std::string>();
    const std::string fresh = body.at("new_password").get<std::string>();
    const std::string source = auth.source_address;
    const std::string rule = credentials_.check_new_password(fresh, p.username, p.org_name, p.privileged);
    if (!rule.empty()) co_return Failure{Errc::password_rejected, rule};
    if (fresh == current)
        co_return Failure{Errc::password_rejected, "the new password must differ from the one-time password"};
    PgParams params{p.user_id};
    auto looking = pool_.query(sql::password_hash_of(), std::move(params));
    auto stored = co_await std::move(looking);
    if (!stored || stored->rows() != 1) co_return Failure{Errc::unavailable, "database unavailable"};
    const std::string stored_hash(stored->text_or_throw(0, 0));
    const Credentials& creds = credentials_;
    auto hashing = workers_.run([&creds, current, fresh, stored_hash]() -> std::optional<std::string> {
        if (!creds.verify_password(current, stored_hash)) return std::nullopt;
        return creds.hash_password(fresh);
    });
    auto hashed = co_await std::move(hashing);
    if (!hashed) co_return Failure{Errc::unavailable, "server busy; retry"};
    if (!*hashed) {
        auth.pending.reset();
        auto failing = login_failed(p.user_id, p.org_id, p.lockout_threshold, "auth.change_password",
                                    "wrong_password", source);
        co_return co_await std::move(failing);
    }
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    const std::string new_hash = **hashed;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams set{p.user_id, new_hash};
        set.boolean(false);
        auto pending_13 = l.query(sql::password_set(), std::move(set));
        auto changed = co_await std::move(pending_13);
        if (!changed) co_return changed.error();
        PgParams end{p.user_id, "password_changed"};
        end.null();
        auto pending_14 = l.query(sql::sessions_end_for_user(), std::move(end));
        auto ended = co_await std::move(pending_14);
        if (!ended) co_return ended.error();
        AuditNote n = note_for(p, "account.password_change", "success", source);
        n.details["first_login"] = true;
        auto pending_15 = write_audit(l, std::move(n));
        co_return co_await std::move(pending_15);
    };
    auto pending_16 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_16);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    sessions_.end_user(p.user_id, EndReason::password_changed);
    auth.pending->must_change_password = false;
    auto next = next_step(auth, "password");
    co_return co_await std::move(next);
}

// --- TOTP enrollment and verification -----------------------------------------------------

boost::asio::awaitable<Outcome> AuthService::mfa_enroll(ConnectionAuth& auth) {
    const PendingLogin p = *auth.pending;
    if (p.must_change_password)
        co_return Failure{Errc::conflict, "change the one-time password first"};
    if (p.mfa_enrolled) co_return Failure{Errc::conflict, "a second factor is already enrolled"};
    const Bytes secret = credentials_.new_totp_secret();
    const Bytes sealed = credentials_.seal(secret, ad::totp(p.user_id));
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    const std::string source = auth.source_address;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{p.user_id};
        params.binary(std::as_bytes(std::span(sealed)));
        auto pending_17 = l.query(sql::totp_set_pending(), std::move(params));
        auto stored = co_await std::move(pending_17);
        if (!stored) co_return stored.error();
        auto pending_18 = write_audit(l, note_for(p, "mfa.enroll_start", "success", source));
        co_return co_await std::move(pending_18);
    };
    auto pending_19 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_19);
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    co_return json{{"secret", credentials_.totp_secret_text(secret)},
                   {"otpauth_uri", credentials_.totp_uri(p.org_name, p.username, secret)}};
}

boost::asio::awaitable<Outcome> AuthService::mfa_confirm(json body, ConnectionAuth& auth) {
    const PendingLogin p = *auth.pending;
    if (p.mfa_enrolled) co_return Failure{Errc::conflict, "a second factor is already enrolled"};
    const std::string source = auth.source_address;
    PgParams params{p.user_id};
    auto reading = pool_.query(sql::totp_state(), std::move(params));
    auto state = co_await std::move(reading);
    if (!state || state->rows() != 1) co_return Failure{Errc::unavailable, "database unavailable"};
    if (state->is_null(0, 1)) co_return Failure{Errc::conflict, "send auth.mfa_enroll first"};
    const auto sealed = state->bytea(0, 1);
    const auto secret = credentials_.open(
        std::span(reinterpret_cast<const std::uint8_t*>(sealed.data()), sealed.size()), ad::totp(p.user_id));
    if (!secret) {
        log::auth().error("user={} pending TOTP secret does not open", p.user_id);
        co_return Failure{Errc::internal, "the enrolled secret cannot be read; enroll again"};
    }
    const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
    const auto step = credentials_.totp_check(*secret, body.at("code").get<std::string>(), unix_now, 0);
    if (!step) {
        auto failing = login_failed(p.user_id, p.org_id, p.lockout_threshold, "mfa.enroll_confirm",
                                    "wrong_code", source);
        co_await std::move(failing);
        co_return kWrongCode;
    }
    const auto codes = credentials_.new_recovery_codes();
    std::string hashes = "{";
    for (const auto& c : codes) {
        const auto h = credentials_.recovery_code_hash(c);
        if (hashes.size() > 1) hashes += ',';
        static constexpr char kHex[] = "0123456789abcdef";
        for (auto b : *h) {
            hashes += kHex[b >> 4];
            hashes += kHex[b & 15];
        }
    }
    hashes += '}';
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams activate{p.user_id};
        activate.integer(*step);
        auto pending_20 = l.query(sql::totp_activate(), std::move(activate));
        auto activated = co_await std::move(pending_20);
        if (!activated) co_return activated.error();
        if (activated->affected_rows() != 1) co_return Errc::conflict;
        PgParams store{p.user_id, hashes};
        auto pending_21 = l.query(sql::recovery_codes_replace(), std::move(store));
        auto stored = co_await std::move(pending_21);
        if (!stored) co_return stored.error();
        auto pending_22 = write_audit(l, note_for(p, "mfa.enroll", "success", source));
        co_return co_await std::move(pending_22);
    };
    auto pending_23 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_23);
    lease->release();
    if (!done && done.error() == make_error_code(Errc::conflict))
        co_return Failure{Errc::conflict, "a second factor is already enrolled"};
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    auth.pending->mfa_enrolled = true;
    auth.pending->mfa_passed = true;
    auto next = next_step(auth, "totp");
    auto outcome = co_await std::move(next);
    if (auto* j = std::get_if<json>(&outcome)) (*j)["recovery_codes"] = codes;
    co_return outcome;
}

boost::asio::awaitable<Outcome> AuthService::mfa_verify(json body, ConnectionAuth& auth) {
    const PendingLogin p = *auth.pending;
    if (p.must_change_password) co_return Failure{Errc::conflict, "change the one-time password first"};
    if (!p.mfa_enrolled) co_return Failure{Errc::conflict, "no second factor is enrolled; send auth.mfa_enroll"};
    const std::string code = json_string(body, "code");
    const std::string recovery = json_string(body, "recovery_code");
    if (code.empty() == recovery.empty())
        co_return Failure{Errc::bad_request, "send exactly one of code and recovery_code"};
    const std::string source = auth.source_address;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    std::string reason;
    // 1: accepted, 0: refused (Result<bool> cannot be built from an error_code).
    auto work = [&](PgLease& l) -> asio::awaitable<Result<int>> {
        if (!recovery.empty()) {
            const auto hash = credentials_.recovery_code_hash(recovery);
            if (!hash) {
                reason = "malformed_recovery_code";
                co_return 0;
            }
            PgParams params{p.user_id};
            params.binary(std::as_bytes(std::span(*hash)));
            auto pending_24 = l.query(sql::recovery_code_use(), std::move(params));
            auto used = co_await std::move(pending_24);
            if (!used) co_return used.error();
            if (used->rows() != 1) {
                reason = "wrong_recovery_code";
                co_return 0;
            }
            co_return 1;
        }
        const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
        auto checking = use_totp_code(l, credentials_, p.user_id, code, unix_now);
        auto use = co_await std::move(checking);
        if (!use) co_return use.error();
        if (*use == TotpUse::not_enrolled) co_return Errc::conflict;
        if (*use != TotpUse::accepted) {
            reason = totp_refusal_reason(*use);
            co_return 0;
        }
        co_return 1;
    };
    auto pending_27 = storage::with_transaction(*lease, work);
    auto checked = co_await std::move(pending_27);
    lease->release();
    if (!checked) co_return Failure{Errc::unavailable, "database unavailable"};
    if (*checked == 0) {
        auto failing = login_failed(p.user_id, p.org_id, p.lockout_threshold, "mfa.verify", reason, source);
        auto failure = co_await std::move(failing);
        if (failure.code == Errc::unavailable) co_return failure;
        co_return kWrongCode;
    }
    auth.pending->mfa_passed = true;
    auto next = next_step(auth, recovery.empty() ? "totp" : "recovery_code");
    co_return co_await std::move(next);
}

// --- sessions -----------------------------------------------------------------------------

boost::asio::awaitable<Outcome> AuthService::resume(json body, ConnectionAuth& auth) {
    if (auth.session) co_return Failure{Errc::conflict, "this connection already has a session"};
    const std::string source = auth.source_address;
    if (!address_allowed(source))
        co_return Failure{Errc::rate_limited, "too many attempts from this address; wait a minute"};
    const auto hash = credentials_.session_token_hash(body.at("token").get<std::string>());
    const std::string device_id = body.at("device_id").get<std::string>();
    std::optional<storage::PgResult> row;
    if (hash) {
        PgParams params;
        params.binary(std::as_bytes(std::span(*hash))).text(device_id);
        auto finding = pool_.query(sql::session_resume(), std::move(params));
        auto found = co_await std::move(finding);
        if (!found) {
            // A malformed device id is a refusal like any other, not an outage.
            if (found.error() != make_error_code(Errc::bad_request))
                co_return Failure{Errc::unavailable, "database unavailable"};
        } else if (found->rows() == 1) {
            row = std::move(*found);
        }
    }
    if (!row) {
        AuditNote n;
        n.action = "auth.resume";
        n.outcome = "failure";
        n.actor_kind = "anonymous";
        n.source_address = source;
        n.details["reason"] = hash ? "no_live_session" : "malformed_token";
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return Failure{Errc::unauthenticated, "the session has ended or the token is not valid; log in"};
    }
    BoundSession s;
    s.session_id = std::string(row->text_or_throw(0, 0));
    s.org_id = std::string(row->text_or_throw(0, 1));
    s.user_id = std::string(row->text_or_throw(0, 2));
    s.device_id = std::string(row->text_or_throw(0, 3));
    s.idle_timeout = std::chrono::seconds(row->int64(0, 4));
    s.expires_at_ms = row->int64(0, 5);
    s.username = std::string(row->text_or_throw(0, 6));
    s.display_name = std::string(row->text_or_throw(0, 7));
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch()).count();
    s.absolute_deadline = Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, s.expires_at_ms - now_ms));
    auto pending_28 = load_permissions(pool_, s.user_id);
    auto permissions = co_await std::move(pending_28);
    if (!permissions) co_return Failure{Errc::unavailable, "database unavailable"};
    s.permissions = std::move(*permissions);
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{s.session_id};
        auto pending_29 = l.query(sql::session_seen(), std::move(params));
        auto seen = co_await std::move(pending_29);
        if (!seen) co_return seen.error();
        auto recording = record_device_login(l, s.org_id, s.user_id, s.device_id, source);
        auto hold = co_await std::move(recording);
        if (!hold) co_return hold.error();
        s.hold = *hold;
        auto pending_30 = write_audit(l, note_for(s, "auth.resume", "success", source));
        co_return co_await std::move(pending_30);
    };
    auto pending_31 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_31);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    bind(auth, s);
    auto rendering = session_json(s, std::nullopt);
    auto rendered = co_await std::move(rendering);
    co_return json{{"session", std::move(*rendered)}};
}

boost::asio::awaitable<Outcome> AuthService::logout(ConnectionAuth& auth, bool everywhere) {
    const BoundSession s = *auth.session;
    const std::string source = auth.source_address;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    std::int64_t ended = 0;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{everywhere ? s.user_id : s.session_id, "logout"};
        if (everywhere) params.null();
        auto stmt = everywhere ? sql::sessions_end_for_user() : sql::session_end();
        auto pending_32 = l.query(stmt, std::move(params));
        auto r = co_await std::move(pending_32);
        if (!r) co_return r.error();
        ended = r->rows();
        AuditNote n = note_for(s, everywhere ? "auth.logout_all" : "auth.logout", "success", source);
        n.details["ended"] = ended;
        auto pending_33 = write_audit(l, std::move(n));
        co_return co_await std::move(pending_33);
    };
    auto pending_34 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_34);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    unbind(auth);
    if (everywhere)
        sessions_.end_user(s.user_id, EndReason::logout);
    else
        sessions_.end_session(s.session_id, EndReason::logout);
    if (everywhere) co_return json{{"ended", ended}};
    co_return json::object();
}

boost::asio::awaitable<Outcome> AuthService::change_password(json body, ConnectionAuth& auth) {
    const BoundSession s = *auth.session;
    const std::string source = auth.source_address;
    const std::string current = body.at("current_password").get<std::string>();
    const std::string fresh = body.at("new_password").get<std::string>();
    PgParams params{s.user_id};
    auto looking = pool_.query(sql::password_hash_of(), std::move(params));
    auto stored = co_await std::move(looking);
    if (!stored || stored->rows() != 1) co_return Failure{Errc::unavailable, "database unavailable"};
    const std::string stored_hash(stored->text_or_throw(0, 0));
    const std::string username(stored->text_or_throw(0, 1));
    const std::string org_name(stored->text_or_throw(0, 2));
    const bool privileged = stored->boolean(0, 3);
    const std::string rule = credentials_.check_new_password(fresh, username, org_name, privileged);
    if (!rule.empty()) co_return Failure{Errc::password_rejected, rule};
    if (fresh == current) co_return Failure{Errc::password_rejected, "the new password must differ from the current one"};
    const Credentials& creds = credentials_;
    auto hashing = workers_.run([&creds, current, fresh, stored_hash]() -> std::optional<std::string> {
        if (!creds.verify_password(current, stored_hash)) return std::nullopt;
        return creds.hash_password(fresh);
    });
    auto hashed = co_await std::move(hashing);
    if (!hashed) co_return Failure{Errc::unavailable, "server busy; retry"};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    if (!*hashed) {
        AuditNote n = note_for(s, "account.password_change", "failure", source);
        n.details["reason"] = "wrong_password";
        auto writing = audit_alone(std::move(n));
        co_await std::move(writing);
        co_return Failure{Errc::unauthenticated, "the current password is wrong"};
    }
    const std::string new_hash = **hashed;
    std::int64_t ended = 0;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams set{s.user_id, new_hash};
        set.boolean(false);
        auto pending_35 = l.query(sql::password_set(), std::move(set));
        auto changed = co_await std::move(pending_35);
        if (!changed) co_return changed.error();
        PgParams end{s.user_id, "password_changed", s.session_id};
        auto pending_36 = l.query(sql::sessions_end_for_user(), std::move(end));
        auto others = co_await std::move(pending_36);
        if (!others) co_return others.error();
        ended = others->rows();
        AuditNote n = note_for(s, "account.password_change", "success", source);
        n.details["other_sessions_ended"] = ended;
        auto pending_37 = write_audit(l, std::move(n));
        co_return co_await std::move(pending_37);
    };
    auto pending_38 = storage::with_transaction(*lease, work);
    auto done = co_await std::move(pending_38);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    sessions_.end_user(s.user_id, EndReason::password_changed, s.session_id);
    co_return json{{"ended", ended}};
}

boost::asio::awaitable<bool> AuthService::end_bound_session(ConnectionAuth& auth, EndReason reason) {
    if (!auth.session) co_return false;
    const BoundSession s = *auth.session;
    unbind(auth);
    auto lease = co_await pool_.acquire();
    if (!lease) co_return true;  // ended here; the database's own deadlines end it there too
    const std::string source = auth.source_address;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{s.session_id, std::string(to_string(reason))};
        auto pending_39 = l.query(sql::session_end(), std::move(params));
        auto r = co_await std::move(pending_39);
        if (!r) co_return r.error();
        AuditNote n = note_for(s, "session.end", "success", source);
        n.actor_kind = "system";
        n.actor_id.clear();
        n.details["reason"] = std::string(to_string(reason));
        auto pending_40 = write_audit(l, std::move(n));
        co_return co_await std::move(pending_40);
    };
    auto pending_41 = storage::with_transaction(*lease, work);
    (void)co_await std::move(pending_41);
    sessions_.end_session(s.session_id, reason);
    co_return true;
}

boost::asio::awaitable<void> AuthService::connection_closed(ConnectionAuth& auth) {
    auth.closed = true;
    if (!auth.session) co_return;
    const std::string session_id = auth.session->session_id;
    unbind(auth);
    PgParams params{session_id};
    auto seen = pool_.query(sql::session_seen(), std::move(params));
    co_await std::move(seen);
}

}  // namespace wardline::server::identity
