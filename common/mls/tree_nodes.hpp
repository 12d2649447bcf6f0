// SPDX-License-Identifier: Apache-2.0
// The nodes of the ratchet tree and the UpdatePath of a Commit (RFC 9420 §7.2, §7.6, §12.4.1,
// §12.4.3.3), and the to-be-signed bytes of a leaf node.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/credential.hpp"
#include "common/mls/error.hpp"
#include "common/mls/extension.hpp"
#include "common/mls/hpke.hpp"
#include "common/mls/tls_codec.hpp"

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

namespace wardline::mls {

/// opaque HPKEPublicKey<V>; opaque SignaturePublicKey<V>;  (RFC 9420 §5.1.1)
using HPKEPublicKey = Bytes;
using SignaturePublicKey = Bytes;

/// LeafNodeSource (RFC 9420 §7.2), uint8.
enum class LeafNodeSource : std::uint8_t { key_package = 1, update = 2, commit = 3 };

/// struct {
///     HPKEPublicKey encryption_key;
///     SignaturePublicKey signature_key;
///     Credential credential;
///     Capabilities capabilities;
///     LeafNodeSource leaf_node_source;
///     select (LeafNode.leaf_node_source) {
///         case key_package: Lifetime lifetime;
///         case update:      struct{};
///         case commit:      opaque parent_hash<V>;
///     };
///     Extension extensions<V>;
///     /* SignWithLabel(., "LeafNodeTBS", LeafNodeTBS) */
///     opaque signature<V>;
/// } LeafNode;                                                              (RFC 9420 §7.2)
/// lifetime and parent_hash are encoded only when leaf_node_source selects them.
struct LeafNode {
    HPKEPublicKey encryption_key;
    SignaturePublicKey signature_key;
    Credential credential;
    Capabilities capabilities;
    LeafNodeSource leaf_node_source = LeafNodeSource::key_package;
    Lifetime lifetime;  ///< key_package
    Bytes parent_hash;  ///< commit
    std::vector<Extension> extensions;
    Bytes signature;
    bool operator==(const LeafNode&) const = default;
};

Result<void> encode(Writer& w, const LeafNode& v);
Result<LeafNode> decode_leaf_node(Reader& r);
Result<LeafNode> deserialize_leaf_node(ByteView data);

/// The LeafNodeTBS bytes that `signature` signs (RFC 9420 §7.2): the LeafNode without its
/// signature, followed for the sources update and commit by `opaque group_id<V>; uint32
/// leaf_index;` (group_id and leaf_index are not used for key_package).
Result<Bytes> leaf_node_tbs(const LeafNode& v, ByteView group_id, std::uint32_t leaf_index);

/// struct {
///     HPKEPublicKey encryption_key;
///     opaque parent_hash<V>;
///     uint32 unmerged_leaves<V>;
/// } ParentNode;                                                            (RFC 9420 §7.1)
struct ParentNode {
    HPKEPublicKey encryption_key;
    Bytes parent_hash;
    std::vector<std::uint32_t> unmerged_leaves;
    bool operator==(const ParentNode&) const = default;
};

Result<void> encode(Writer& w, const ParentNode& v);
Result<ParentNode> decode_parent_node(Reader& r);
Result<ParentNode> deserialize_parent_node(ByteView data);

/// NodeType (RFC 9420 §12.4.3.3, also used by the tree hash of §7.8), uint8.
enum class NodeType : std::uint8_t { leaf = 1, parent = 2 };

/// struct {
///     NodeType node_type;
///     select (Node.node_type) {
///         case leaf:   LeafNode leaf_node;
///         case parent: ParentNode parent_node;
///     };
/// } Node;                                                              (RFC 9420 §12.4.3.3)
struct Node {
    std::variant<LeafNode, ParentNode> content;
    [[nodiscard]] NodeType node_type() const noexcept {
        return content.index() == 0 ? NodeType::leaf : NodeType::parent;
    }
    bool operator==(const Node&) const = default;
};

Result<void> encode(Writer& w, const Node& v);
Result<Node> decode_node(Reader& r);
Result<Node> deserialize_node(ByteView data);

/// `optional<Node> ratchet_tree<V>` (RFC 9420 §12.4.3.3, the ratchet_tree extension): the
/// tree's nodes in array order (tree_math.hpp), blank nodes absent.
using RatchetTree = std::vector<std::optional<Node>>;

Result<void> encode(Writer& w, const RatchetTree& v);
Result<RatchetTree> decode_ratchet_tree(Reader& r);
Result<RatchetTree> deserialize_ratchet_tree(ByteView data);

/// HPKECiphertext (RFC 9420 §7.6) is defined in hpke.hpp.
Result<void> encode(Writer& w, const HPKECiphertext& v);
Result<HPKECiphertext> decode_hpke_ciphertext(Reader& r);
Result<HPKECiphertext> deserialize_hpke_ciphertext(ByteView data);

/// struct {
///     HPKEPublicKey encryption_key;
///     HPKECiphertext encrypted_path_secret<V>;
/// } UpdatePathNode;                                                        (RFC 9420 §7.6)
struct UpdatePathNode {
    HPKEPublicKey encryption_key;
    std::vector<HPKECiphertext> encrypted_path_secret;
    bool operator==(const UpdatePathNode&) const = default;
};

Result<void> encode(Writer& w, const UpdatePathNode& v);
Result<UpdatePathNode> decode_update_path_node(Reader& r);
Result<UpdatePathNode> deserialize_update_path_node(ByteView data);

/// struct { LeafNode leaf_node; UpdatePathNode nodes<V>; } UpdatePath;   (RFC 9420 §7.6)
struct UpdatePath {
    LeafNode leaf_node;
    std::vector<UpdatePathNode> nodes;
    bool operator==(const UpdatePath&) const = default;
};

Result<void> encode(Writer& w, const UpdatePath& v);
Result<UpdatePath> decode_update_path(Reader& r);
Result<UpdatePath> deserialize_update_path(ByteView data);

}  // namespace wardline::mls
