// SPDX-License-Identifier: Apache-2.0
// The device possession proof of auth.login and the refusals only a right password may hear
// (issue #6; docs/security.md, "Device possession proof"), against a real server and database,
// each from the side of the one who must be refused: no challenge, a used one, another
// connection's, a missing, malformed or foreign signature, a key that is not the registered
// one, and a deactivated account or wiped device.
#include "common/core/device_login_proof.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace wardline::test {
namespace {

using nlohmann::json;

std::string error_code(const json& r) {
    return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
}
std::string error_message(const json& r) {
    return r["error"].value("message", "");
}

class DeviceProof : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        start();
        u_ = enroll("General", "paula", "physician");
    }
    /// An auth.login body of u_ whose signature is made by `seed` over `challenge`.
    json body_signed(const std::vector<std::uint8_t>& seed,
                     const std::vector<std::uint8_t>& challenge,
                     const std::string& password) const {
        return json{{"organization", u_.org},
                    {"username", u_.username},
                    {"password", password},
                    {"device",
                     {{"id", u_.device_id},
                      {"name", "test-pc"},
                      {"platform", "linux test"},
                      {"identity_key", u_.device_key},
                      {"signature",
                       device_signature(seed, challenge, u_.org, u_.username, u_.device_id)}}}};
    }
    long long denials(const std::string& reason) {
        return count(
            "SELECT count(*) FROM audit_records WHERE action = 'auth.login' AND outcome = 'denied' "
            "AND details LIKE '%" +
            reason + "%'");
    }

    TestUser u_;
};

TEST_F(DeviceProof, ALoginWithoutAChallengeIsRefusedWhateverThePasswordAndAudited) {
    auto ws = connect();
    const std::vector<std::uint8_t> none(kLoginChallengeBytes, 0);
    const auto right = ws->request("auth.login", body_signed(u_.device_seed, none, u_.password));
    const auto wrong =
        ws->request("auth.login", body_signed(u_.device_seed, none, "not the password"));
    EXPECT_EQ(error_code(right), "device_proof_failed") << right.dump();
    EXPECT_NE(error_message(right).find("auth.challenge"), std::string::npos);
    EXPECT_EQ(right["error"], wrong["error"]) << "the refusal says nothing about the password";
    EXPECT_EQ(denials("challenge_missing"), 2);
    EXPECT_EQ(count("SELECT failed_logins FROM users WHERE username_canonical = 'paula'"), 0);
}

TEST_F(DeviceProof, AChallengeSignsOneAttemptOnly) {
    auto ws = connect();
    const auto challenge = login_challenge(*ws);
    EXPECT_EQ(error_code(ws->request("auth.login",
                                     body_signed(u_.device_seed, challenge, "not the password"))),
              "unauthenticated");
    // The same signature again, now with the right password: the challenge is used up.
    const auto replay =
        ws->request("auth.login", body_signed(u_.device_seed, challenge, u_.password));
    EXPECT_EQ(error_code(replay), "device_proof_failed") << replay.dump();
    // A fresh challenge on the same connection works.
    const auto fresh = ws->request("auth.login", login_body(*ws, u_, u_.password));
    EXPECT_EQ(fresh["body"].value("next", ""), "mfa_verify") << fresh.dump();
}

TEST_F(DeviceProof, AnotherConnectionsChallengeDoesNotVerify) {
    auto mine = connect();
    auto theirs = connect();
    const auto their_challenge = login_challenge(*theirs);
    (void)login_challenge(*mine);
    const auto r =
        mine->request("auth.login", body_signed(u_.device_seed, their_challenge, u_.password));
    EXPECT_EQ(error_code(r), "device_proof_failed") << r.dump();
    EXPECT_EQ(denials("device_signature_invalid"), 1);
    // Asking again replaces the challenge: only the newest one counts.
    auto ws = connect();
    const auto first = login_challenge(*ws);
    (void)login_challenge(*ws);
    EXPECT_EQ(
        error_code(ws->request("auth.login", body_signed(u_.device_seed, first, u_.password))),
        "device_proof_failed");
}

