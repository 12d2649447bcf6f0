// SPDX-License-Identifier: Apache-2.0
#include "common/mls/group_info.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

// ---- GroupContext ----------------------------------------------------------------------------

Result<void> encode(Writer& w, const GroupContext& v) {
    w.u16(static_cast<std::uint16_t>(v.version));
    w.u16(v.cipher_suite);
    if (Result<void> r = w.vector(v.group_id); !r) return r;
    w.u64(v.epoch);
    if (Result<void> r = w.vector(v.tree_hash); !r) return r;
    if (Result<void> r = w.vector(v.confirmed_transcript_hash); !r) return r;
    return encode_extensions(w, v.extensions);
}

Result<GroupContext> decode_group_context(Reader& r) {
    GroupContext v;
    if (auto e = assign(v.version, decode_protocol_version(r)); !e) return e.error();
    if (auto e = assign(v.cipher_suite, r.u16()); !e) return e.error();
    if (auto e = assign(v.group_id, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.epoch, r.u64()); !e) return e.error();
    if (auto e = assign(v.tree_hash, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.confirmed_transcript_hash, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    return v;
}

Result<GroupContext> deserialize_group_context(ByteView data) {
    return deserialize_with(data, decode_group_context);
}

// ---- GroupInfo -------------------------------------------------------------------------------

namespace {

// GroupInfoTBS (RFC 9420 §12.4.3): every GroupInfo field but the signature.
Result<void> encode_group_info_tbs(Writer& w, const GroupInfo& v) {
    if (Result<void> r = encode(w, v.group_context); !r) return r;
    if (Result<void> r = encode_extensions(w, v.extensions); !r) return r;
    if (Result<void> r = w.vector(v.confirmation_tag); !r) return r;
    w.u32(v.signer);
    return {};
}

}  // namespace

Result<void> encode(Writer& w, const GroupInfo& v) {
    if (Result<void> r = encode_group_info_tbs(w, v); !r) return r;
    return w.vector(v.signature);
}

Result<GroupInfo> decode_group_info(Reader& r) {
    GroupInfo v;
    if (auto e = assign(v.group_context, decode_group_context(r)); !e) return e.error();
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    if (auto e = assign(v.confirmation_tag, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.signer, r.u32()); !e) return e.error();
    if (auto e = assign(v.signature, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<GroupInfo> deserialize_group_info(ByteView data) {
    return deserialize_with(data, decode_group_info);
}

Result<Bytes> group_info_tbs(const GroupInfo& v) {
    Writer w;
    if (Result<void> r = encode_group_info_tbs(w, v); !r) return r.error();
    return w.take();
}

// ---- GroupSecrets ----------------------------------------------------------------------------

namespace {

Result<PathSecret> decode_path_secret(Reader& r) {
    PathSecret v;
    if (auto e = assign(v.path_secret, decode_opaque(r)); !e) return e.error();
    return v;
}

}  // namespace

Result<void> encode(Writer& w, const GroupSecrets& v) {
    if (Result<void> r = w.vector(v.joiner_secret); !r) return r;
    if (Result<void> r = encode_optional(
            w, v.path_secret,
            [](Writer& out, const PathSecret& p) { return out.vector(p.path_secret); });
        !r)
        return r;
    return encode_vector(w, v.psks);
}

Result<GroupSecrets> decode_group_secrets(Reader& r) {
    GroupSecrets v;
    if (auto e = assign(v.joiner_secret, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.path_secret, decode_optional(r, decode_path_secret)); !e)
        return e.error();
    if (auto e = assign(v.psks, decode_vector(r, decode_pre_shared_key_id)); !e) return e.error();
    return v;
}

Result<GroupSecrets> deserialize_group_secrets(ByteView data) {
    return deserialize_with(data, decode_group_secrets);
}

// ---- EncryptedGroupSecrets, Welcome ----------------------------------------------------------

Result<void> encode(Writer& w, const EncryptedGroupSecrets& v) {
    if (Result<void> r = w.vector(v.new_member); !r) return r;
    return encode(w, v.encrypted_group_secrets);
}

Result<EncryptedGroupSecrets> decode_encrypted_group_secrets(Reader& r) {
    EncryptedGroupSecrets v;
    if (auto e = assign(v.new_member, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.encrypted_group_secrets, decode_hpke_ciphertext(r)); !e) return e.error();
    return v;
}

Result<EncryptedGroupSecrets> deserialize_encrypted_group_secrets(ByteView data) {
    return deserialize_with(data, decode_encrypted_group_secrets);
}

Result<void> encode(Writer& w, const Welcome& v) {
    w.u16(v.cipher_suite);
    if (Result<void> r = encode_vector(w, v.secrets); !r) return r;
    return w.vector(v.encrypted_group_info);
}

Result<Welcome> decode_welcome(Reader& r) {
    Welcome v;
    if (auto e = assign(v.cipher_suite, r.u16()); !e) return e.error();
    if (auto e = assign(v.secrets, decode_vector(r, decode_encrypted_group_secrets)); !e)
        return e.error();
    if (auto e = assign(v.encrypted_group_info, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<Welcome> deserialize_welcome(ByteView data) {
    return deserialize_with(data, decode_welcome);
}

}  // namespace wardline::mls
