// SPDX-License-Identifier: Apache-2.0
#include "common/mls/tree_nodes.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

namespace {

// The LeafNode fields from encryption_key to extensions: what LeafNode and LeafNodeTBS share
// (RFC 9420 §7.2).
Result<void> encode_leaf_node_content(Writer& w, const LeafNode& v) {
    if (Result<void> r = w.vector(v.encryption_key); !r) return r;
    if (Result<void> r = w.vector(v.signature_key); !r) return r;
    if (Result<void> r = encode(w, v.credential); !r) return r;
    if (Result<void> r = encode(w, v.capabilities); !r) return r;
    if (Result<void> r = encode_enum(w, v.leaf_node_source, LeafNodeSource::commit); !r) return r;
    switch (v.leaf_node_source) {
        case LeafNodeSource::key_package:
            if (Result<void> r = encode(w, v.lifetime); !r) return r;
            break;
        case LeafNodeSource::update:
            break;
        case LeafNodeSource::commit:
            if (Result<void> r = w.vector(v.parent_hash); !r) return r;
            break;
    }
    return encode_extensions(w, v.extensions);
}

}  // namespace

// ---- LeafNode --------------------------------------------------------------------------------

Result<void> encode(Writer& w, const LeafNode& v) {
    if (Result<void> r = encode_leaf_node_content(w, v); !r) return r;
    return w.vector(v.signature);
}

Result<LeafNode> decode_leaf_node(Reader& r) {
    LeafNode v;
    if (auto e = assign(v.encryption_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.signature_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.credential, decode_credential(r)); !e) return e.error();
    if (auto e = assign(v.capabilities, decode_capabilities(r)); !e) return e.error();
    if (auto e = assign(v.leaf_node_source, decode_enum(r, LeafNodeSource::commit)); !e)
        return e.error();
    switch (v.leaf_node_source) {
        case LeafNodeSource::key_package:
            if (auto e = assign(v.lifetime, decode_lifetime(r)); !e) return e.error();
            break;
        case LeafNodeSource::update:
            break;
        case LeafNodeSource::commit:
            if (auto e = assign(v.parent_hash, decode_opaque(r)); !e) return e.error();
            break;
    }
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    if (auto e = assign(v.signature, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<LeafNode> deserialize_leaf_node(ByteView data) {
    return deserialize_with(data, decode_leaf_node);
}

Result<Bytes> leaf_node_tbs(const LeafNode& v, ByteView group_id, std::uint32_t leaf_index) {
    Writer w;
    if (Result<void> r = encode_leaf_node_content(w, v); !r) return r.error();
    // RFC 9420 §7.2: update and commit leaves are bound to the group and their position in it.
    if (v.leaf_node_source == LeafNodeSource::update ||
        v.leaf_node_source == LeafNodeSource::commit) {
        if (Result<void> r = w.vector(group_id); !r) return r.error();
        w.u32(leaf_index);
    }
    return w.take();
}

// ---- ParentNode, Node, ratchet tree ----------------------------------------------------------

Result<void> encode(Writer& w, const ParentNode& v) {
    if (Result<void> r = w.vector(v.encryption_key); !r) return r;
    if (Result<void> r = w.vector(v.parent_hash); !r) return r;
    return encode_u32_vector(w, v.unmerged_leaves);
}

Result<ParentNode> decode_parent_node(Reader& r) {
    ParentNode v;
    if (auto e = assign(v.encryption_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.parent_hash, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.unmerged_leaves, decode_u32_vector(r)); !e) return e.error();
    return v;
}

Result<ParentNode> deserialize_parent_node(ByteView data) {
    return deserialize_with(data, decode_parent_node);
}

Result<void> encode(Writer& w, const Node& v) {
    if (const auto* leaf = std::get_if<LeafNode>(&v.content)) {
        w.u8(static_cast<std::uint8_t>(NodeType::leaf));
        return encode(w, *leaf);
    }
    w.u8(static_cast<std::uint8_t>(NodeType::parent));
    return encode(w, std::get<ParentNode>(v.content));
}

Result<Node> decode_node(Reader& r) {
    const Result<NodeType> type = decode_enum(r, NodeType::parent);
    if (!type) return type.error();
    if (*type == NodeType::leaf) {
        Result<LeafNode> leaf = decode_leaf_node(r);
        if (!leaf) return leaf.error();
        return Node{std::move(*leaf)};
    }
    Result<ParentNode> parent = decode_parent_node(r);
    if (!parent) return parent.error();
    return Node{std::move(*parent)};
}

Result<Node> deserialize_node(ByteView data) {
    return deserialize_with(data, decode_node);
}

Result<void> encode(Writer& w, const RatchetTree& v) {
    return encode_vector(w, v, [](Writer& out, const std::optional<Node>& node) {
        return encode_optional(out, node, [](Writer& o, const Node& n) { return encode(o, n); });
    });
}

Result<RatchetTree> decode_ratchet_tree(Reader& r) {
    return decode_vector(r, [](Reader& in) { return decode_optional(in, decode_node); });
}

Result<RatchetTree> deserialize_ratchet_tree(ByteView data) {
    return deserialize_with(data, decode_ratchet_tree);
}

// ---- HPKECiphertext, UpdatePathNode, UpdatePath ----------------------------------------------

Result<void> encode(Writer& w, const HPKECiphertext& v) {
    if (Result<void> r = w.vector(v.kem_output); !r) return r;
    return w.vector(v.ciphertext);
}

Result<HPKECiphertext> decode_hpke_ciphertext(Reader& r) {
    HPKECiphertext v;
    if (auto e = assign(v.kem_output, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.ciphertext, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<HPKECiphertext> deserialize_hpke_ciphertext(ByteView data) {
    return deserialize_with(data, decode_hpke_ciphertext);
}

Result<void> encode(Writer& w, const UpdatePathNode& v) {
    if (Result<void> r = w.vector(v.encryption_key); !r) return r;
    return encode_vector(w, v.encrypted_path_secret);
}

Result<UpdatePathNode> decode_update_path_node(Reader& r) {
    UpdatePathNode v;
    if (auto e = assign(v.encryption_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.encrypted_path_secret, decode_vector(r, decode_hpke_ciphertext)); !e)
        return e.error();
    return v;
}

Result<UpdatePathNode> deserialize_update_path_node(ByteView data) {
    return deserialize_with(data, decode_update_path_node);
}

Result<void> encode(Writer& w, const UpdatePath& v) {
    if (Result<void> r = encode(w, v.leaf_node); !r) return r;
    return encode_vector(w, v.nodes);
}

Result<UpdatePath> decode_update_path(Reader& r) {
    UpdatePath v;
    if (auto e = assign(v.leaf_node, decode_leaf_node(r)); !e) return e.error();
    if (auto e = assign(v.nodes, decode_vector(r, decode_update_path_node)); !e) return e.error();
    return v;
}

Result<UpdatePath> deserialize_update_path(ByteView data) {
    return deserialize_with(data, decode_update_path);
}

}  // namespace wardline::mls
