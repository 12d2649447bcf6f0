// SPDX-License-Identifier: Apache-2.0
#include "common/mls/treekem.hpp"

#include "common/mls/struct_codec.hpp"

#include <sodium.h>

#include <algorithm>

namespace wardline::mls {

namespace tm = tree_math;

namespace {

constexpr std::string_view kUpdatePathLabel = "UpdatePathNode";

bool in_subtree(tm::NodeIndex x, tm::NodeIndex root) {
    const std::uint64_t span = std::uint64_t{1} << tm::level(root);
    return x.value + span > root.value && x.value < root.value + span;
}

const Bytes* node_public_key(const GroupTree& tree, tm::NodeIndex node) {
    if (tm::is_leaf(node)) {
        const LeafNode* leaf = tree.leaf(tm::LeafIndex{node.value / 2});
        return leaf != nullptr ? &leaf->encryption_key : nullptr;
    }
    const ParentNode* parent = tree.parent_node(node);
    return parent != nullptr ? &parent->encryption_key : nullptr;
}

// The resolution of a copath child without the leaves added by this commit (§12.4.2).
std::vector<tm::NodeIndex> recipients(const GroupTree& tree, tm::NodeIndex copath_child,
                                      std::span<const tm::LeafIndex> excluded) {
    std::vector<tm::NodeIndex> out = tree.resolution(copath_child);
    std::erase_if(out, [&](tm::NodeIndex n) {
        return std::any_of(excluded.begin(), excluded.end(),
                           [&](tm::LeafIndex l) { return n.value == 2 * l.value; });
    });
    return out;
}

// Blanks the sender's direct path, sets the new parent nodes (keys from the UpdatePath), and
// fills in their parent hashes top-down (§7.9). Returns the parent hash the leaf must carry.
Result<Bytes> set_path_nodes(const CipherSuite& cs, GroupTree& tree, tm::LeafIndex leaf,
                             const std::vector<FilteredPathNode>& fdp,
                             const std::vector<UpdatePathNode>& nodes) {
    const auto direct = tm::direct_path(tm::NodeIndex{2 * leaf.value}, tree.leaf_count());
    if (!direct) return Error::invalid_leaf;
    for (const tm::NodeIndex p : *direct) tree.blank(p);
    for (std::size_t i = 0; i < fdp.size(); ++i) {
        tree.set_parent(fdp[i].node, ParentNode{nodes[i].encryption_key, {}, {}});
    }
    Bytes above;  // the parent hash of the node above: empty for the root of the path
    for (std::size_t i = fdp.size(); i-- > 0;) {
        ParentNode node = *tree.parent_node(fdp[i].node);
        node.parent_hash = above;
        tree.set_parent(fdp[i].node, std::move(node));
        auto hash = tree.parent_hash(cs, fdp[i].node, fdp[i].copath_child);
        if (!hash) return hash.error();
        above = std::move(*hash);
    }
    return above;
}

}  // namespace

void TreePrivateKeys::set(tm::NodeIndex node, Bytes private_key) {
    keys_.insert_or_assign(node.value, std::move(private_key));
}

Result<Bytes> TreePrivateKeys::set_from_path_secret(const CipherSuite& cs, tm::NodeIndex node,
                                                    ByteView path_secret) {
    auto node_secret = derive_secret(cs, path_secret, "node");
    if (!node_secret) return node_secret.error();
    auto pair = cs.kem().derive_key_pair(*node_secret);
    if (!pair) return pair.error();
    set(node, std::move(pair->private_key));
    return std::move(pair->public_key);
}

const Bytes* TreePrivateKeys::get(tm::NodeIndex node) const noexcept {
    const auto it = keys_.find(node.value);
    return it == keys_.end() ? nullptr : &it->second;
}

std::vector<FilteredPathNode> filtered_direct_path(const GroupTree& tree, tm::LeafIndex leaf) {
    const tm::NodeIndex node{2 * leaf.value};
    const auto direct = tm::direct_path(node, tree.leaf_count());
    const auto copath = tm::copath(node, tree.leaf_count());
    std::vector<FilteredPathNode> out;
    if (!direct || !copath) return out;
    for (std::size_t i = 0; i < direct->size(); ++i) {
        if (!tree.resolution((*copath)[i]).empty()) out.push_back({(*direct)[i], (*copath)[i]});
    }
    return out;
}

Result<void> merge_update_path(const CipherSuite& cs, GroupTree& tree, tm::LeafIndex sender,
                               const UpdatePath& path, ByteView group_id) {
    if (tree.leaf(sender) == nullptr) return Error::invalid_leaf;
    const auto fdp = filtered_direct_path(tree, sender);
    if (path.nodes.size() != fdp.size()) return Error::invalid_update_path;
    if (path.leaf_node.leaf_node_source != LeafNodeSource::commit) {
        return Error::invalid_update_path;
    }
    GroupTree next = tree;
    auto leaf_parent_hash = set_path_nodes(cs, next, sender, fdp, path.nodes);
    if (!leaf_parent_hash) return leaf_parent_hash.error();
    if (!equal_constant_time(*leaf_parent_hash, path.leaf_node.parent_hash)) {
        return Error::invalid_parent_hash;
    }
    next.set_leaf(sender, path.leaf_node);
    if (!next.verify_leaf_signature(cs, sender, group_id)) return Error::invalid_signature;
    tree = std::move(next);
    return {};
}

Result<PathSecrets> decrypt_update_path(const CipherSuite& cs, const GroupTree& tree,
                                        tm::LeafIndex sender, const UpdatePath& path,
                                        TreePrivateKeys& keys, ByteView group_context,
                                        std::span<const tm::LeafIndex> excluded) {
    const auto fdp = filtered_direct_path(tree, sender);
    if (path.nodes.size() != fdp.size()) return Error::invalid_update_path;
    const tm::NodeIndex me{2 * keys.leaf().value};
    const auto at = std::find_if(fdp.begin(), fdp.end(), [&](const FilteredPathNode& n) {
        return in_subtree(me, n.copath_child);
    });
    if (at == fdp.end() || keys.leaf() == sender) return Error::invalid_update_path;
    const auto first = static_cast<std::size_t>(at - fdp.begin());

    const std::vector<tm::NodeIndex> res = recipients(tree, at->copath_child, excluded);
    const auto& cts = path.nodes[first].encrypted_path_secret;
    if (cts.size() != res.size()) return Error::invalid_update_path;
    std::size_t j = 0;
    while (j < res.size() && keys.get(res[j]) == nullptr) ++j;
    if (j == res.size()) return Error::invalid_update_path;
    auto secret =
        decrypt_with_label(cs, *keys.get(res[j]), kUpdatePathLabel, group_context, cts[j]);
    if (!secret) return secret.error();

    TreePrivateKeys next = keys;
    const auto direct = tm::direct_path(tm::NodeIndex{2 * sender.value}, tree.leaf_count());
    for (const tm::NodeIndex p : *direct) next.erase(p);
    PathSecrets out{at->node, *secret, {}};
    Bytes path_secret = std::move(*secret);
    for (std::size_t i = first; i < fdp.size(); ++i) {
        auto pub = next.set_from_path_secret(cs, fdp[i].node, path_secret);
        if (!pub) return pub.error();
        if (!equal_constant_time(*pub, path.nodes[i].encryption_key)) {
            return Error::invalid_update_path;
        }
        auto up = derive_secret(cs, path_secret, "path");
        if (!up) return up.error();
        path_secret = std::move(*up);
    }
    out.commit_secret = std::move(path_secret);
    keys = std::move(next);
    return out;
}

Result<CreatedPath> create_update_path(
    const CipherSuite& cs, GroupTree& tree, TreePrivateKeys& keys, const LeafNode& leaf_template,
    ByteView signature_private_key, ByteView group_id, std::span<const tm::LeafIndex> excluded,
    const std::function<Result<Bytes>(ByteView tree_hash)>& group_context_for) {
    const tm::LeafIndex me = keys.leaf();
    if (tree.leaf(me) == nullptr) return Error::invalid_leaf;
    const auto fdp = filtered_direct_path(tree, me);

    // §7.4: path_secret[0] for the leaf is random; each next is DeriveSecret(previous, "path").
    TreePrivateKeys next_keys(me);
    std::vector<Bytes> path_secrets;
    Bytes secret(cs.hash_length());
    randombytes_buf(secret.data(), secret.size());
    auto leaf_public = next_keys.set_from_path_secret(cs, tm::NodeIndex{2 * me.value}, secret);
    if (!leaf_public) return leaf_public.error();
    CreatedPath out;
    for (const FilteredPathNode& n : fdp) {
        auto up = derive_secret(cs, secret, "path");
        if (!up) return up.error();
        secret = std::move(*up);
        auto pub = next_keys.set_from_path_secret(cs, n.node, secret);
        if (!pub) return pub.error();
        path_secrets.push_back(secret);
        out.path.nodes.push_back(UpdatePathNode{std::move(*pub), {}});
    }
    auto commit_secret = derive_secret(cs, secret, "path");
    if (!commit_secret) return commit_secret.error();
    out.commit_secret = std::move(*commit_secret);

    GroupTree next = tree;
    auto parent_hash = set_path_nodes(cs, next, me, fdp, out.path.nodes);
    if (!parent_hash) return parent_hash.error();
    LeafNode leaf = leaf_template;
    leaf.encryption_key = std::move(*leaf_public);
    leaf.leaf_node_source = LeafNodeSource::commit;
    leaf.parent_hash = std::move(*parent_hash);
    auto tbs = leaf_node_tbs(leaf, group_id, me.value);
    if (!tbs) return tbs.error();
    auto signature = sign_with_label(cs, signature_private_key, "LeafNodeTBS", *tbs);
    if (!signature) return signature.error();
    leaf.signature = std::move(*signature);
    next.set_leaf(me, leaf);
    out.path.leaf_node = std::move(leaf);

    auto tree_hash = next.root_tree_hash(cs);
    if (!tree_hash) return tree_hash.error();
    auto context = group_context_for(*tree_hash);
    if (!context) return context.error();
    for (std::size_t i = 0; i < fdp.size(); ++i) {
        for (const tm::NodeIndex r : recipients(next, fdp[i].copath_child, excluded)) {
            const Bytes* pk = node_public_key(next, r);
            if (pk == nullptr) return Error::invalid_tree;
            auto ct = encrypt_with_label(cs, *pk, kUpdatePathLabel, *context, path_secrets[i]);
            if (!ct) return ct.error();
            out.path.nodes[i].encrypted_path_secret.push_back(std::move(*ct));
        }
    }
    out.filtered_path = fdp;
    out.path_secrets = std::move(path_secrets);
    tree = std::move(next);
    keys = std::move(next_keys);
    return out;
}

}  // namespace wardline::mls