TEST_F(DeviceProof, ASignatureByAnotherKeyIsRefusedBeforeThePasswordIsLookedAt) {
    // The attacker knows the password, the device id and its public key, not its private key.
    TestUser thief = u_;
    new_device_key(thief);
    const long long sessions_before = count("SELECT count(*) FROM sessions");
    auto ws = connect();
    const auto right = ws->request(
        "auth.login", body_signed(thief.device_seed, login_challenge(*ws), u_.password));
    const auto wrong = ws->request(
        "auth.login", body_signed(thief.device_seed, login_challenge(*ws), "nope, wrong"));
    EXPECT_EQ(error_code(right), "device_proof_failed") << right.dump();
    EXPECT_EQ(right["error"], wrong["error"]);
    EXPECT_EQ(denials("device_signature_invalid"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM sessions"), sessions_before);
    EXPECT_EQ(count("SELECT failed_logins FROM users WHERE username_canonical = 'paula'"), 0)
        << "the password was not even tried";
}

TEST_F(DeviceProof, AValidSignatureByAKeyThatIsNotTheRegisteredOneIsRefused) {
    // A client that signs correctly with its own key but claims the victim's device id.
    TestUser other_key = u_;
    new_device_key(other_key);
    auto ws = connect();
    const auto wrong_pw = ws->request("auth.login", login_body(*ws, other_key, "not the password"));
    EXPECT_EQ(error_code(wrong_pw), "unauthenticated")
        << "a stranger learns nothing about the device";
    const auto r = ws->request("auth.login", login_body(*ws, other_key, u_.password));
    EXPECT_EQ(error_code(r), "device_proof_failed") << r.dump();
    EXPECT_EQ(denials("device_key_mismatch"), 1);
    // The new-device path proves possession too: a new key with a foreign signature registers
    // nothing.
    const long long devices_before = count("SELECT count(*) FROM devices");
    TestUser newcomer = other_key;
    newcomer.device_id.clear();
    json body = login_body(*ws, newcomer, u_.password);
    body["device"]["signature"] =
        device_signature(u_.device_seed, login_challenge(*ws), u_.org, u_.username, "");
    EXPECT_EQ(error_code(ws->request("auth.login", body)), "device_proof_failed");
    EXPECT_EQ(count("SELECT count(*) FROM devices"), devices_before);
}

TEST_F(DeviceProof, MissingAndMalformedSignaturesAreRefusedAndTheConnectionStays) {
    auto ws = connect();
    json body = login_body(*ws, u_, u_.password);
    body["device"].erase("signature");
    const auto missing = ws->request("auth.login", body);
    EXPECT_EQ(error_code(missing), "device_proof_failed");
    EXPECT_NE(error_message(missing).find("missing"), std::string::npos);
    for (const std::string& bad :
         std::vector<std::string>{"AAAA", std::string(88, '!'), std::string(200, 'A')}) {
        json b = login_body(*ws, u_, u_.password);
        b["device"]["signature"] = bad;
        const auto r = ws->request("auth.login", b);
        EXPECT_EQ(error_code(r), "device_proof_failed") << r.dump();
        EXPECT_EQ(r.dump().find(bad), std::string::npos) << "the value is not echoed";
    }
    json too_long = login_body(*ws, u_, u_.password);
    too_long["device"]["signature"] = std::string(201, 'A');
    EXPECT_EQ(error_code(ws->request("auth.login", too_long)), "bad_request");
    json wrong_type = login_body(*ws, u_, u_.password);
    wrong_type["device"]["signature"] = 64;
    EXPECT_EQ(error_code(ws->request("auth.login", wrong_type)), "bad_request");
    EXPECT_EQ(ws->request("auth.challenge", {{"extra", 1}})["error"].value("code", ""),
              "bad_request");
    EXPECT_EQ(denials("device_signature_missing"), 1);
    EXPECT_EQ(denials("device_signature_malformed"), 3);
    EXPECT_EQ(ws->request("system.ping").value("status", ""), "ok");
    EXPECT_EQ(ws->request("auth.login", login_body(*ws, u_, u_.password))["body"].value("next", ""),
              "mfa_verify");
}

TEST_F(DeviceProof, ADeactivatedAccountIsToldOnlyToTheRightPassword) {
    owner().exec("UPDATE users SET status = 'deactivated' WHERE username_canonical = 'paula'");
    auto ws = connect();
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u_, "not the password"))),
              "unauthenticated");
    const auto r = ws->request("auth.login", login_body(*ws, u_, u_.password));
    EXPECT_EQ(error_code(r), "account_deactivated") << r.dump();
}

TEST_F(DeviceProof, AWipedDeviceIsToldItWasWipedOnlyToTheRightPassword) {
    owner().exec(
        "UPDATE devices SET wipe_requested_at = now(), wiped_at = now(), revoked_at = now() "
        "WHERE id = '" +
        u_.device_id + "'");
    auto ws = connect();
    EXPECT_EQ(error_code(ws->request("auth.login", login_body(*ws, u_, "not the password"))),
              "unauthenticated");
    const auto r = ws->request("auth.login", login_body(*ws, u_, u_.password));
    EXPECT_EQ(error_code(r), "device_revoked") << r.dump();
    EXPECT_NE(error_message(r).find("wiped"), std::string::npos) << r.dump();
    EXPECT_EQ(denials("device_wiped"), 1);
    // Signing in again as a new device (no id, a new key) works.
    TestUser fresh = u_;
    fresh.device_id.clear();
    new_device_key(fresh);
    const auto again = ws->request("auth.login", login_body(*ws, fresh, u_.password));
    EXPECT_EQ(again["body"].value("next", ""), "mfa_verify") << again.dump();
}

}  // namespace
}  // namespace wardline::test
