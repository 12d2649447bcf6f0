// SPDX-License-Identifier: Apache-2.0
#include "common/mls/group_tree.hpp"

#include "common/mls/struct_codec.hpp"

#include <algorithm>

namespace wardline::mls {

namespace tm = tree_math;

namespace {

std::uint32_t leaves_for_width(std::size_t nodes) {
    // The smallest power of two n with 2n - 1 >= nodes.
    std::uint32_t n = 1;
    while (2 * static_cast<std::uint64_t>(n) - 1 < nodes) n *= 2;
    return n;
}

// Is leaf node x (a node index) in the subtree under node `root`?
bool in_subtree(tm::NodeIndex x, tm::NodeIndex root) {
    const std::uint32_t lvl = tm::level(root);
    const std::uint64_t span = std::uint64_t{1} << lvl;  // half the subtree's node range
    return x.value + span > root.value && x.value < root.value + span;
}

}  // namespace

GroupTree GroupTree::with_first_leaf(LeafNode leaf) {
    std::vector<std::optional<Node>> nodes;
    nodes.emplace_back(Node{std::move(leaf)});
    return GroupTree(std::move(nodes), *tm::LeafCount::make(1));
}

Result<GroupTree> GroupTree::from_nodes(RatchetTree nodes) {
    if (nodes.empty() || !nodes.back()) return Error::invalid_tree;
    if (nodes.size() > tm::node_width(*tm::LeafCount::make(tm::kMaxLeaves))) {
        return Error::invalid_tree;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!nodes[i]) continue;
        const bool leaf_index = i % 2 == 0;
        if (leaf_index != (nodes[i]->node_type() == NodeType::leaf)) return Error::invalid_tree;
    }
    const auto leaves = *tm::LeafCount::make(leaves_for_width(nodes.size()));
    nodes.resize(tm::node_width(leaves));
    return GroupTree(std::move(nodes), leaves);
}

RatchetTree GroupTree::to_nodes() const {
    RatchetTree out(nodes_.begin(), nodes_.end());
    while (!out.empty() && !out.back()) out.pop_back();
    return out;
}

const LeafNode* GroupTree::leaf(tm::LeafIndex i) const noexcept {
    const auto node = tm::to_node(i, leaves_);
    if (!node || !nodes_[node->value]) return nullptr;
    return std::get_if<LeafNode>(&nodes_[node->value]->content);
}

const ParentNode* GroupTree::parent_node(tm::NodeIndex i) const noexcept {
    if (i.value >= nodes_.size() || !nodes_[i.value]) return nullptr;
    return std::get_if<ParentNode>(&nodes_[i.value]->content);
}

bool GroupTree::is_blank(tm::NodeIndex i) const noexcept {
    return i.value >= nodes_.size() || !nodes_[i.value];
}

std::vector<tm::NodeIndex> GroupTree::resolution(tm::NodeIndex i) const {
    if (i.value >= nodes_.size()) return {};
    if (nodes_[i.value]) {
        std::vector<tm::NodeIndex> out{i};
        if (const ParentNode* p = parent_node(i)) {
            for (const std::uint32_t leaf : p->unmerged_leaves)
                out.push_back(tm::NodeIndex{2 * leaf});
        }
        return out;
    }
    if (tm::is_leaf(i)) return {};
    std::vector<tm::NodeIndex> out = resolution(*tm::left(i, leaves_));
    const std::vector<tm::NodeIndex> right = resolution(*tm::right(i, leaves_));
    out.insert(out.end(), right.begin(), right.end());
    return out;
}

Result<Bytes> GroupTree::tree_hash(const CipherSuite& cs, tm::NodeIndex i) const {
    if (i.value >= nodes_.size()) return Error::invalid_leaf;
    return tree_hash_excluding(cs, i, {});
}

Result<Bytes> GroupTree::root_tree_hash(const CipherSuite& cs) const {
    return tree_hash(cs, *tm::root(leaves_));
}

// §7.8: TreeHashInput {NodeType; LeafNodeHashInput{uint32 leaf_index; optional<LeafNode>} or
// ParentNodeHashInput{optional<ParentNode>; opaque left_hash<V>; opaque right_hash<V>}}.
// Leaves in `removed_leaves` hash as blank and are left out of unmerged_leaves (§7.9).
Result<Bytes> GroupTree::tree_hash_excluding(const CipherSuite& cs, tm::NodeIndex i,
                                             const std::set<std::uint32_t>& removed_leaves) const {
    // The cache holds hashes without exclusions: usable if no excluded leaf is under node i.
    const std::uint32_t span = (std::uint32_t{1} << tm::level(i)) - 1;
    const auto first_excluded = removed_leaves.lower_bound((i.value - span) / 2);
    const bool cacheable =
        first_excluded == removed_leaves.end() || *first_excluded > (i.value + span) / 2;
    if (cacheable) {
        if (hash_cache_suite_ != cs.id() || hash_cache_.size() != nodes_.size()) {
            hash_cache_.assign(nodes_.size(), Bytes{});
            hash_cache_suite_ = cs.id();
        }
        if (!hash_cache_[i.value].empty()) return hash_cache_[i.value];
    }
    auto hash = tree_hash_uncached(cs, i, removed_leaves);
    if (hash && cacheable) hash_cache_[i.value] = *hash;
    return hash;
}

