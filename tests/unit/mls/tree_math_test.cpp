// SPDX-License-Identifier: Apache-2.0
// Tree math (RFC 9420 Appendix C): the "no such node" cases and the structure of left-balanced
// trees that tree-math.json (run by mls-conformance) does not cover.
#include "common/mls/tree_math.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace {

using namespace wardline::mls::tree_math;

LeafCount leaves(std::uint32_t n) {
    return LeafCount::make(n).value();
}
NodeIndex nd(std::uint32_t x) {
    return NodeIndex{x};
}

}  // namespace

namespace wardline::mls::tree_math {
// Found by ADL for gtest's printing of NodeIndex and optional<NodeIndex>.
void PrintTo(const NodeIndex& x, std::ostream* os) {
    *os << "node " << x.value;
}
}  // namespace wardline::mls::tree_math

namespace {

TEST(TreeMath, WidthRootAndLevelFollowAppendixC) {
    EXPECT_EQ(node_width(leaves(0)), 0u);
    EXPECT_EQ(node_width(leaves(1)), 1u);
    EXPECT_EQ(node_width(leaves(5)), 9u);
    EXPECT_EQ(node_width(leaves(kMaxLeaves)), 0xffffffffu);
    EXPECT_EQ(root(leaves(kMaxLeaves)), nd(0x7fffffff));
    EXPECT_EQ(root(leaves(5)), nd(7));
    EXPECT_EQ(root(leaves(3)), nd(3));
    EXPECT_EQ(level(nd(0)), 0u);
    EXPECT_EQ(level(nd(5)), 1u);
    EXPECT_EQ(level(nd(11)), 2u);
    EXPECT_EQ(level(nd(7)), 3u);
    EXPECT_TRUE(is_leaf(nd(6)));
    EXPECT_FALSE(is_leaf(nd(7)));
}

TEST(TreeMath, LeafCountAboveTwoToTheThirtyOneIsNotATree) {
    EXPECT_TRUE(LeafCount::make(kMaxLeaves).has_value());
    EXPECT_FALSE(LeafCount::make(kMaxLeaves + 1).has_value());
}

TEST(TreeMath, EmptyTreeHasNoNodes) {
    const LeafCount n = leaves(0);
    EXPECT_EQ(root(n), std::nullopt);
    EXPECT_EQ(parent(nd(0), n), std::nullopt);
    EXPECT_EQ(direct_path(nd(0), n), std::nullopt);
    EXPECT_EQ(to_node(LeafIndex{0}, n), std::nullopt);
}

TEST(TreeMath, NoSuchNodeCasesReturnNullopt) {
    const LeafCount n = leaves(4);               // nodes 0..6, root 3
    EXPECT_EQ(left(nd(2), n), std::nullopt);     // leaf
    EXPECT_EQ(right(nd(4), n), std::nullopt);    // leaf
    EXPECT_EQ(parent(nd(3), n), std::nullopt);   // root
    EXPECT_EQ(sibling(nd(3), n), std::nullopt);  // root
    EXPECT_EQ(parent(nd(7), n), std::nullopt);   // outside the tree
    EXPECT_EQ(left(nd(7), n), std::nullopt);     // outside the tree
    EXPECT_EQ(sibling(nd(8), n), std::nullopt);  // outside the tree
    EXPECT_EQ(copath(nd(9), n), std::nullopt);   // outside the tree
    EXPECT_EQ(common_ancestor(nd(0), nd(7), n), std::nullopt);
}

TEST(TreeMath, LeafAndNodeIndicesConvert) {
    const LeafCount n = leaves(4);
    EXPECT_EQ(to_node(LeafIndex{3}, n), nd(6));
    EXPECT_EQ(to_node(LeafIndex{4}, n), std::nullopt);
    EXPECT_EQ(to_leaf(nd(6)), LeafIndex{3});
    EXPECT_EQ(to_leaf(nd(5)), std::nullopt);
}

TEST(TreeMath, DirectPathAndCopathOfALeafInAnEightLeafTree) {
    const LeafCount n = leaves(8);  // root 7
    EXPECT_EQ(direct_path(nd(4), n), (std::vector<NodeIndex>{nd(5), nd(3), nd(7)}));
    EXPECT_EQ(copath(nd(4), n), (std::vector<NodeIndex>{nd(6), nd(1), nd(11)}));
    EXPECT_EQ(direct_path(nd(7), n), std::vector<NodeIndex>{});
    EXPECT_EQ(copath(nd(7), n), std::vector<NodeIndex>{});
    EXPECT_EQ(direct_path(nd(13), n), (std::vector<NodeIndex>{nd(11), nd(7)}));
    EXPECT_EQ(copath(nd(13), n), (std::vector<NodeIndex>{nd(9), nd(3)}));
}

TEST(TreeMath, CommonAncestorIsTheLowestSharedNode) {
    const LeafCount n = leaves(8);
    EXPECT_EQ(common_ancestor(nd(0), nd(2), n), nd(1));
    EXPECT_EQ(common_ancestor(nd(0), nd(6), n), nd(3));
    EXPECT_EQ(common_ancestor(nd(4), nd(14), n), nd(7));
    EXPECT_EQ(common_ancestor(nd(8), nd(14), n), nd(11));
    EXPECT_EQ(common_ancestor(nd(5), nd(5), n), nd(5));
    EXPECT_EQ(common_ancestor(nd(3), nd(6), n), nd(3));  // an ancestor of the other node
    EXPECT_EQ(common_ancestor(nd(6), nd(3), n), nd(3));
}

TEST(TreeMath, NonPowerOfTwoTreeSkipsMissingPositions) {
    // Three leaves: nodes 0..4, root 3; its right subtree is only leaf 4 (node 5 is missing).
    const LeafCount n = leaves(3);
    EXPECT_EQ(right(nd(3), n), nd(4));
    EXPECT_EQ(parent(nd(4), n), nd(3));
    EXPECT_EQ(sibling(nd(4), n), nd(1));
    EXPECT_EQ(sibling(nd(1), n), nd(4));
    EXPECT_EQ(direct_path(nd(4), n), std::vector<NodeIndex>{nd(3)});
}

// Structural check of every tree up to 70 leaves, full or not: parent and child functions agree,
// siblings are the other child, direct paths end at the root and copaths match them in length,
// and the common ancestor of two leaves is on both direct paths.
TEST(TreeMath, ParentChildAndSiblingAgreeInEveryTreeUpToSeventyLeaves) {
    for (std::uint32_t count = 1; count <= 70; ++count) {
        const LeafCount n = leaves(count);
        SCOPED_TRACE("n_leaves " + std::to_string(count));
        const NodeIndex r = root(n).value();
        for (std::uint32_t i = 0; i < node_width(n); ++i) {
            const NodeIndex x = nd(i);
            if (!is_leaf(x)) {
                const NodeIndex l = left(x, n).value();
                const NodeIndex rt = right(x, n).value();
                ASSERT_LT(l, x);
                ASSERT_GT(rt, x);
                ASSERT_EQ(parent(l, n), x);
                ASSERT_EQ(parent(rt, n), x);
                ASSERT_EQ(sibling(l, n), rt);
            }
            if (x == r) continue;
            const NodeIndex p = parent(x, n).value();
            ASSERT_TRUE(left(p, n) == x || right(p, n) == x);
            const std::vector<NodeIndex> path = direct_path(x, n).value();
            ASSERT_FALSE(path.empty());
            ASSERT_EQ(path.back(), r);
            ASSERT_EQ(copath(x, n).value().size(), path.size());
        }
        for (std::uint32_t a = 0; a < count; a += 3) {
            const NodeIndex xa = to_node(LeafIndex{a}, n).value();
            const NodeIndex xb = to_node(LeafIndex{count - 1}, n).value();
            const NodeIndex c = common_ancestor(xa, xb, n).value();
            if (xa == xb) {
                ASSERT_EQ(c, xa);
                continue;
            }
            ASSERT_LT(xa, c);
            ASSERT_LT(c, xb);
        }
    }
}

}  // namespace
