// SPDX-License-Identifier: Apache-2.0
// GroupTree refusals the vectors (run by mls-conformance) do not exercise: malformed trees, a
// parent hash or leaf signature altered by one bit, and changes to blank or absent leaves.
#include "common/mls/group_tree.hpp"
#include "common/mls/struct_codec.hpp"
#include "tests/unit/mls/mls_vectors.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

namespace tm = tree_math;

// The first suite-3 tree of tree-validation.json with at least one non-blank parent node.
RatchetTree tree_with_parents(Bytes& group_id) {
    for (const auto& v : test::load_vectors("tree-validation.json")) {
        if (v.at("cipher_suite").get<int>() != kSuite3) continue;
        RatchetTree nodes =
            deserialize_ratchet_tree(test::from_hex(v.at("tree").get<std::string>())).value();
        for (std::size_t i = 1; i < nodes.size(); i += 2) {
            if (nodes[i]) {
                group_id = test::from_hex(v.at("group_id").get<std::string>());
                return nodes;
            }
        }
    }
    throw std::runtime_error("no tree with parent nodes");
}

TEST(GroupTree, RefusesEmptyTreesTrailingBlanksAndNodesOfTheWrongKind) {
    Bytes group_id;
    RatchetTree nodes = tree_with_parents(group_id);
    EXPECT_EQ(GroupTree::from_nodes({}).error(), Error::invalid_tree);
    RatchetTree trailing = nodes;
    trailing.emplace_back();
    EXPECT_EQ(GroupTree::from_nodes(trailing).error(), Error::invalid_tree);
    RatchetTree swapped = nodes;
    std::size_t parent = 1;
    while (!swapped[parent]) parent += 2;
    std::swap(swapped[0], swapped[parent]);  // a parent at a leaf's index and vice versa
    EXPECT_EQ(GroupTree::from_nodes(swapped).error(), Error::invalid_tree);
    EXPECT_TRUE(GroupTree::from_nodes(nodes));
}

TEST(GroupTree, DetectsAParentHashOrLeafSignatureAlteredByOneBit) {
    const CipherSuite& cs = *suite_for(kSuite3);
    Bytes group_id;
    const RatchetTree nodes = tree_with_parents(group_id);
    const GroupTree intact = GroupTree::from_nodes(nodes).value();
    ASSERT_TRUE(intact.verify_parent_hashes(cs));
    ASSERT_TRUE(intact.verify_leaf_signature(cs, tm::LeafIndex{0}, group_id));

    for (std::size_t i = 1; i < nodes.size(); i += 2) {
        if (!nodes[i]) continue;
        RatchetTree altered = nodes;
        std::get<ParentNode>(altered[i]->content).encryption_key[0] ^= 0x01;
        EXPECT_EQ(GroupTree::from_nodes(altered).value().verify_parent_hashes(cs).error(),
                  Error::invalid_parent_hash)
            << "parent node " << i;
    }
    RatchetTree bad_sig = nodes;
    std::get<LeafNode>(bad_sig[0]->content).signature[5] ^= 0x80;
    const GroupTree forged = GroupTree::from_nodes(bad_sig).value();
    EXPECT_FALSE(forged.verify_leaf_signature(cs, tm::LeafIndex{0}, group_id));
    Bytes other_group = group_id;
    other_group.push_back(0);
    const LeafNode& leaf0 = *intact.leaf(tm::LeafIndex{0});
    if (leaf0.leaf_node_source != LeafNodeSource::key_package) {
        EXPECT_FALSE(intact.verify_leaf_signature(cs, tm::LeafIndex{0}, other_group))
            << "update and commit leaves are bound to their group";
    }
}

TEST(GroupTree, AddFillsTheLeftmostBlankRemoveTruncatesAndBlankLeavesAreRefused) {
    const CipherSuite& cs = *suite_for(kSuite3);
    Bytes group_id;
    const RatchetTree nodes = tree_with_parents(group_id);
    GroupTree tree = GroupTree::from_nodes(nodes).value();
    const LeafNode sample = *tree.leaf(tm::LeafIndex{0});
    const std::uint32_t leaves = tree.leaf_count().value();

    // Fill every blank leaf, then one more doubles the tree.
    std::uint32_t added = 0;
    while (true) {
        const tm::LeafIndex at = tree.add_leaf(sample);
        ++added;
        if (at.value >= leaves) {
            EXPECT_EQ(at.value, leaves);
            EXPECT_EQ(tree.leaf_count().value(), 2 * leaves);
            break;
        }
    }
    // Removing the last leaf shrinks the tree back.
    ASSERT_TRUE(tree.remove_leaf(tm::LeafIndex{leaves}));
    EXPECT_EQ(tree.leaf_count().value(), leaves);
    EXPECT_EQ(tree.remove_leaf(tm::LeafIndex{leaves}).error(), Error::invalid_leaf);
    EXPECT_EQ(tree.update_leaf(tm::LeafIndex{leaves + 5}, sample).error(), Error::invalid_leaf);
    EXPECT_TRUE(tree.root_tree_hash(cs));
}

}  // namespace
}  // namespace wardline::mls
