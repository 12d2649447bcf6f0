// SPDX-License-Identifier: Apache-2.0
#pragma once
// messages.body_sealed: the MLS message and the metadata only members need (reply-to,
// attachment references), sealed with the server keyring (identity::Credentials::seal,
// XChaCha20-Poly1305, key id inside). The associated data names the conversation and the seq,
// so a sealed body copied to another row does not open.
//
// Plaintext layout (version 1): uint32 big-endian length of the metadata JSON, the metadata
// JSON ({"reply_to": seq?, "attachments": [id...]?}), then the MLSMessage bytes.
#include "server/messaging/mls_envelope.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::identity {
class Credentials;
}

namespace wardline::server::messaging {

struct MessageBody {
    ByteVector mls_message;
    std::optional<std::int64_t> reply_to;
    std::vector<std::string> attachments;
};

/// The associated data of a message row.
std::string message_associated_data(std::string_view conversation_id, std::int64_t seq);

ByteVector seal_body(const identity::Credentials& keys, const MessageBody& body,
                     std::string_view conversation_id, std::int64_t seq);
/// nullopt if the row does not open (wrong key, wrong row, damaged).
std::optional<MessageBody> open_body(const identity::Credentials& keys,
                                     std::span<const std::uint8_t> sealed,
                                     std::string_view conversation_id, std::int64_t seq);

/// Hex text of bytes, for the array parameters of the insert statements.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace wardline::server::messaging
