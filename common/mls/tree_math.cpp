// SPDX-License-Identifier: Apache-2.0
#include "common/mls/tree_math.hpp"

#include <algorithm>
#include <bit>

namespace wardline::mls::tree_math {

namespace {

// Arithmetic is done in 64 bits: on the largest tree, the step past the root would shift a one
// bit to position 32 (kMaxLeaves keeps every real node below 2^32 - 1).
using Wide = std::uint64_t;

// Parent in the infinite full tree (RFC 9420 Appendix C `parent` without the root check).
Wide parent_step(Wide x) noexcept {
    const int k = std::countr_one(x);
    const Wide b = (x >> (k + 1)) & 1u;
    return (x | (Wide{1} << k)) ^ (b << (k + 1));
}

// Left child in the infinite full tree; x must not be a leaf.
Wide left_step(Wide x) noexcept {
    const int k = std::countr_one(x);
    return x ^ (Wide{1} << (k - 1));
}

NodeIndex node(Wide x) noexcept {
    return NodeIndex{static_cast<std::uint32_t>(x)};
}

}  // namespace

std::uint32_t node_width(LeafCount n) noexcept {
    return n.value() == 0 ? 0 : 2 * (n.value() - 1) + 1;
}

std::uint32_t level(NodeIndex x) noexcept {
    return static_cast<std::uint32_t>(std::countr_one(x.value));
}

bool is_leaf(NodeIndex x) noexcept {
    return x.value % 2 == 0;
}

bool in_tree(NodeIndex x, LeafCount n) noexcept {
    return x.value < node_width(n);
}

std::optional<NodeIndex> to_node(LeafIndex leaf, LeafCount n) noexcept {
    if (leaf.value >= n.value()) return std::nullopt;
    return node(Wide{leaf.value} * 2);
}

std::optional<LeafIndex> to_leaf(NodeIndex x) noexcept {
    if (!is_leaf(x)) return std::nullopt;
    return LeafIndex{x.value / 2};
}

std::optional<NodeIndex> root(LeafCount n) noexcept {
    const std::uint32_t w = node_width(n);
    if (w == 0) return std::nullopt;
    // The largest 2^k - 1 not above w - 1: (1 << log2(w)) - 1 of Appendix C.
    return node(std::bit_floor(Wide{w}) - 1);
}

std::optional<NodeIndex> left(NodeIndex x, LeafCount n) noexcept {
    if (!in_tree(x, n) || is_leaf(x)) return std::nullopt;
    return node(left_step(x.value));
}

std::optional<NodeIndex> right(NodeIndex x, LeafCount n) noexcept {
    if (!in_tree(x, n) || is_leaf(x)) return std::nullopt;
    const int k = std::countr_one(x.value);
    Wide r = Wide{x.value} ^ (Wide{3} << (k - 1));
    // Left-balanced tree: a right subtree cut short by the end of the array is represented by
    // its leftmost present descendant. Never loops for a full tree.
    while (r >= node_width(n)) r = left_step(r);
    return node(r);
}

std::optional<NodeIndex> parent(NodeIndex x, LeafCount n) noexcept {
    if (!in_tree(x, n) || x == root(n)) return std::nullopt;
    Wide p = parent_step(x.value);
    while (p >= node_width(n)) p = parent_step(p);  // skip positions past the array's end
    return node(p);
}

std::optional<NodeIndex> sibling(NodeIndex x, LeafCount n) noexcept {
    const std::optional<NodeIndex> p = parent(x, n);
    if (!p) return std::nullopt;
    return x < *p ? right(*p, n) : left(*p, n);
}

std::optional<std::vector<NodeIndex>> direct_path(NodeIndex x, LeafCount n) {
    if (!in_tree(x, n)) return std::nullopt;
    std::vector<NodeIndex> path;
    for (std::optional<NodeIndex> p = parent(x, n); p; p = parent(*p, n)) path.push_back(*p);
    return path;
}

std::optional<std::vector<NodeIndex>> copath(NodeIndex x, LeafCount n) {
    std::optional<std::vector<NodeIndex>> path = direct_path(x, n);
    if (!path) return std::nullopt;
    std::vector<NodeIndex> out;
    out.reserve(path->size());
    // Siblings of x and of every direct-path node but the root (which has none).
    NodeIndex current = x;
    for (const NodeIndex p : *path) {
        out.push_back(*sibling(current, n));
        current = p;
    }
    return out;
}

std::optional<NodeIndex> common_ancestor(NodeIndex x, NodeIndex y, LeafCount n) {
    std::optional<std::vector<NodeIndex>> px = direct_path(x, n);
    std::optional<std::vector<NodeIndex>> py = direct_path(y, n);
    if (!px || !py) return std::nullopt;
    px->insert(px->begin(), x);
    py->insert(py->begin(), y);
    // Both paths end at the root; the first node of x's path that is also on y's is the lowest.
    for (const NodeIndex a : *px) {
        if (std::find(py->begin(), py->end(), a) != py->end()) return a;
    }
    return std::nullopt;  // unreachable: the root is on both paths
}

}  // namespace wardline::mls::tree_math
