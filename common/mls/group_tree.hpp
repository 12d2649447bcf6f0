// SPDX-License-Identifier: Apache-2.0
// The public ratchet tree of a group (RFC 9420 §7): its nodes in array order over a
// power-of-two number of leaves, and what is computed from them: resolutions (§4.1.1), tree
// hashes (§7.8), parent hashes and their verification (§7.9), and leaf signatures (§7.2).
// The wire form is RatchetTree (tree_nodes.hpp), whose trailing blank nodes are omitted.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/tree_math.hpp"
#include "common/mls/tree_nodes.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace wardline::mls {

class GroupTree {
public:
    /// A tree of one leaf.
    static GroupTree with_first_leaf(LeafNode leaf);

    /// The tree a Welcome or the ratchet_tree extension carries (§12.4.3.3): invalid_tree if
    /// it is empty or ends with a blank node, or a leaf or parent sits at the wrong kind of
    /// index. The tree is extended to the right to a power-of-two number of leaves.
    static Result<GroupTree> from_nodes(RatchetTree nodes);
    /// The wire form: the nodes without the blank ones at the end.
    [[nodiscard]] RatchetTree to_nodes() const;

    [[nodiscard]] tree_math::LeafCount leaf_count() const noexcept { return leaves_; }
    [[nodiscard]] std::uint32_t node_count() const noexcept {
        return static_cast<std::uint32_t>(nodes_.size());
    }
    /// The leaf at that index, or nullptr if it is blank or outside the tree.
    [[nodiscard]] const LeafNode* leaf(tree_math::LeafIndex i) const noexcept;
    /// The parent node at that index, or nullptr if it is blank, a leaf, or outside the tree.
    [[nodiscard]] const ParentNode* parent_node(tree_math::NodeIndex i) const noexcept;
    [[nodiscard]] bool is_blank(tree_math::NodeIndex i) const noexcept;

    /// Resolution (§4.1.1): the node itself and, for a parent, its unmerged leaves; for a blank
    /// leaf nothing; for a blank parent the resolutions of its children, left then right.
    [[nodiscard]] std::vector<tree_math::NodeIndex> resolution(tree_math::NodeIndex i) const;

    /// The tree hash of the subtree under a node (§7.8), and of the whole tree.
    [[nodiscard]] Result<Bytes> tree_hash(const CipherSuite& cs, tree_math::NodeIndex i) const;
    [[nodiscard]] Result<Bytes> root_tree_hash(const CipherSuite& cs) const;

    /// ParentHash of parent node p seen from its child on the other side of `sibling` (§7.9):
    /// Hash(ParentHashInput{p.encryption_key, p.parent_hash, original_sibling_tree_hash}).
    [[nodiscard]] Result<Bytes> parent_hash(const CipherSuite& cs, tree_math::NodeIndex p,
                                            tree_math::NodeIndex sibling) const;

    /// §7.9.2 when joining: every non-blank parent node has exactly one descendant whose parent
    /// hash is valid with respect to it. invalid_parent_hash otherwise.
    [[nodiscard]] Result<void> verify_parent_hashes(const CipherSuite& cs) const;

    // ---- Changes (§7.7, §12.1) -----------------------------------------------------------

    /// Add: the new leaf goes into the leftmost blank leaf, else the tree doubles to the right;
    /// every non-blank parent above it lists it as unmerged. Returns its index.
    tree_math::LeafIndex add_leaf(LeafNode leaf);
    /// Update: replaces leaf i and blanks its direct path. invalid_leaf if leaf i is blank.
    Result<void> update_leaf(tree_math::LeafIndex i, LeafNode leaf);
    /// Remove: blanks leaf i and its direct path, then truncates the tree while its right half
    /// is all blank. invalid_leaf if leaf i is blank.
    Result<void> remove_leaf(tree_math::LeafIndex i);

    /// Low-level setters for TreeKEM (treekem.hpp), which keeps the tree's invariants.
    void set_leaf(tree_math::LeafIndex i, LeafNode leaf);
    void set_parent(tree_math::NodeIndex i, ParentNode parent);
    void blank(tree_math::NodeIndex i);

    /// The LeafNode signature of leaf i over its LeafNodeTBS (§7.2), with group_id and the leaf
    /// index as context for the sources update and commit.
    [[nodiscard]] bool verify_leaf_signature(const CipherSuite& cs, tree_math::LeafIndex i,
                                             ByteView group_id) const;

private:
    void blank_direct_path(tree_math::NodeIndex leaf_node);
    void truncate();

    GroupTree(std::vector<std::optional<Node>> nodes, tree_math::LeafCount leaves)
        : nodes_(std::move(nodes)), leaves_(leaves) {}

    Result<Bytes> tree_hash_excluding(const CipherSuite& cs, tree_math::NodeIndex i,
                                      const std::set<std::uint32_t>& removed_leaves) const;
    Result<Bytes> tree_hash_uncached(const CipherSuite& cs, tree_math::NodeIndex i,
                                     const std::set<std::uint32_t>& removed_leaves) const;
    // The parent_hash a node carries: a parent node's, or a commit-sourced leaf's; else none.
    const Bytes* carried_parent_hash(tree_math::NodeIndex i) const noexcept;
    bool valid_with_respect_to(const CipherSuite& cs, tree_math::NodeIndex d,
                               tree_math::NodeIndex p, tree_math::NodeIndex c,
                               tree_math::NodeIndex s) const;

    // Tree hashes (§7.8) of unchanged subtrees are kept between calls: a commit changes one
    // path, so only its nodes are hashed again. An empty entry is not cached. Not safe for
    // concurrent use of one tree (neither is the rest of a Group).
    void invalidate_hashes(tree_math::NodeIndex i) const;
    void resize_nodes(std::uint32_t width);

    std::vector<std::optional<Node>> nodes_;
    tree_math::LeafCount leaves_;
    mutable std::vector<Bytes> hash_cache_;
    mutable std::uint16_t hash_cache_suite_ = 0;
};

}  // namespace wardline::mls
