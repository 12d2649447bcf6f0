// SPDX-License-Identifier: Apache-2.0
#include "tests/integration/identity/identity_fixture.hpp"

#include "common/core/device_login_proof.hpp"
#include "server/identity/credentials.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace wardline::test {

using nlohmann::json;

std::string totp_now(const std::vector<std::uint8_t>& secret, int offset_steps) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return server::identity::totp_code(secret, now + 30LL * offset_steps);
}

std::vector<std::uint8_t> base32_secret(const std::string& text) {
    auto decoded = server::identity::base32_decode(text);
    if (!decoded) throw std::runtime_error("secret is not base32");
    return *decoded;
}

std::string random_device_key() {
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

void new_device_key(TestUser& user) {
    unsigned char seed[crypto_sign_SEEDBYTES];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(sk, sizeof sk);
    char out[sodium_base64_ENCODED_LEN(sizeof pk, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    user.device_key = out;
    user.device_seed.assign(seed, seed + sizeof seed);
}

void IdentityFixture::SetUp() {
    ServerFixture::SetUp();
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    url_ = "--database-url '" + database().owner_conninfo + "'";
}

void IdentityFixture::start(std::map<std::string, std::string> config) {
    start_server(std::move(config));
}

CommandResult IdentityFixture::ctl(const std::string& args) {
    return run_command("WARDLINE_DB_PASSWORD='" + database().owner_password + "' " +
                       std::string(WARDLINECTL_BIN) + " " + args + " " + url_);
}

void IdentityFixture::create_org(const std::string& name) {
    const auto r = ctl("org create --name '" + name + "'");
    if (r.status != 0) throw std::runtime_error("org create failed: " + r.output);
}

std::string IdentityFixture::create_user(const std::string& org, const std::string& username,
                                         const std::string& role) {
    const auto r = ctl("user create --org '" + org + "' --username '" + username +
                       "' --display-name 'Test " + username + "' --role " + role);
    if (r.status != 0) throw std::runtime_error("user create failed: " + r.output);
    const std::string marker = "must be changed at first login): ";
    const auto at = r.output.find(marker);
    if (at == std::string::npos) throw std::runtime_error("no one-time password in: " + r.output);
    auto end = r.output.find('\n', at);
    return r.output.substr(at + marker.size(), end - at - marker.size());
}

std::vector<std::uint8_t> login_challenge(WsClient& ws) {
    const auto r = ws.request("auth.challenge");
    if (r.value("status", "") != "ok") throw std::runtime_error("auth.challenge: " + r.dump());
    const auto text = r["body"]["challenge"].get<std::string>();
    std::vector<std::uint8_t> out(64);
    std::size_t len = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != kLoginChallengeBytes)
        throw std::runtime_error("auth.challenge answered no 32-byte challenge");
    out.resize(len);
    return out;
}

std::string device_signature(const std::vector<std::uint8_t>& seed,
                             const std::vector<std::uint8_t>& challenge,
                             const std::string& organization, const std::string& username,
                             const std::string& device_id) {
    if (seed.size() != crypto_sign_SEEDBYTES) throw std::runtime_error("no device seed");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, seed.data());
    const auto message = device_login_proof_message(challenge, organization, username, device_id,
                                                    std::span<const std::uint8_t>(pk, sizeof pk));
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, message.data(), message.size(), sk);
    sodium_memzero(sk, sizeof sk);
    char out[sodium_base64_ENCODED_LEN(sizeof sig, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

json IdentityFixture::login_body(WsClient& ws, const TestUser& user, const std::string& password) const {
    json device{{"name", "test-pc"}, {"platform", "linux test"}, {"identity_key", user.device_key}};
    if (!user.device_id.empty()) device["id"] = user.device_id;
    const auto challenge = login_challenge(ws);
    if (!user.device_seed.empty())
        device["signature"] =
            device_signature(user.device_seed, challenge, user.org, user.username, user.device_id);
    return json{{"organization", user.org}, {"username", user.username}, {"password", password},
                {"device", device}};
}

TestUser IdentityFixture::enroll(const std::string& org, const std::string& username, const std::string& role) {
    return first_login(org, username, create_user(org, username, role));
}

TestUser IdentityFixture::first_login(const std::string& org, const std::string& username,
                                      const std::string& one_time) {
    TestUser u;
    u.org = org;
    u.username = username;
    new_device_key(u);
    u.password = "tranquil meadow lantern " + std::to_string(randombytes_uniform(1000000));
    auto ws = connect();
    auto r = ws->request("auth.login", login_body(*ws, u, one_time));
    if (r.value("status", "") != "ok" || r["body"]["next"] != "change_password")
        throw std::runtime_error("first login: " + r.dump());
    r = ws->request("auth.change_password", {{"current_password", one_time}, {"new_password", u.password}});
    if (r.value("status", "") != "ok" || r["body"]["next"] != "mfa_enroll")
        throw std::runtime_error("password change: " + r.dump());
    r = ws->request("auth.mfa_enroll");
    if (r.value("status", "") != "ok") throw std::runtime_error("mfa_enroll: " + r.dump());
    u.totp_secret = base32_secret(r["body"]["secret"].get<std::string>());
    r = ws->request("auth.mfa_confirm", {{"code", totp_now(u.totp_secret)}});
    if (r.value("status", "") != "ok" || r["body"]["next"] != "session")
        throw std::runtime_error("mfa_confirm: " + r.dump());
    u.recovery_codes = r["body"]["recovery_codes"].get<std::vector<std::string>>();
    u.id = r["body"]["session"]["user"]["id"];
    u.device_id = r["body"]["session"]["device_id"];
    u.token = r["body"]["session"]["token"];
    ws->close();
    return u;
}

json IdentityFixture::login(WsClient& ws, TestUser& user) {
    auto r = ws.request("auth.login", login_body(ws, user, user.password));
    if (r.value("status", "") != "ok" || r["body"]["next"] != "mfa_verify")
        throw std::runtime_error("login: " + r.dump());
    // A code is accepted once per 30-second step: the enrollment may have used this one.
    r = ws.request("auth.mfa_verify", {{"code", totp_now(user.totp_secret)}});
    if (r.value("status", "") != "ok") {
        r = ws.request("auth.mfa_verify", {{"code", totp_now(user.totp_secret, 1)}});
    }
    if (r.value("status", "") == "ok") {
        user.token = r["body"]["session"]["token"];
        user.device_id = r["body"]["session"]["device_id"];
    }
    return r;
}

std::unique_ptr<WsClient> IdentityFixture::logged_in(TestUser& user) {
    auto ws = connect();
    const auto r = login(*ws, user);
    if (r.value("status", "") != "ok") throw std::runtime_error("login failed: " + r.dump());
    return ws;
}

server::storage::PgSyncConnection IdentityFixture::owner() {
    return server::storage::PgSyncConnection::connect(database().owner_conninfo, database().owner_password);
}

namespace {
std::int64_t step_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() /
           30;
}
}  // namespace

std::string IdentityFixture::unused_code(const TestUser& user) {
    const long long last = count("SELECT totp_last_step FROM users WHERE id = '" + user.id + "'");
    // The server accepts now - 1 .. now + 1 (RFC 6238 §5.2) and only steps after `last`.
    if (!wait_for([&] { return last + 1 <= step_now() + 1; }, std::chrono::seconds(35)))
        throw std::runtime_error("no unused TOTP step came");
    const std::int64_t step = std::max<std::int64_t>(last + 1, step_now());
    return server::identity::totp_code(user.totp_secret, step * 30);
}

std::string IdentityFixture::wrong_code(const TestUser& user) {
    for (int candidate = 0;; ++candidate) {
        char text[8];
        std::snprintf(text, sizeof text, "%06d", (candidate * 7919 + 123457) % 1000000);
        bool matches = false;
        for (int offset = -2; offset <= 2; ++offset)
            matches = matches || totp_now(user.totp_secret, offset) == text;
        if (!matches) return text;
    }
}

long long IdentityFixture::count(const std::string& sql) { return owner().exec(sql).int64(0, 0); }

long long IdentityFixture::audit_count(const std::string& action, const std::string& outcome) {
    std::string sql = "SELECT count(*) FROM audit_records WHERE action = '" + action + "'";
    if (!outcome.empty()) sql += " AND outcome = '" + outcome + "'";
    return count(sql);
}

}  // namespace wardline::test
