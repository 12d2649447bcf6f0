// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real wardline-server on a fresh database, organizations and users made with the real
// wardlinectl, and clients that walk the whole login (one-time password, password change,
// TOTP enrollment) over TLS.
#include "server/storage/pg_sync.hpp"
#include "tests/integration/net/server_fixture.hpp"
#include "tests/support/run_command.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wardline::test {

/// A user whose first login is done: the password is their own, TOTP is enrolled.
struct TestUser {
    std::string org;
    std::string username;
    std::string password;
    std::string id;
    std::vector<std::uint8_t> totp_secret;
    std::vector<std::string> recovery_codes;
    std::string device_key;  ///< base64 Ed25519 public key of the test "installation"
    std::vector<std::uint8_t> device_seed;  ///< its private key (the 32-byte Ed25519 seed)
    std::string device_id;
    std::string token;
};

/// The current RFC 6238 code of `secret`, `offset_steps` 30-second steps from now.
std::string totp_now(const std::vector<std::uint8_t>& secret, int offset_steps = 0);
/// Decodes the base32 secret of auth.mfa_enroll.
std::vector<std::uint8_t> base32_secret(const std::string& text);
/// A random base64 32-byte key standing in for a device identity key.
std::string random_device_key();
/// Asks `ws` for an auth.challenge and returns its 32 bytes (throws when refused).
std::vector<std::uint8_t> login_challenge(WsClient& ws);
/// The base64 device.signature of an auth.login: the device login proof message of these
/// fields, signed with the Ed25519 key of `seed`.
std::string device_signature(const std::vector<std::uint8_t>& seed,
                             const std::vector<std::uint8_t>& challenge,
                             const std::string& organization, const std::string& username,
                             const std::string& device_id);
/// A fresh Ed25519 identity key of a test installation: `user.device_key` (base64 public key)
/// and `user.device_seed` (private), for tests that sign as the device (MLS KeyPackages).
void new_device_key(TestUser& user);

class IdentityFixture : public ServerFixture {
protected:
    void SetUp() override;

    /// Starts the server (with `config` overrides) after the database is ready.
    void start(std::map<std::string, std::string> config = {});

    CommandResult ctl(const std::string& args);
    void create_org(const std::string& name);
    /// Creates a user with wardlinectl and returns their one-time password.
    std::string create_user(const std::string& org, const std::string& username, const std::string& role);
    /// create_user + the whole first login on a connection of its own, then logout.
    TestUser enroll(const std::string& org, const std::string& username, const std::string& role);
    /// The whole first login of a user made with create_user (one-time password, own password,
    /// TOTP), on a connection of its own; the user's first device is registered by it.
    TestUser first_login(const std::string& org, const std::string& username,
                         const std::string& one_time_password);
    /// Logs `user` in on `ws` with a fresh TOTP code (waiting for the next step if the
    /// current one was used already). Returns the auth.mfa_verify response.
    nlohmann::json login(WsClient& ws, TestUser& user);
    /// A TOTP code of `user` that the server accepts now and nobody used yet (for break-glass
    /// right after a login): the step after the last one used, once it is inside the server's
    /// window of one step either side (waits up to 30 s when a login took the step ahead).
    std::string unused_code(const TestUser& user);
    /// A six-digit code that matches none of the steps the server accepts now.
    static std::string wrong_code(const TestUser& user);
    /// A connected client that is logged in as `user`.
    std::unique_ptr<WsClient> logged_in(TestUser& user);

    /// An auth.login body for `user` on `ws`: asks `ws` for a challenge (auth.challenge) and
    /// signs it with the user's device key (device_seed; an unsigned body when there is none).
    nlohmann::json login_body(WsClient& ws, const TestUser& user, const std::string& password) const;

    server::storage::PgSyncConnection owner();
    long long count(const std::string& sql);
    /// Audit records of `action` (and outcome, if given).
    long long audit_count(const std::string& action, const std::string& outcome = "");

    std::string url_;
};

}  // namespace wardline::test
