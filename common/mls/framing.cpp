// SPDX-License-Identifier: Apache-2.0
#include "common/mls/framing.hpp"

#include "common/mls/struct_codec.hpp"

#include <utility>

namespace wardline::mls {

// ---- Sender ----------------------------------------------------------------------------------

Result<void> encode(Writer& w, const Sender& v) {
    if (Result<void> r = encode_enum(w, v.sender_type, SenderType::new_member_commit); !r) return r;
    if (v.sender_type == SenderType::member) w.u32(v.leaf_index);
    if (v.sender_type == SenderType::external) w.u32(v.sender_index);
    return {};
}

Result<Sender> decode_sender(Reader& r) {
    Sender v;
    if (auto e = assign(v.sender_type, decode_enum(r, SenderType::new_member_commit)); !e)
        return e.error();
    if (v.sender_type == SenderType::member) {
        if (auto e = assign(v.leaf_index, r.u32()); !e) return e.error();
    } else if (v.sender_type == SenderType::external) {
        if (auto e = assign(v.sender_index, r.u32()); !e) return e.error();
    }
    return v;
}

Result<Sender> deserialize_sender(ByteView data) {
    return deserialize_with(data, decode_sender);
}

// ---- FramedContent ---------------------------------------------------------------------------

namespace {

Result<void> encode_content_body(Writer& w, const ApplicationData& v) {
    return w.vector(v.data);
}
Result<void> encode_content_body(Writer& w, const Proposal& v) {
    return encode(w, v);
}
Result<void> encode_content_body(Writer& w, const Commit& v) {
    return encode(w, v);
}

// Wraps a decoded body of type T into FramedContent::content.
template <class T, class Decode>
Result<void> decode_content_body(Reader& r, FramedContent& out, Decode decode) {
    Result<T> body = decode(r);
    if (!body) return body.error();
    out.content = std::move(*body);
    return {};
}

Result<ApplicationData> decode_application_data(Reader& r) {
    ApplicationData v;
    if (auto e = assign(v.data, decode_opaque(r)); !e) return e.error();
    return v;
}

}  // namespace

Result<void> encode(Writer& w, const FramedContent& v) {
    if (Result<void> r = w.vector(v.group_id); !r) return r;
    w.u64(v.epoch);
    if (Result<void> r = encode(w, v.sender); !r) return r;
    if (Result<void> r = w.vector(v.authenticated_data); !r) return r;
    w.u8(static_cast<std::uint8_t>(v.content_type()));
    return std::visit([&](const auto& body) { return encode_content_body(w, body); }, v.content);
}

Result<FramedContent> decode_framed_content(Reader& r) {
    FramedContent v;
    if (auto e = assign(v.group_id, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.epoch, r.u64()); !e) return e.error();
    if (auto e = assign(v.sender, decode_sender(r)); !e) return e.error();
    if (auto e = assign(v.authenticated_data, decode_opaque(r)); !e) return e.error();
    const Result<ContentType> type = decode_enum(r, ContentType::commit);
    if (!type) return type.error();
    Result<void> body = Error::invalid_value;
    switch (*type) {
        case ContentType::application:
            body = decode_content_body<ApplicationData>(r, v, decode_application_data);
            break;
        case ContentType::proposal:
            body = decode_content_body<Proposal>(r, v, decode_proposal);
            break;
        case ContentType::commit:
            body = decode_content_body<Commit>(r, v, decode_commit);
            break;
    }
    if (!body) return body.error();
    return v;
}

Result<FramedContent> deserialize_framed_content(ByteView data) {
    return deserialize_with(data, decode_framed_content);
}

// ---- FramedContentAuthData, AuthenticatedContent ---------------------------------------------

Result<void> encode(Writer& w, const FramedContentAuthData& v, ContentType content_type) {
    // RFC 9420 §6.1: the confirmation tag is there exactly when the content is a commit.
    if (v.confirmation_tag.has_value() != (content_type == ContentType::commit))
        return Error::invalid_value;
    if (Result<void> r = w.vector(v.signature); !r) return r;
    if (v.confirmation_tag) return w.vector(*v.confirmation_tag);
    return {};
}

Result<FramedContentAuthData> decode_framed_content_auth_data(Reader& r, ContentType content_type) {
    FramedContentAuthData v;
    if (auto e = assign(v.signature, decode_opaque(r)); !e) return e.error();
    if (content_type == ContentType::commit) {
        Result<Bytes> tag = decode_opaque(r);
        if (!tag) return tag.error();
        v.confirmation_tag = std::move(*tag);
    }
    return v;
}

Result<void> encode(Writer& w, const AuthenticatedContent& v) {
    if (Result<void> r = encode_enum(w, v.wire_format, WireFormat::key_package); !r) return r;
    if (Result<void> r = encode(w, v.content); !r) return r;
    return encode(w, v.auth, v.content.content_type());
}

Result<AuthenticatedContent> decode_authenticated_content(Reader& r) {
    AuthenticatedContent v;
    if (auto e = assign(v.wire_format, decode_enum(r, WireFormat::key_package)); !e)
        return e.error();
    if (auto e = assign(v.content, decode_framed_content(r)); !e) return e.error();
    if (auto e = assign(v.auth, decode_framed_content_auth_data(r, v.content.content_type())); !e)
        return e.error();
    return v;
}

Result<AuthenticatedContent> deserialize_authenticated_content(ByteView data) {
    return deserialize_with(data, decode_authenticated_content);
}

// ---- PublicMessage, PrivateMessage -----------------------------------------------------------

Result<void> encode(Writer& w, const PublicMessage& v) {
    // RFC 9420 §6.2: the membership tag is there exactly when the sender is a member.
    if (v.membership_tag.has_value() != (v.content.sender.sender_type == SenderType::member))
        return Error::invalid_value;
    if (Result<void> r = encode(w, v.content); !r) return r;
    if (Result<void> r = encode(w, v.auth, v.content.content_type()); !r) return r;
    if (v.membership_tag) return w.vector(*v.membership_tag);
    return {};
}

Result<PublicMessage> decode_public_message(Reader& r) {
    PublicMessage v;
    if (auto e = assign(v.content, decode_framed_content(r)); !e) return e.error();
    if (auto e = assign(v.auth, decode_framed_content_auth_data(r, v.content.content_type())); !e)
        return e.error();
    if (v.content.sender.sender_type == SenderType::member) {
        Result<Bytes> tag = decode_opaque(r);
        if (!tag) return tag.error();
        v.membership_tag = std::move(*tag);
    }
    return v;
}

Result<PublicMessage> deserialize_public_message(ByteView data) {
    return deserialize_with(data, decode_public_message);
}

Result<void> encode(Writer& w, const PrivateMessage& v) {
    if (Result<void> r = w.vector(v.group_id); !r) return r;
    w.u64(v.epoch);
    if (Result<void> r = encode_enum(w, v.content_type, ContentType::commit); !r) return r;
    if (Result<void> r = w.vector(v.authenticated_data); !r) return r;
    if (Result<void> r = w.vector(v.encrypted_sender_data); !r) return r;
    return w.vector(v.ciphertext);
}

Result<PrivateMessage> decode_private_message(Reader& r) {
    PrivateMessage v;
    if (auto e = assign(v.group_id, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.epoch, r.u64()); !e) return e.error();
    if (auto e = assign(v.content_type, decode_enum(r, ContentType::commit)); !e) return e.error();
    if (auto e = assign(v.authenticated_data, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.encrypted_sender_data, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.ciphertext, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<PrivateMessage> deserialize_private_message(ByteView data) {
    return deserialize_with(data, decode_private_message);
}

// ---- MLSMessage ------------------------------------------------------------------------------

Result<void> encode(Writer& w, const MLSMessage& v) {
    w.u16(static_cast<std::uint16_t>(v.version));
    w.u16(static_cast<std::uint16_t>(v.wire_format()));
    return std::visit([&](const auto& body) { return encode(w, body); }, v.body);
}

namespace {

// Decodes a body of type T into MLSMessage::body.
template <class T, class Decode>
Result<void> decode_message_body(Reader& r, MLSMessage& out, Decode decode) {
    Result<T> body = decode(r);
    if (!body) return body.error();
    out.body = std::move(*body);
    return {};
}

}  // namespace

Result<MLSMessage> decode_mls_message(Reader& r) {
    MLSMessage v;
    if (auto e = assign(v.version, decode_protocol_version(r)); !e) return e.error();
    const Result<WireFormat> format = decode_enum(r, WireFormat::key_package);
    if (!format) return format.error();
    Result<void> body = Error::invalid_value;
    switch (*format) {
        case WireFormat::public_message:
            body = decode_message_body<PublicMessage>(r, v, decode_public_message);
            break;
        case WireFormat::private_message:
            body = decode_message_body<PrivateMessage>(r, v, decode_private_message);
            break;
        case WireFormat::welcome:
            body = decode_message_body<Welcome>(r, v, decode_welcome);
            break;
        case WireFormat::group_info:
            body = decode_message_body<GroupInfo>(r, v, decode_group_info);
            break;
        case WireFormat::key_package:
            body = decode_message_body<KeyPackage>(r, v, decode_key_package);
            break;
    }
    if (!body) return body.error();
    return v;
}

Result<MLSMessage> deserialize_mls_message(ByteView data) {
    return deserialize_with(data, decode_mls_message);
}

// ---- Signed and hashed byte strings ----------------------------------------------------------

Result<Bytes> framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                                 const GroupContext* context) {
    Writer w;
    w.u16(static_cast<std::uint16_t>(ProtocolVersion::mls10));
    if (Result<void> r = encode_enum(w, wire_format, WireFormat::key_package); !r) return r.error();
    if (Result<void> r = encode(w, content); !r) return r.error();
    // RFC 9420 §6.1: members and new members joining by external commit sign the group context
    // too; external senders and new members proposing to join do not know it.
    const SenderType sender = content.sender.sender_type;
    if (sender == SenderType::member || sender == SenderType::new_member_commit) {
        if (context == nullptr) return Error::invalid_value;
        if (Result<void> r = encode(w, *context); !r) return r.error();
    }
    return w.take();
}

Result<Bytes> confirmed_transcript_hash_input(WireFormat wire_format, const FramedContent& content,
                                              ByteView signature) {
    if (content.content_type() != ContentType::commit) return Error::invalid_value;
    Writer w;
    if (Result<void> r = encode_enum(w, wire_format, WireFormat::key_package); !r) return r.error();
    if (Result<void> r = encode(w, content); !r) return r.error();
    if (Result<void> r = w.vector(signature); !r) return r.error();
    return w.take();
}

Result<Bytes> interim_transcript_hash_input(ByteView confirmation_tag) {
    Writer w;
    if (Result<void> r = w.vector(confirmation_tag); !r) return r.error();
    return w.take();
}

}  // namespace wardline::mls
