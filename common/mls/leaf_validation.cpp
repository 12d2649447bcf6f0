// SPDX-License-Identifier: Apache-2.0
#include "common/mls/leaf_validation.hpp"

#include <set>

namespace wardline::mls {

namespace tm = tree_math;

Result<void> validate_key_package(const CipherSuite& cs, const KeyPackage& key_package) {
    const LeafNode& leaf = key_package.leaf_node;
    if (key_package.version != ProtocolVersion::mls10 || key_package.cipher_suite != cs.id() ||
        leaf.leaf_node_source != LeafNodeSource::key_package ||
        equal_constant_time(key_package.init_key, leaf.encryption_key)) {
        return Error::invalid_key_package;
    }
    const auto leaf_tbs = leaf_node_tbs(leaf, {}, 0);
    if (!leaf_tbs) return leaf_tbs.error();
    if (!verify_with_label(cs, leaf.signature_key, "LeafNodeTBS", *leaf_tbs, leaf.signature)) {
        return Error::invalid_signature;
    }
    const auto tbs = key_package_tbs(key_package);
    if (!tbs) return tbs.error();
    if (!verify_with_label(cs, leaf.signature_key, "KeyPackageTBS", *tbs, key_package.signature)) {
        return Error::invalid_signature;
    }
    return {};
}

Result<void> check_unique_keys(const GroupTree& tree) {
    std::set<Bytes> signature_keys;
    std::set<Bytes> encryption_keys;
    for (std::uint32_t i = 0; i < tree.node_count(); ++i) {
        const tm::NodeIndex node{i};
        if (tm::is_leaf(node)) {
            const LeafNode* leaf = tree.leaf(tm::LeafIndex{i / 2});
            if (leaf == nullptr) continue;
            if (!signature_keys.insert(leaf->signature_key).second ||
                !encryption_keys.insert(leaf->encryption_key).second) {
                return Error::invalid_tree;
            }
        } else if (const ParentNode* parent = tree.parent_node(node); parent != nullptr) {
            if (!encryption_keys.insert(parent->encryption_key).second) return Error::invalid_tree;
        }
    }
    return {};
}

}  // namespace wardline::mls
