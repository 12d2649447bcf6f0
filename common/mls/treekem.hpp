// SPDX-License-Identifier: Apache-2.0
// TreeKEM (RFC 9420 §7.4–§7.6, §7.9): a committer's UpdatePath, which gives its leaf and every
// node of its filtered direct path a fresh key pair and encrypts the path secrets to the
// resolution of each copath child; and the receiving side, which merges the public keys,
// checks the parent hashes, decrypts the one path secret meant for it and derives the rest up
// to the commit secret.
#pragma once
#include "common/mls/group_tree.hpp"

#include <functional>
#include <map>
#include <span>

namespace wardline::mls {

/// The HPKE private keys a member holds: its leaf's and those of the parent nodes on its direct
/// path that it knows. Wiped when replaced or destroyed (Bytes).
class TreePrivateKeys {
public:
    explicit TreePrivateKeys(tree_math::LeafIndex leaf) : leaf_(leaf) {}

    [[nodiscard]] tree_math::LeafIndex leaf() const noexcept { return leaf_; }
    void set(tree_math::NodeIndex node, Bytes private_key);
    /// The node's key pair from a path secret: KEM.DeriveKeyPair(DeriveSecret(path_secret,
    /// "node")) (§7.4). Returns the public key.
    Result<Bytes> set_from_path_secret(const CipherSuite& cs, tree_math::NodeIndex node,
                                       ByteView path_secret);
    [[nodiscard]] const Bytes* get(tree_math::NodeIndex node) const noexcept;
    void erase(tree_math::NodeIndex node) { keys_.erase(node.value); }
    /// Every key held, by node index.
    [[nodiscard]] const std::map<std::uint32_t, Bytes>& all() const noexcept { return keys_; }

private:
    tree_math::LeafIndex leaf_;
    std::map<std::uint32_t, Bytes> keys_;
};

/// One node of a filtered direct path (§4.1.2): a parent on the leaf's direct path whose child
/// on the copath has a non-empty resolution, and that child.
struct FilteredPathNode {
    tree_math::NodeIndex node;
    tree_math::NodeIndex copath_child;
};
[[nodiscard]] std::vector<FilteredPathNode> filtered_direct_path(const GroupTree& tree,
                                                                 tree_math::LeafIndex leaf);

/// The public part of an UpdatePath from `sender` (§7.5, §7.9.2): checks that it has one node
/// per filtered direct path node, that its leaf is a commit leaf signed for this group and
/// index, and that the leaf's parent hash is the one the new path gives; then blanks the
/// sender's direct path and sets the new nodes with their parent hashes. invalid_update_path,
/// invalid_parent_hash or invalid_signature; the tree is unchanged on failure.
Result<void> merge_update_path(const CipherSuite& cs, GroupTree& tree, tree_math::LeafIndex sender,
                               const UpdatePath& path, ByteView group_id);

/// What a receiver learns from an UpdatePath.
struct PathSecrets {
    tree_math::NodeIndex decrypted_at;  ///< the common ancestor whose path secret it decrypted
    Bytes path_secret;                  ///< that path secret
    Bytes commit_secret;
};

/// The receiving side (§12.4.2): decrypts the path secret at the lowest node of the sender's
/// filtered direct path above the receiver, with a key the receiver holds for a node of that
/// copath child's resolution (leaves in `excluded` — added by this commit — do not count),
/// derives the path secrets up to the commit secret, checks each derived public key against the
/// path's, and stores the new private keys in `keys`. `group_context` is the serialized
/// provisional GroupContext. Call on the tree before or after merge_update_path.
Result<PathSecrets> decrypt_update_path(const CipherSuite& cs, const GroupTree& tree,
                                        tree_math::LeafIndex sender, const UpdatePath& path,
                                        TreePrivateKeys& keys, ByteView group_context,
                                        std::span<const tree_math::LeafIndex> excluded);

/// What the committer sends and keeps.
struct CreatedPath {
    UpdatePath path;
    Bytes commit_secret;
    /// The filtered direct path and the path secret of each of its nodes: a new member gets
    /// the one at its lowest common ancestor with the committer in its Welcome.
    std::vector<FilteredPathNode> filtered_path;
    std::vector<Bytes> path_secrets;
};

/// The committer's side (§7.4, §7.5, §7.9, §12.4.1): fresh path secrets from a random leaf
/// secret, the new leaf (from `leaf_template`: its credential, capabilities, extensions and
/// signature key) with source commit, parent hash and signature, merged into `tree`; then the
/// path secrets encrypted under `group_context_for(new tree hash)`. `keys` receives the new
/// private keys.
Result<CreatedPath> create_update_path(
    const CipherSuite& cs, GroupTree& tree, TreePrivateKeys& keys, const LeafNode& leaf_template,
    ByteView signature_private_key, ByteView group_id,
    std::span<const tree_math::LeafIndex> excluded,
    const std::function<Result<Bytes>(ByteView tree_hash)>& group_context_for);

}  // namespace wardline::mls
