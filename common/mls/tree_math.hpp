// SPDX-License-Identifier: Apache-2.0
// Array-based tree math for the MLS ratchet tree (RFC 9420 §4.1, §7.1 and Appendix C).
//
// Nodes of a left-balanced binary tree with n leaves are stored in an array of node_width(n)
// entries: leaves at even indices, parents at odd ones, a node's level being the number of
// trailing one bits of its index. RFC 9420 trees always have a power-of-two number of leaves
// (§7.1: the tree is extended by doubling), where these functions are exactly Appendix C; other
// leaf counts give the left-balanced tree of the earlier drafts, whose right children and
// parents skip the positions past the end of the array.
//
// Every query that can name a node that does not exist (the parent of the root, the child of
// a leaf, any node outside the tree) returns std::nullopt instead of a wrong index.
#pragma once
#include <compare>
#include <cstdint>
#include <optional>
#include <vector>

namespace wardline::mls::tree_math {

/// Index of a node in the tree's array representation (RFC 9420 Appendix C).
struct NodeIndex {
    std::uint32_t value = 0;
    friend constexpr auto operator<=>(NodeIndex, NodeIndex) = default;
};

/// Index of a leaf among the leaves, left to right; leaf i is node 2i (RFC 9420 §4.1).
struct LeafIndex {
    std::uint32_t value = 0;
    friend constexpr auto operator<=>(LeafIndex, LeafIndex) = default;
};

/// Largest number of leaves: the node indices of 2^31 leaves, 0 .. 2^32 - 2, fit a uint32.
inline constexpr std::uint32_t kMaxLeaves = std::uint32_t{1} << 31;

/// Number of leaves of a tree, 0 (the empty tree) to kMaxLeaves. Only make() creates one, so
/// every tree function can rely on the bound.
class LeafCount {
public:
    /// nullopt if n > kMaxLeaves.
    static constexpr std::optional<LeafCount> make(std::uint32_t n) noexcept {
        if (n > kMaxLeaves) return std::nullopt;
        return LeafCount(n);
    }
    [[nodiscard]] constexpr std::uint32_t value() const noexcept { return n_; }
    friend constexpr auto operator<=>(LeafCount, LeafCount) = default;

private:
    constexpr explicit LeafCount(std::uint32_t n) noexcept : n_(n) {}
    std::uint32_t n_;
};

/// Number of nodes of a tree with n leaves: 0 for the empty tree, else 2(n - 1) + 1.
std::uint32_t node_width(LeafCount n) noexcept;

/// Level of a node: 0 for leaves, k for a parent whose subtree has 2^k leaves (the number of
/// trailing one bits of the index). Independent of the tree size.
std::uint32_t level(NodeIndex x) noexcept;

/// True for leaves (even indices).
bool is_leaf(NodeIndex x) noexcept;

/// True if x is one of the node_width(n) nodes of the tree.
bool in_tree(NodeIndex x, LeafCount n) noexcept;

/// The node of leaf `leaf`; nullopt if the tree has no such leaf (leaf >= n).
std::optional<NodeIndex> to_node(LeafIndex leaf, LeafCount n) noexcept;

/// The leaf index of node x; nullopt if x is a parent node (odd index).
std::optional<LeafIndex> to_leaf(NodeIndex x) noexcept;

/// The root; nullopt for the empty tree.
std::optional<NodeIndex> root(LeafCount n) noexcept;

/// Left child; nullopt for a leaf or a node outside the tree.
std::optional<NodeIndex> left(NodeIndex x, LeafCount n) noexcept;

/// Right child; nullopt for a leaf or a node outside the tree.
std::optional<NodeIndex> right(NodeIndex x, LeafCount n) noexcept;

/// Parent; nullopt for the root or a node outside the tree.
std::optional<NodeIndex> parent(NodeIndex x, LeafCount n) noexcept;

/// The other child of x's parent; nullopt for the root or a node outside the tree.
std::optional<NodeIndex> sibling(NodeIndex x, LeafCount n) noexcept;

/// Direct path (RFC 9420 §4.1.2): the ancestors of x from its parent up to the root, empty for
/// the root; nullopt if x is outside the tree.
std::optional<std::vector<NodeIndex>> direct_path(NodeIndex x, LeafCount n);

/// Copath (RFC 9420 §4.1.2): the siblings of x and of each node of its direct path except the
/// root, in the same order as the direct path; nullopt if x is outside the tree.
std::optional<std::vector<NodeIndex>> copath(NodeIndex x, LeafCount n);

/// Lowest common ancestor of x and y (x itself if x == y or x is an ancestor of y); nullopt if
/// either is outside the tree.
std::optional<NodeIndex> common_ancestor(NodeIndex x, NodeIndex y, LeafCount n);

}  // namespace wardline::mls::tree_math