Result<Bytes> GroupTree::tree_hash_uncached(const CipherSuite& cs, tm::NodeIndex i,
                                            const std::set<std::uint32_t>& removed_leaves) const {
    Writer w;
    if (tm::is_leaf(i)) {
        const std::uint32_t leaf_index = i.value / 2;
        w.u8(static_cast<std::uint8_t>(NodeType::leaf));
        w.u32(leaf_index);
        const LeafNode* node =
            removed_leaves.contains(leaf_index) ? nullptr : leaf(tm::LeafIndex{leaf_index});
        if (node == nullptr) {
            w.u8(0);
        } else {
            w.u8(1);
            if (auto r = encode(w, *node); !r) return r.error();
        }
        return cs.hash(w.data());
    }
    auto left_hash = tree_hash_excluding(cs, *tm::left(i, leaves_), removed_leaves);
    if (!left_hash) return left_hash.error();
    auto right_hash = tree_hash_excluding(cs, *tm::right(i, leaves_), removed_leaves);
    if (!right_hash) return right_hash.error();
    w.u8(static_cast<std::uint8_t>(NodeType::parent));
    if (const ParentNode* p = parent_node(i)) {
        w.u8(1);
        if (removed_leaves.empty()) {
            if (auto r = encode(w, *p); !r) return r.error();
        } else {
            ParentNode filtered = *p;
            std::erase_if(filtered.unmerged_leaves,
                          [&](std::uint32_t l) { return removed_leaves.contains(l); });
            if (auto r = encode(w, filtered); !r) return r.error();
        }
    } else {
        w.u8(0);
    }
    if (auto r = w.vector(*left_hash); !r) return r.error();
    if (auto r = w.vector(*right_hash); !r) return r.error();
    return cs.hash(w.data());
}

Result<Bytes> GroupTree::parent_hash(const CipherSuite& cs, tm::NodeIndex p,
                                     tm::NodeIndex sibling) const {
    const ParentNode* node = parent_node(p);
    if (node == nullptr) return Error::invalid_tree;
    const std::set<std::uint32_t> removed(node->unmerged_leaves.begin(),
                                          node->unmerged_leaves.end());
    auto sibling_hash = tree_hash_excluding(cs, sibling, removed);
    if (!sibling_hash) return sibling_hash.error();
    Writer w;
    if (auto r = w.vector(node->encryption_key); !r) return r.error();
    if (auto r = w.vector(node->parent_hash); !r) return r.error();
    if (auto r = w.vector(*sibling_hash); !r) return r.error();
    return cs.hash(w.data());
}

const Bytes* GroupTree::carried_parent_hash(tm::NodeIndex i) const noexcept {
    if (i.value >= nodes_.size() || !nodes_[i.value]) return nullptr;
    if (const ParentNode* p = parent_node(i)) return &p->parent_hash;
    const auto* l = std::get_if<LeafNode>(&nodes_[i.value]->content);
    if (l != nullptr && l->leaf_node_source == LeafNodeSource::commit) return &l->parent_hash;
    return nullptr;
}

// §7.9.2: D's parent hash is valid with respect to P (children C on D's side, S the other) if
// D.parent_hash == ParentHash(P, S), D is in resolution(C), and P's unmerged leaves under C
// are exactly resolution(C) without D.
bool GroupTree::valid_with_respect_to(const CipherSuite& cs, tm::NodeIndex d, tm::NodeIndex p,
                                      tm::NodeIndex c, tm::NodeIndex s) const {
    const Bytes* carried = carried_parent_hash(d);
    if (carried == nullptr) return false;
    const auto expected = parent_hash(cs, p, s);
    if (!expected || !equal_constant_time(*expected, *carried)) return false;
    std::vector<tm::NodeIndex> rest = resolution(c);
    const auto at = std::find(rest.begin(), rest.end(), d);
    if (at == rest.end()) return false;
    rest.erase(at);
    std::vector<tm::NodeIndex> unmerged_under_c;
    for (const std::uint32_t leaf : parent_node(p)->unmerged_leaves) {
        const tm::NodeIndex node{2 * leaf};
        if (in_subtree(node, c)) unmerged_under_c.push_back(node);
    }
    std::sort(rest.begin(), rest.end());
    std::sort(unmerged_under_c.begin(), unmerged_under_c.end());
    return rest == unmerged_under_c;
}

