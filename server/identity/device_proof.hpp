// SPDX-License-Identifier: Apache-2.0
#pragma once
// The server's half of the device possession proof of auth.login (docs/security.md, "Device
// possession proof"): a fresh challenge per connection, and the check of the device's Ed25519
// signature over common/core/device_login_proof.hpp's message. No database, no I/O: the login
// flow (auth_service.cpp) decides what to audit and answer from the verdict.
#include "server/identity/connection_auth.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wardline::server::identity {

/// A new random challenge, kept in `auth` (replacing an earlier one); returns it in base64.
std::string issue_login_challenge(ConnectionAuth& auth, Clock::time_point now);

enum class ProofVerdict {
    ok,
    no_challenge,         ///< none asked on this connection, or already used by a login
    challenge_expired,    ///< older than ConnectionAuth::kChallengeLifetime
    missing_signature,    ///< device.signature absent or empty
    malformed_signature,  ///< not 64 bytes of base64
    bad_signature,        ///< does not verify with the login's identity key
};

/// The audit reason of a verdict (e.g. "device_signature_invalid").
std::string_view audit_reason(ProofVerdict v) noexcept;
/// What the refusal (device_proof_failed) tells the client; names no value of the request.
std::string refusal_message(ProofVerdict v);

/// What one auth.login attempt proved. Uses up the connection's challenge whatever the
/// verdict, so that a challenge signs at most one attempt.
struct LoginProofRequest {
    std::string_view organization;
    std::string_view username;
    std::string_view device_id;  ///< empty for a new device
    std::span<const std::uint8_t> identity_key;
    std::string_view signature_base64;
};
ProofVerdict take_and_check_proof(ConnectionAuth& auth, const LoginProofRequest& request,
                                  Clock::time_point now);

}  // namespace wardline::server::identity
