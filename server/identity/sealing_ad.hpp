// SPDX-License-Identifier: Apache-2.0
#pragma once
// The associated data of every sealed column (docs/security.md, "Key management"). Each binds a
// sealed value to its row (and column), so a value copied to another row does not open. The
// services that seal and open and `wardlinectl keys reseal`, which must re-seal under the same
// associated data, all take it from here.
#include <cstdint>
#include <string>
#include <string_view>

namespace wardline::server::identity::ad {

/// users.totp_secret_sealed and users.totp_pending_sealed.
inline std::string totp(std::string_view user_id) {
    return "totp:" + std::string(user_id);
}

/// conversations.title_sealed / topic_sealed / patient_sealed (`column` title, topic, patient),
/// and break_glass_grants.reason (`column` break_glass_reason, `id` the grant's id).
inline std::string conversation(std::string_view id, std::string_view column) {
    return "wardline.conversations." + std::string(column) + ":" + std::string(id);
}

/// messages.body_sealed.
inline std::string message(std::string_view conversation_id, std::int64_t seq) {
    return "wardline.message/1 " + std::string(conversation_id) + " " + std::to_string(seq);
}

/// welcomes.welcome_sealed.
inline std::string welcome(std::string_view conversation_id, std::string_view device_id,
                           std::int64_t commit_seq) {
    return "wardline.welcome/1 " + std::string(conversation_id) + " " + std::string(device_id) +
           " " + std::to_string(commit_seq);
}

/// group_infos.group_info_sealed.
inline std::string group_info(std::string_view conversation_id) {
    return "wardline.group_info/1 " + std::string(conversation_id);
}

}  // namespace wardline::server::identity::ad