Result<void> GroupTree::verify_parent_hashes(const CipherSuite& cs) const {
    for (std::uint32_t i = 1; i < nodes_.size(); i += 2) {
        const tm::NodeIndex p{i};
        if (is_blank(p)) continue;
        const tm::NodeIndex l = *tm::left(p, leaves_);
        const tm::NodeIndex r = *tm::right(p, leaves_);
        int matches = 0;
        for (const auto& [c, s] : {std::pair{l, r}, std::pair{r, l}}) {
            for (const tm::NodeIndex d : resolution(c)) {
                if (valid_with_respect_to(cs, d, p, c, s)) ++matches;
            }
        }
        if (matches != 1) return Error::invalid_parent_hash;
    }
    return {};
}

tm::LeafIndex GroupTree::add_leaf(LeafNode leaf) {
    std::uint32_t index = 0;
    while (index < leaves_.value() && !is_blank(tm::NodeIndex{2 * index})) ++index;
    if (index == leaves_.value()) {
        leaves_ = *tm::LeafCount::make(leaves_.value() * 2);
        resize_nodes(tm::node_width(leaves_));
    }
    const tm::NodeIndex node{2 * index};
    nodes_[node.value] = Node{std::move(leaf)};
    invalidate_hashes(node);  // and every ancestor, whose unmerged leaves change
    const auto path = tm::direct_path(node, leaves_);  // a named local: range-for does not
    for (const tm::NodeIndex p : *path) {              // extend the optional's lifetime
        if (!nodes_[p.value]) continue;
        auto& unmerged = std::get<ParentNode>(nodes_[p.value]->content).unmerged_leaves;
        unmerged.insert(std::upper_bound(unmerged.begin(), unmerged.end(), index), index);
    }
    return tm::LeafIndex{index};
}

void GroupTree::blank_direct_path(tm::NodeIndex leaf_node) {
    const auto path = tm::direct_path(leaf_node, leaves_);
    for (const tm::NodeIndex p : *path) nodes_[p.value].reset();
    invalidate_hashes(leaf_node);
}

Result<void> GroupTree::update_leaf(tm::LeafIndex i, LeafNode leaf) {
    if (this->leaf(i) == nullptr) return Error::invalid_leaf;
    const tm::NodeIndex node{2 * i.value};
    nodes_[node.value] = Node{std::move(leaf)};
    blank_direct_path(node);
    return {};
}

Result<void> GroupTree::remove_leaf(tm::LeafIndex i) {
    if (leaf(i) == nullptr) return Error::invalid_leaf;
    const tm::NodeIndex node{2 * i.value};
    nodes_[node.value].reset();
    blank_direct_path(node);
    truncate();
    return {};
}

// §7.7: while the right subtree of the root holds no non-blank leaf, drop it.
void GroupTree::truncate() {
    while (leaves_.value() > 1) {
        const std::uint32_t half = leaves_.value() / 2;
        bool right_blank = true;
        for (std::uint32_t l = half; l < leaves_.value() && right_blank; ++l) {
            right_blank = is_blank(tm::NodeIndex{2 * l});
        }
        if (!right_blank) return;
        leaves_ = *tm::LeafCount::make(half);
        resize_nodes(tm::node_width(leaves_));
    }
}

void GroupTree::set_leaf(tm::LeafIndex i, LeafNode leaf) {
    nodes_.at(2 * static_cast<std::size_t>(i.value)) = Node{std::move(leaf)};
    invalidate_hashes(tm::NodeIndex{2 * i.value});
}

void GroupTree::set_parent(tm::NodeIndex i, ParentNode parent) {
    nodes_.at(i.value) = Node{std::move(parent)};
    invalidate_hashes(i);
}

void GroupTree::blank(tm::NodeIndex i) {
    nodes_.at(i.value).reset();
    invalidate_hashes(i);
}

void GroupTree::invalidate_hashes(tm::NodeIndex i) const {
    if (hash_cache_.size() != nodes_.size()) {
        hash_cache_.clear();
        return;
    }
    for (std::optional<tm::NodeIndex> n = i; n; n = tm::parent(*n, leaves_)) {
        hash_cache_[n->value].clear();
    }
}

// The subtrees that stay keep their hashes: the array layout does not move them (§4.1).
void GroupTree::resize_nodes(std::uint32_t width) {
    nodes_.resize(width);
    if (!hash_cache_.empty()) hash_cache_.resize(width);
}

bool GroupTree::verify_leaf_signature(const CipherSuite& cs, tm::LeafIndex i,
                                      ByteView group_id) const {
    const LeafNode* node = leaf(i);
    if (node == nullptr) return false;
    const auto tbs = leaf_node_tbs(*node, group_id, i.value);
    return tbs && verify_with_label(cs, node->signature_key, "LeafNodeTBS", *tbs, node->signature);
}

}  // namespace wardline::mls
