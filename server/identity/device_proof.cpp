// SPDX-License-Identifier: Apache-2.0
#include "server/identity/device_proof.hpp"

#include "common/core/device_login_proof.hpp"

#include <sodium.h>

#include <array>
#include <optional>
#include <utility>

namespace wardline::server::identity {

std::string issue_login_challenge(ConnectionAuth& auth, Clock::time_point now) {
    std::array<std::uint8_t, kLoginChallengeBytes> challenge{};
    randombytes_buf(challenge.data(), challenge.size());
    auth.login_challenge = challenge;
    auth.challenge_issued = now;
    std::string out(sodium_base64_ENCODED_LEN(kLoginChallengeBytes, sodium_base64_VARIANT_ORIGINAL),
                    '\0');
    sodium_bin2base64(out.data(), out.size(), challenge.data(), challenge.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::string_view audit_reason(ProofVerdict v) noexcept {
    switch (v) {
        case ProofVerdict::ok:
            return "ok";
        case ProofVerdict::no_challenge:
            return "challenge_missing";
        case ProofVerdict::challenge_expired:
            return "challenge_expired";
        case ProofVerdict::missing_signature:
            return "device_signature_missing";
        case ProofVerdict::malformed_signature:
            return "device_signature_malformed";
        case ProofVerdict::bad_signature:
            return "device_signature_invalid";
    }
    return "unknown";
}

std::string refusal_message(ProofVerdict v) {
    switch (v) {
        case ProofVerdict::ok:
            return {};
        case ProofVerdict::no_challenge:
            return "no unused challenge on this connection: send auth.challenge, sign it with the "
                   "device key and send auth.login again";
        case ProofVerdict::challenge_expired:
            return "the challenge expired: send auth.challenge and sign the new one";
        case ProofVerdict::missing_signature:
            return "device.signature is missing: auth.login must be signed with the device key";
        case ProofVerdict::malformed_signature:
            return "device.signature must be a 64-byte Ed25519 signature in base64";
        case ProofVerdict::bad_signature:
            return "the device signature does not verify for this connection's challenge and "
                   "this login: send auth.challenge and sign again";
    }
    return "the device proof failed";
}

ProofVerdict take_and_check_proof(ConnectionAuth& auth, const LoginProofRequest& request,
                                  Clock::time_point now) {
    const auto challenge = std::exchange(auth.login_challenge, std::nullopt);
    if (!challenge) return ProofVerdict::no_challenge;
    if (now - auth.challenge_issued > ConnectionAuth::kChallengeLifetime)
        return ProofVerdict::challenge_expired;
    if (request.signature_base64.empty()) return ProofVerdict::missing_signature;
    std::array<std::uint8_t, crypto_sign_BYTES> signature{};
    std::size_t length = 0;
    if (sodium_base642bin(signature.data(), signature.size(), request.signature_base64.data(),
                          request.signature_base64.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        length != signature.size())
        return ProofVerdict::malformed_signature;
    if (request.identity_key.size() != crypto_sign_PUBLICKEYBYTES)
        return ProofVerdict::bad_signature;
    const auto message =
        device_login_proof_message(*challenge, request.organization, request.username,
                                   request.device_id, request.identity_key);
    if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                    request.identity_key.data()) != 0)
        return ProofVerdict::bad_signature;
    return ProofVerdict::ok;
}

}  // namespace wardline::server::identity
