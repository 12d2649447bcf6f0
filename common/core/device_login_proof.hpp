// SPDX-License-Identifier: Apache-2.0
#pragma once
// The message a device signs to prove, at auth.login, that it holds the private half of its
// identity key (docs/security.md, "Device possession proof"). Server and client build it here
// only, so the two can never disagree on the bytes. The device signs it with Ed25519
// (libsodium crypto_sign_detached); the server checks it with crypto_sign_verify_detached
// against the key of the login (and that key against the one registered for the device id).
//
//     "wardline-device-login/1" 0x00
//     then five fields, each a 4-byte big-endian length and its bytes:
//     challenge (auth.challenge, 32 bytes), organization, username (both exactly as sent in
//     auth.login), device id (empty for a new device), identity key (32 bytes)
//
// The lengths make every field's end unambiguous; the prefix keeps the signature from being
// valid for any other use of the key (MLS signs with its own labels).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wardline {

/// Size of an auth.challenge challenge.
inline constexpr std::size_t kLoginChallengeBytes = 32;

/// The bytes to sign (and to verify) for one login attempt.
std::vector<std::uint8_t> device_login_proof_message(std::span<const std::uint8_t> challenge,
                                                     std::string_view organization,
                                                     std::string_view username,
                                                     std::string_view device_id,
                                                     std::span<const std::uint8_t> identity_key);

}  // namespace wardline
