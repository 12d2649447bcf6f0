// SPDX-License-Identifier: Apache-2.0
#pragma once
// The identity a device's MLS basic credential carries (docs/e2ee.md, "Credentials"). Server and
// client build and read it here only, so the two can never disagree on the format:
//
//     "wardline-device/1 " ORG_ID " " USER_ID " " DEVICE_ID
//
// each id a UUID in canonical lower-case 8-4-4-4-12 text, separated by one space, nothing
// before or after. The "/1" is the format's version: another layout gets another prefix.
#include <optional>
#include <string>
#include <string_view>

namespace wardline {

/// The ids a device credential names.
struct DeviceCredentialIds {
    std::string org_id;
    std::string user_id;
    std::string device_id;
    bool operator==(const DeviceCredentialIds&) const = default;
};

/// "wardline-device/1 " + org_id + " " + user_id + " " + device_id. The ids may use upper-case
/// hex digits (they are written in lower case); anything that is not a UUID is a bug of the
/// caller and throws std::invalid_argument.
std::string device_credential_identity(std::string_view org_id, std::string_view user_id,
                                       std::string_view device_id);

/// The ids of an identity in exactly the form device_credential_identity() writes; nullopt for
/// anything else (another prefix or version, upper-case digits, extra spaces, trailing bytes).
std::optional<DeviceCredentialIds> parse_device_credential_identity(std::string_view identity);

/// True for a UUID in canonical lower-case 8-4-4-4-12 hexadecimal text.
bool is_canonical_uuid(std::string_view text) noexcept;

}  // namespace wardline
