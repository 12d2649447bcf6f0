// SPDX-License-Identifier: Apache-2.0
// Message framing (RFC 9420 §6): FramedContent, PublicMessage, PrivateMessage and the
// MLSMessage envelope, plus the byte strings that signatures and transcript hashes are computed
// over (FramedContentTBS §6.1, AuthenticatedContent §6, the transcript hash inputs §8.2).
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/extension.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/tls_codec.hpp"

#include <cstdint>
#include <optional>
#include <variant>

namespace wardline::mls {

/// ContentType (RFC 9420 §6), uint8.
enum class ContentType : std::uint8_t { application = 1, proposal = 2, commit = 3 };

/// SenderType (RFC 9420 §6), uint8.
enum class SenderType : std::uint8_t {
    member = 1,
    external = 2,
    new_member_proposal = 3,
    new_member_commit = 4
};

/// WireFormat (RFC 9420 §6, registry §17.2), uint16.
enum class WireFormat : std::uint16_t {
    public_message = 1,
    private_message = 2,
    welcome = 3,
    group_info = 4,
    key_package = 5
};

/// struct {
///     SenderType sender_type;
///     select (Sender.sender_type) {
///         case member:   uint32 leaf_index;
///         case external: uint32 sender_index;
///         case new_member_commit:
///         case new_member_proposal: struct{};
///     };
/// } Sender;                                                                (RFC 9420 §6)
/// Only the index sender_type selects is encoded.
struct Sender {
    SenderType sender_type = SenderType::member;
    std::uint32_t leaf_index = 0;    ///< member
    std::uint32_t sender_index = 0;  ///< external
    bool operator==(const Sender&) const = default;
};

Result<void> encode(Writer& w, const Sender& v);
Result<Sender> decode_sender(Reader& r);
Result<Sender> deserialize_sender(ByteView data);

/// The body of an application message: `opaque application_data<V>`.
struct ApplicationData {
    Bytes data;
    bool operator==(const ApplicationData&) const = default;
};

/// struct {
///     opaque group_id<V>;
///     uint64 epoch;
///     Sender sender;
///     opaque authenticated_data<V>;
///     ContentType content_type;
///     select (FramedContent.content_type) {
///         case application: opaque application_data<V>;
///         case proposal:    Proposal proposal;
///         case commit:      Commit commit;
///     };
/// } FramedContent;                                                         (RFC 9420 §6)
/// The alternatives of `content` are in ContentType order: index + 1 is the type.
struct FramedContent {
    Bytes group_id;
    std::uint64_t epoch = 0;
    Sender sender;
    Bytes authenticated_data;
    std::variant<ApplicationData, Proposal, Commit> content;
    [[nodiscard]] ContentType content_type() const noexcept {
        return static_cast<ContentType>(content.index() + 1);
    }
    bool operator==(const FramedContent&) const = default;
};

Result<void> encode(Writer& w, const FramedContent& v);
Result<FramedContent> decode_framed_content(Reader& r);
Result<FramedContent> deserialize_framed_content(ByteView data);

/// struct {
///     /* SignWithLabel(., "FramedContentTBS", FramedContentTBS) */
///     opaque signature<V>;
///     select (FramedContent.content_type) {
///         case commit: MAC confirmation_tag;     // opaque<V>
///         case application, proposal: struct{};
///     };
/// } FramedContentAuthData;                                               (RFC 9420 §6.1)
/// The selector is in the FramedContent, so the codec takes its content type; confirmation_tag
/// must be present exactly for commits (encoding refuses a mismatch with invalid_value).
struct FramedContentAuthData {
    Bytes signature;
    std::optional<Bytes> confirmation_tag;
    bool operator==(const FramedContentAuthData&) const = default;
};

Result<void> encode(Writer& w, const FramedContentAuthData& v, ContentType content_type);
Result<FramedContentAuthData> decode_framed_content_auth_data(Reader& r, ContentType content_type);

/// struct {
///     WireFormat wire_format;
///     FramedContent content;
///     FramedContentAuthData auth;
/// } AuthenticatedContent;                                                  (RFC 9420 §6)
struct AuthenticatedContent {
    WireFormat wire_format = WireFormat::public_message;
    FramedContent content;
    FramedContentAuthData auth;
    bool operator==(const AuthenticatedContent&) const = default;
};

Result<void> encode(Writer& w, const AuthenticatedContent& v);
Result<AuthenticatedContent> decode_authenticated_content(Reader& r);
Result<AuthenticatedContent> deserialize_authenticated_content(ByteView data);

/// struct {
///     FramedContent content;
///     FramedContentAuthData auth;
///     select (PublicMessage.content.sender.sender_type) {
///         case member: MAC membership_tag;       // opaque<V>
///         case external, new_member_commit, new_member_proposal: struct{};
///     };
/// } PublicMessage;                                                       (RFC 9420 §6.2)
/// membership_tag must be present exactly for member senders (encoding refuses a mismatch
/// with invalid_value).
struct PublicMessage {
    FramedContent content;
    FramedContentAuthData auth;
    std::optional<Bytes> membership_tag;
    bool operator==(const PublicMessage&) const = default;
};

Result<void> encode(Writer& w, const PublicMessage& v);
Result<PublicMessage> decode_public_message(Reader& r);
Result<PublicMessage> deserialize_public_message(ByteView data);

/// struct {
///     opaque group_id<V>;
///     uint64 epoch;
///     ContentType content_type;
///     opaque authenticated_data<V>;
///     opaque encrypted_sender_data<V>;
///     opaque ciphertext<V>;
/// } PrivateMessage;                                                      (RFC 9420 §6.3)
struct PrivateMessage {
    Bytes group_id;
    std::uint64_t epoch = 0;
    ContentType content_type = ContentType::application;
    Bytes authenticated_data;
    Bytes encrypted_sender_data;
    Bytes ciphertext;
    bool operator==(const PrivateMessage&) const = default;
};

Result<void> encode(Writer& w, const PrivateMessage& v);
Result<PrivateMessage> decode_private_message(Reader& r);
Result<PrivateMessage> deserialize_private_message(ByteView data);

/// struct {
///     ProtocolVersion version = mls10;
///     WireFormat wire_format;
///     select (MLSMessage.wire_format) {
///         case mls_public_message:  PublicMessage public_message;
///         case mls_private_message: PrivateMessage private_message;
///         case mls_welcome:         Welcome welcome;
///         case mls_group_info:      GroupInfo group_info;
///         case mls_key_package:     KeyPackage key_package;
///     };
/// } MLSMessage;                                                            (RFC 9420 §6)
/// The alternatives of `body` are in WireFormat order: index + 1 is the wire format. The
/// version is kept as it is (refusing other versions is validation).
struct MLSMessage {
    ProtocolVersion version = ProtocolVersion::mls10;
    std::variant<PublicMessage, PrivateMessage, Welcome, GroupInfo, KeyPackage> body;
    [[nodiscard]] WireFormat wire_format() const noexcept {
        return static_cast<WireFormat>(body.index() + 1);
    }
    bool operator==(const MLSMessage&) const = default;
};

Result<void> encode(Writer& w, const MLSMessage& v);
Result<MLSMessage> decode_mls_message(Reader& r);
Result<MLSMessage> deserialize_mls_message(ByteView data);

/// The FramedContentTBS bytes that FramedContentAuthData.signature signs (RFC 9420 §6.1):
///     ProtocolVersion version = mls10; WireFormat wire_format; FramedContent content;
///     GroupContext context;   // only for the senders member and new_member_commit
/// `context` is required for those senders (invalid_value if null) and ignored otherwise.
Result<Bytes> framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                                 const GroupContext* context);

/// ConfirmedTranscriptHashInput (RFC 9420 §8.2):
///     WireFormat wire_format; FramedContent content; opaque signature<V>;
/// The content must be a commit (invalid_value otherwise).
Result<Bytes> confirmed_transcript_hash_input(WireFormat wire_format, const FramedContent& content,
                                              ByteView signature);

/// InterimTranscriptHashInput (RFC 9420 §8.2): MAC confirmation_tag, i.e. opaque<V>.
Result<Bytes> interim_transcript_hash_input(ByteView confirmation_tag);

}  // namespace wardline::mls
