// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the server checks on every KeyPackage a device uploads (docs/e2ee.md, "KeyPackages"),
// before anything is stored. Pure: no database, no clock of its own, so the unit tests can
// drive every rule.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::server::delivery {

/// Largest MLSMessage(KeyPackage) accepted, in bytes. A suite 1 or 3 KeyPackage with a
/// Wardline credential is about 400 bytes; the rest is room for extensions.
inline constexpr std::size_t kMaxKeyPackageBytes = 4096;
/// Longest lifetime (not_after - not_before) accepted: about three months, so a device that
/// disappears stops being offered within a quarter.
inline constexpr std::chrono::seconds kMaxLifetime{93LL * 24 * 3600};
/// How far in the future not_before may lie, for clocks that run a little ahead.
inline constexpr std::chrono::seconds kClockSkew{300};

/// The device the KeyPackage must belong to.
struct ExpectedDevice {
    std::span<const std::uint8_t> identity_key;  ///< devices.identity_key (Ed25519, 32 bytes)
    std::string credential_identity;             ///< device_credential_identity(org, user, device)
};

/// A KeyPackage that passed every check.
struct CheckedKeyPackage {
    std::vector<std::uint8_t> message;  ///< the MLSMessage bytes, as uploaded
    std::vector<std::uint8_t> ref;      ///< KeyPackageRef (RFC 9420 §5.2)
    std::uint16_t cipher_suite = 0;
    std::uint64_t not_after = 0;  ///< seconds since the Unix epoch
};

/// Checks one uploaded KeyPackage given as base64 (RFC 4648 §4, with padding): the encoding,
/// the size, an MLSMessage of version mls10 holding a KeyPackage, suite 1 or 3, the checks of
/// RFC 9420 §10.1 (validate_key_package: version, suite, leaf source, keys, both signatures),
/// the leaf's signature key is the device's identity key, its credential is basic and names
/// the device, and its lifetime is current and at most kMaxLifetime long. `now` is seconds
/// since the Unix epoch. The refusal is the rule broken, never any of the input.
std::variant<CheckedKeyPackage, std::string> check_key_package(std::string_view base64,
                                                               const ExpectedDevice& device,
                                                               std::uint64_t now);

}  // namespace wardline::server::delivery
