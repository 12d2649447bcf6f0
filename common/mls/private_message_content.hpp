// SPDX-License-Identifier: Apache-2.0
// The structures inside and around a PrivateMessage's two ciphertexts (RFC 9420 §6.3): the
// PrivateMessageContent plaintext with its zero padding, the SenderData plaintext, and the
// associated data of both encryptions. message_protection.hpp puts them together.
#pragma once
#include "common/mls/framing.hpp"
#include "common/mls/tls_codec.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

namespace wardline::mls {

/// struct {
///     select (PrivateMessage.content_type) {
///         case application: opaque application_data<V>;
///         case proposal:    Proposal proposal;
///         case commit:      Commit commit;
///     };
///     FramedContentAuthData auth;
///     opaque padding[length_of_padding];
/// } PrivateMessageContent;                                             (RFC 9420 §6.3.1)
/// The content type is PrivateMessage.content_type, outside the plaintext; the padding is
/// `padding` zero bytes.
struct PrivateMessageContent {
    std::variant<ApplicationData, Proposal, Commit> content;
    FramedContentAuthData auth;
    std::size_t padding = 0;
    [[nodiscard]] ContentType content_type() const noexcept {
        return static_cast<ContentType>(content.index() + 1);
    }
    bool operator==(const PrivateMessageContent&) const = default;
};

/// The plaintext: content, auth, then `padding` zero bytes. invalid_value if the confirmation
/// tag's presence does not match the content type.
Result<Bytes> serialize_private_message_content(const PrivateMessageContent& v);

/// Reads a plaintext whose content is of `content_type`. §6.3.1: whatever follows the auth
/// field is padding and must be all zeros: invalid_padding otherwise (checked without branching
/// on where a non-zero byte is).
Result<PrivateMessageContent> deserialize_private_message_content(ByteView plaintext,
                                                                  ContentType content_type);

/// struct {
///     uint32 leaf_index;
///     uint32 generation;
///     opaque reuse_guard[4];
/// } SenderData;                                                        (RFC 9420 §6.3.2)
struct SenderData {
    std::uint32_t leaf_index = 0;
    std::uint32_t generation = 0;
    std::array<std::uint8_t, 4> reuse_guard{};
    bool operator==(const SenderData&) const = default;
};

Result<void> encode(Writer& w, const SenderData& v);
Result<SenderData> decode_sender_data(Reader& r);
Result<SenderData> deserialize_sender_data(ByteView data);

/// struct {
///     opaque group_id<V>;
///     uint64 epoch;
///     ContentType content_type;
///     opaque authenticated_data<V>;
/// } PrivateContentAAD;                                                 (RFC 9420 §6.3.1)
Result<Bytes> private_content_aad(ByteView group_id, std::uint64_t epoch, ContentType content_type,
                                  ByteView authenticated_data);

/// struct {
///     opaque group_id<V>;
///     uint64 epoch;
///     ContentType content_type;
/// } SenderDataAAD;                                                     (RFC 9420 §6.3.2)
Result<Bytes> sender_data_aad(ByteView group_id, std::uint64_t epoch, ContentType content_type);

}  // namespace wardline::mls
