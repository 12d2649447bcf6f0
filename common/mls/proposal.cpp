// SPDX-License-Identifier: Apache-2.0
#include "common/mls/proposal.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

// ---- PreSharedKeyID --------------------------------------------------------------------------

Result<void> encode(Writer& w, const PreSharedKeyID& v) {
    if (Result<void> r = encode_enum(w, v.psktype, PSKType::resumption); !r) return r;
    switch (v.psktype) {
        case PSKType::external:
            if (Result<void> r = w.vector(v.psk_id); !r) return r;
            break;
        case PSKType::resumption:
            w.u8(static_cast<std::uint8_t>(v.usage));
            if (Result<void> r = w.vector(v.psk_group_id); !r) return r;
            w.u64(v.psk_epoch);
            break;
    }
    return w.vector(v.psk_nonce);
}

Result<PreSharedKeyID> decode_pre_shared_key_id(Reader& r) {
    PreSharedKeyID v;
    if (auto e = assign(v.psktype, decode_enum(r, PSKType::resumption)); !e) return e.error();
    switch (v.psktype) {
        case PSKType::external:
            if (auto e = assign(v.psk_id, decode_opaque(r)); !e) return e.error();
            break;
        case PSKType::resumption: {
            const Result<std::uint8_t> usage = r.u8();
            if (!usage) return usage.error();
            v.usage = static_cast<ResumptionPSKUsage>(*usage);
            if (auto e = assign(v.psk_group_id, decode_opaque(r)); !e) return e.error();
            if (auto e = assign(v.psk_epoch, r.u64()); !e) return e.error();
            break;
        }
    }
    if (auto e = assign(v.psk_nonce, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<PreSharedKeyID> deserialize_pre_shared_key_id(ByteView data) {
    return deserialize_with(data, decode_pre_shared_key_id);
}

// ---- Proposal bodies -------------------------------------------------------------------------

Result<void> encode(Writer& w, const Add& v) {
    return encode(w, v.key_package);
}

Result<Add> decode_add(Reader& r) {
    Add v;
    if (auto e = assign(v.key_package, decode_key_package(r)); !e) return e.error();
    return v;
}

Result<Add> deserialize_add(ByteView data) {
    return deserialize_with(data, decode_add);
}

Result<void> encode(Writer& w, const Update& v) {
    return encode(w, v.leaf_node);
}

Result<Update> decode_update(Reader& r) {
    Update v;
    if (auto e = assign(v.leaf_node, decode_leaf_node(r)); !e) return e.error();
    return v;
}

Result<Update> deserialize_update(ByteView data) {
    return deserialize_with(data, decode_update);
}

Result<void> encode(Writer& w, const Remove& v) {
    w.u32(v.removed);
    return {};
}

Result<Remove> decode_remove(Reader& r) {
    Remove v;
    if (auto e = assign(v.removed, r.u32()); !e) return e.error();
    return v;
}

Result<Remove> deserialize_remove(ByteView data) {
    return deserialize_with(data, decode_remove);
}

Result<void> encode(Writer& w, const PreSharedKey& v) {
    return encode(w, v.psk);
}

Result<PreSharedKey> decode_pre_shared_key(Reader& r) {
    PreSharedKey v;
    if (auto e = assign(v.psk, decode_pre_shared_key_id(r)); !e) return e.error();
    return v;
}

Result<PreSharedKey> deserialize_pre_shared_key(ByteView data) {
    return deserialize_with(data, decode_pre_shared_key);
}

Result<void> encode(Writer& w, const ReInit& v) {
    if (Result<void> r = w.vector(v.group_id); !r) return r;
    w.u16(static_cast<std::uint16_t>(v.version));
    w.u16(v.cipher_suite);
    return encode_extensions(w, v.extensions);
}

Result<ReInit> decode_re_init(Reader& r) {
    ReInit v;
    if (auto e = assign(v.group_id, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.version, decode_protocol_version(r)); !e) return e.error();
    if (auto e = assign(v.cipher_suite, r.u16()); !e) return e.error();
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    return v;
}

Result<ReInit> deserialize_re_init(ByteView data) {
    return deserialize_with(data, decode_re_init);
}

Result<void> encode(Writer& w, const ExternalInit& v) {
    return w.vector(v.kem_output);
}

Result<ExternalInit> decode_external_init(Reader& r) {
    ExternalInit v;
    if (auto e = assign(v.kem_output, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<ExternalInit> deserialize_external_init(ByteView data) {
    return deserialize_with(data, decode_external_init);
}

Result<void> encode(Writer& w, const GroupContextExtensions& v) {
    return encode_extensions(w, v.extensions);
}

Result<GroupContextExtensions> decode_group_context_extensions(Reader& r) {
    GroupContextExtensions v;
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    return v;
}

Result<GroupContextExtensions> deserialize_group_context_extensions(ByteView data) {
    return deserialize_with(data, decode_group_context_extensions);
}

// ---- Proposal --------------------------------------------------------------------------------

Result<void> encode(Writer& w, const Proposal& v) {
    w.u16(static_cast<std::uint16_t>(v.proposal_type()));
    return std::visit([&](const auto& body) { return encode(w, body); }, v.body);
}

namespace {

// Decodes the body of type T and wraps it in a Proposal.
template <class T, class Decode>
Result<Proposal> proposal_of(Reader& r, Decode decode) {
    Result<T> body = decode(r);
    if (!body) return body.error();
    return Proposal{std::move(*body)};
}

}  // namespace

Result<Proposal> decode_proposal(Reader& r) {
    const Result<ProposalType> type = decode_enum(r, ProposalType::group_context_extensions);
    if (!type) return type.error();
    switch (*type) {
        case ProposalType::add:
            return proposal_of<Add>(r, decode_add);
        case ProposalType::update:
            return proposal_of<Update>(r, decode_update);
        case ProposalType::remove:
            return proposal_of<Remove>(r, decode_remove);
        case ProposalType::psk:
            return proposal_of<PreSharedKey>(r, decode_pre_shared_key);
        case ProposalType::reinit:
            return proposal_of<ReInit>(r, decode_re_init);
        case ProposalType::external_init:
            return proposal_of<ExternalInit>(r, decode_external_init);
        case ProposalType::group_context_extensions:
            return proposal_of<GroupContextExtensions>(r, decode_group_context_extensions);
    }
    return Error::invalid_value;
}

Result<Proposal> deserialize_proposal(ByteView data) {
    return deserialize_with(data, decode_proposal);
}

// ---- ProposalOrRef, Commit -------------------------------------------------------------------

Result<void> encode(Writer& w, const ProposalOrRef& v) {
    w.u8(static_cast<std::uint8_t>(v.type()));
    if (const auto* proposal = std::get_if<Proposal>(&v.content)) return encode(w, *proposal);
    return w.vector(std::get<ProposalRef>(v.content));
}

Result<ProposalOrRef> decode_proposal_or_ref(Reader& r) {
    const Result<ProposalOrRefType> type = decode_enum(r, ProposalOrRefType::reference);
    if (!type) return type.error();
    if (*type == ProposalOrRefType::proposal) {
        Result<Proposal> proposal = decode_proposal(r);
        if (!proposal) return proposal.error();
        return ProposalOrRef{std::move(*proposal)};
    }
    Result<Bytes> reference = decode_opaque(r);
    if (!reference) return reference.error();
    return ProposalOrRef{std::move(*reference)};
}

Result<ProposalOrRef> deserialize_proposal_or_ref(ByteView data) {
    return deserialize_with(data, decode_proposal_or_ref);
}

Result<void> encode(Writer& w, const Commit& v) {
    if (Result<void> r = encode_vector(w, v.proposals); !r) return r;
    return encode_optional(w, v.path,
                           [](Writer& out, const UpdatePath& p) { return encode(out, p); });
}

Result<Commit> decode_commit(Reader& r) {
    Commit v;
    if (auto e = assign(v.proposals, decode_vector(r, decode_proposal_or_ref)); !e)
        return e.error();
    if (auto e = assign(v.path, decode_optional(r, decode_update_path)); !e) return e.error();
    return v;
}

Result<Commit> deserialize_commit(ByteView data) {
    return deserialize_with(data, decode_commit);
}

}  // namespace wardline::mls
