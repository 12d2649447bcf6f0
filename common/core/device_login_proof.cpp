// SPDX-License-Identifier: Apache-2.0
#include "common/core/device_login_proof.hpp"

#include <string_view>

namespace wardline {
namespace {

constexpr std::string_view kLabel{"wardline-device-login/1"};

void append_field(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
    const auto n = static_cast<std::uint32_t>(bytes.size());
    out.push_back(static_cast<std::uint8_t>(n >> 24));
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), bytes.begin(), bytes.end());
}

void append_field(std::vector<std::uint8_t>& out, std::string_view text) {
    append_field(out, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

std::vector<std::uint8_t> device_login_proof_message(std::span<const std::uint8_t> challenge,
                                                     std::string_view organization,
                                                     std::string_view username,
                                                     std::string_view device_id,
                                                     std::span<const std::uint8_t> identity_key) {
    std::vector<std::uint8_t> out;
    out.reserve(kLabel.size() + 1 + 5 * 4 + challenge.size() + organization.size() +
                username.size() + device_id.size() + identity_key.size());
    out.insert(out.end(), kLabel.begin(), kLabel.end());
    out.push_back(0);
    append_field(out, challenge);
    append_field(out, organization);
    append_field(out, username);
    append_field(out, device_id);
    append_field(out, identity_key);
    return out;
}

}  // namespace wardline
