// SPDX-License-Identifier: Apache-2.0
// The device possession proof of auth.login (server/identity/device_proof.hpp) without a server:
// a challenge signs one attempt, expires, and a signature binds every field of the login.
#include "server/identity/device_proof.hpp"
#include "common/core/device_login_proof.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>
#include <vector>

namespace wardline::server::identity {
namespace {

struct Device {
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
    Device() { crypto_sign_keypair(pk.data(), sk.data()); }

    std::string sign(const std::vector<std::uint8_t>& message) const {
        std::array<std::uint8_t, crypto_sign_BYTES> sig{};
        crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.data());
        std::string out(sodium_base64_ENCODED_LEN(sig.size(), sodium_base64_VARIANT_ORIGINAL),
                        '\0');
        sodium_bin2base64(out.data(), out.size(), sig.data(), sig.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        out.resize(out.size() - 1);
        return out;
    }
};

std::vector<std::uint8_t> decode(const std::string& text) {
    std::vector<std::uint8_t> out(64);
    std::size_t len = 0;
    EXPECT_EQ(sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len,
                                nullptr, sodium_base64_VARIANT_ORIGINAL),
              0);
    out.resize(len);
    return out;
}

class DeviceProofCheck : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }

    /// Issues a challenge and returns a request signed over it for these fields.
    LoginProofRequest signed_request(const std::string& org, const std::string& user,
                                     const std::string& device_id) {
        challenge_ = decode(issue_login_challenge(auth_, now_));
        signature_ =
            device_.sign(device_login_proof_message(challenge_, org, user, device_id, device_.pk));
        return LoginProofRequest{org_, user_, device_id_, device_.pk, signature_};
    }

    ConnectionAuth auth_;
    Clock::time_point now_ = Clock::now();
    Device device_;
    std::vector<std::uint8_t> challenge_;
    std::string signature_;
    std::string org_ = "General";
    std::string user_ = "nina";
    std::string device_id_ = "0b9e8d4e-4f51-4c49-9d1c-5b8b8f3e2a10";
};

TEST_F(DeviceProofCheck, AChallengeIs32RandomBytesAndANewOneReplacesTheOld) {
    const auto a = decode(issue_login_challenge(auth_, now_));
    const auto b = decode(issue_login_challenge(auth_, now_));
    EXPECT_EQ(a.size(), kLoginChallengeBytes);
    EXPECT_NE(a, b);
    ASSERT_TRUE(auth_.login_challenge);
    EXPECT_TRUE(std::equal(b.begin(), b.end(), auth_.login_challenge->begin()));
}

TEST_F(DeviceProofCheck, ARightSignatureVerifiesOnceOnly) {
    const auto request = signed_request(org_, user_, device_id_);
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::ok);
    EXPECT_FALSE(auth_.login_challenge) << "used up";
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::no_challenge);
}

TEST_F(DeviceProofCheck, AnExpiredChallengeIsRefusedAndUsedUp) {
    const auto request = signed_request(org_, user_, device_id_);
    EXPECT_EQ(
        take_and_check_proof(auth_, request,
                             now_ + ConnectionAuth::kChallengeLifetime + std::chrono::seconds(1)),
        ProofVerdict::challenge_expired);
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::no_challenge);
}

TEST_F(DeviceProofCheck, TheSignatureBindsEveryFieldOfTheLogin) {
    // Each variation signs something else than what the login claims.
    const std::string other_org = "Other";
    const std::string other_user = "paula";
    const std::string other_device = "1b9e8d4e-4f51-4c49-9d1c-5b8b8f3e2a10";
    const std::string none;
    for (int field = 0; field < 4; ++field) {
        auto request =
            signed_request(field == 0 ? other_org : org_, field == 1 ? other_user : user_,
                           field == 2 ? other_device : (field == 3 ? none : device_id_));
        EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::bad_signature) << field;
    }
    // Another device's key with this device's signature.
    Device other;
    auto request = signed_request(org_, user_, device_id_);
    request.identity_key = other.pk;
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::bad_signature);
}

TEST_F(DeviceProofCheck, FieldBoundariesCannotSlide) {
    const std::vector<std::uint8_t> challenge(kLoginChallengeBytes, 7);
    EXPECT_NE(device_login_proof_message(challenge, "ab", "c", "", device_.pk),
              device_login_proof_message(challenge, "a", "bc", "", device_.pk));
    EXPECT_NE(device_login_proof_message(challenge, "a", "", "b", device_.pk),
              device_login_proof_message(challenge, "a", "b", "", device_.pk));
}

TEST_F(DeviceProofCheck, MissingAndMalformedSignaturesAreToldApart) {
    auto request = signed_request(org_, user_, device_id_);
    request.signature_base64 = "";
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::missing_signature);
    const std::vector<std::string> malformed{"AAAA", std::string(88, '!'), std::string(120, 'A')};
    for (const std::string& bad : malformed) {
        request = signed_request(org_, user_, device_id_);
        request.signature_base64 = bad;
        EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::malformed_signature)
            << bad;
    }
    request.signature_base64 = signature_;  // a right one, but the challenge is used up
    EXPECT_EQ(take_and_check_proof(auth_, request, now_), ProofVerdict::no_challenge);
    for (auto v : {ProofVerdict::no_challenge, ProofVerdict::challenge_expired,
                   ProofVerdict::missing_signature, ProofVerdict::malformed_signature,
                   ProofVerdict::bad_signature}) {
        EXPECT_FALSE(refusal_message(v).empty());
        EXPECT_NE(audit_reason(v), "ok");
    }
}

}  // namespace
}  // namespace wardline::server::identity
