// SPDX-License-Identifier: Apache-2.0
#include "common/mls/private_message_content.hpp"

#include "common/mls/struct_codec.hpp"

#include <algorithm>
#include <utility>

namespace wardline::mls {

namespace {

Result<void> encode_body(Writer& w, const ApplicationData& v) {
    return w.vector(v.data);
}
Result<void> encode_body(Writer& w, const Proposal& v) {
    return encode(w, v);
}
Result<void> encode_body(Writer& w, const Commit& v) {
    return encode(w, v);
}

// Reads the body selected by the content type into out.content.
Result<void> decode_body(Reader& r, ContentType type, PrivateMessageContent& out) {
    switch (type) {
        case ContentType::application: {
            Result<Bytes> data = decode_opaque(r);
            if (!data) return data.error();
            out.content = ApplicationData{std::move(*data)};
            return {};
        }
        case ContentType::proposal: {
            Result<Proposal> proposal = decode_proposal(r);
            if (!proposal) return proposal.error();
            out.content = std::move(*proposal);
            return {};
        }
        case ContentType::commit: {
            Result<Commit> commit = decode_commit(r);
            if (!commit) return commit.error();
            out.content = std::move(*commit);
            return {};
        }
    }
    return Error::invalid_value;
}

}  // namespace

// ---- PrivateMessageContent --------------------------------------------------------------------

Result<Bytes> serialize_private_message_content(const PrivateMessageContent& v) {
    Writer w;
    if (Result<void> r =
            std::visit([&](const auto& body) { return encode_body(w, body); }, v.content);
        !r)
        return r.error();
    if (Result<void> r = encode(w, v.auth, v.content_type()); !r) return r.error();
    Bytes out = w.take();
    out.resize(out.size() + v.padding, 0);
    return out;
}

Result<PrivateMessageContent> deserialize_private_message_content(ByteView plaintext,
                                                                  ContentType content_type) {
    Reader r(plaintext);
    PrivateMessageContent v;
    if (Result<void> body = decode_body(r, content_type, v); !body) return body.error();
    if (auto e = assign(v.auth, decode_framed_content_auth_data(r, content_type)); !e)
        return e.error();
    // §6.3.1: the rest is padding, all zeros, or the message is malformed.
    const ByteView padding = plaintext.subspan(r.position());
    std::uint8_t any = 0;
    for (const std::uint8_t b : padding) any |= b;
    if (any != 0) return Error::invalid_padding;
    v.padding = padding.size();
    return v;
}

// ---- SenderData ------------------------------------------------------------------------------

Result<void> encode(Writer& w, const SenderData& v) {
    w.u32(v.leaf_index);
    w.u32(v.generation);
    w.bytes(v.reuse_guard);
    return {};
}

Result<SenderData> decode_sender_data(Reader& r) {
    SenderData v;
    if (auto e = assign(v.leaf_index, r.u32()); !e) return e.error();
    if (auto e = assign(v.generation, r.u32()); !e) return e.error();
    const Result<ByteView> guard = r.bytes(v.reuse_guard.size());
    if (!guard) return guard.error();
    std::copy(guard->begin(), guard->end(), v.reuse_guard.begin());
    return v;
}

Result<SenderData> deserialize_sender_data(ByteView data) {
    return deserialize_with(data, decode_sender_data);
}

// ---- Associated data -------------------------------------------------------------------------

Result<Bytes> private_content_aad(ByteView group_id, std::uint64_t epoch, ContentType content_type,
                                  ByteView authenticated_data) {
    Writer w;
    if (Result<void> r = w.vector(group_id); !r) return r.error();
    w.u64(epoch);
    if (Result<void> r = encode_enum(w, content_type, ContentType::commit); !r) return r.error();
    if (Result<void> r = w.vector(authenticated_data); !r) return r.error();
    return w.take();
}

Result<Bytes> sender_data_aad(ByteView group_id, std::uint64_t epoch, ContentType content_type) {
    Writer w;
    if (Result<void> r = w.vector(group_id); !r) return r.error();
    w.u64(epoch);
    if (Result<void> r = encode_enum(w, content_type, ContentType::commit); !r) return r.error();
    return w.take();
}

}  // namespace wardline::mls
