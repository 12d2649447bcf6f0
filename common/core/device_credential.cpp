// SPDX-License-Identifier: Apache-2.0
#include "common/core/device_credential.hpp"

#include <stdexcept>

namespace wardline {
namespace {

constexpr std::string_view kPrefix = "wardline-device/1 ";
constexpr std::size_t kUuidLength = 36;

bool is_dash_position(std::size_t i) noexcept {
    return i == 8 || i == 13 || i == 18 || i == 23;
}

/// The UUID in lower case, or nullopt if `text` is not a UUID in either case.
std::optional<std::string> lower_uuid(std::string_view text) {
    if (text.size() != kUuidLength) return std::nullopt;
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        char& c = out[i];
        if (is_dash_position(i)) {
            if (c != '-') return std::nullopt;
        } else if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace

bool is_canonical_uuid(std::string_view text) noexcept {
    if (text.size() != kUuidLength) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_dash_position(i) ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

std::string device_credential_identity(std::string_view org_id, std::string_view user_id,
                                       std::string_view device_id) {
    const auto org = lower_uuid(org_id);
    const auto user = lower_uuid(user_id);
    const auto device = lower_uuid(device_id);
    if (!org || !user || !device)
        throw std::invalid_argument("device_credential_identity: an id is not a UUID");
    return std::string(kPrefix) + *org + " " + *user + " " + *device;
}

std::optional<DeviceCredentialIds> parse_device_credential_identity(std::string_view identity) {
    // Prefix, then three UUIDs separated by single spaces: a fixed length.
    if (identity.size() != kPrefix.size() + 3 * kUuidLength + 2 || !identity.starts_with(kPrefix))
        return std::nullopt;
    identity.remove_prefix(kPrefix.size());
    const std::string_view org = identity.substr(0, kUuidLength);
    const std::string_view user = identity.substr(kUuidLength + 1, kUuidLength);
    const std::string_view device = identity.substr(2 * kUuidLength + 2, kUuidLength);
    if (identity[kUuidLength] != ' ' || identity[2 * kUuidLength + 1] != ' ') return std::nullopt;
    if (!is_canonical_uuid(org) || !is_canonical_uuid(user) || !is_canonical_uuid(device))
        return std::nullopt;
    return DeviceCredentialIds{std::string(org), std::string(user), std::string(device)};
}

}  // namespace wardline
