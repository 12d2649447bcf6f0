// SPDX-License-Identifier: Apache-2.0
#include "common/mls/secret_tree.hpp"

#include "common/mls/struct_codec.hpp"

#include <algorithm>

namespace wardline::mls {

namespace tm = tree_math;

// ---- HashRatchet ----------------------------------------------------------------------------

HashRatchet::HashRatchet(const CipherSuite& cs, Bytes secret, RatchetLimits limits)
    : cs_(&cs), secret_(std::move(secret)), limits_(limits) {}

Result<RatchetKey> HashRatchet::derive_current() const {
    auto key = derive_tree_secret(*cs_, secret_, "key", generation_,
                                  static_cast<std::uint16_t>(cs_->aead().key_length()));
    if (!key) return key.error();
    auto nonce = derive_tree_secret(*cs_, secret_, "nonce", generation_,
                                    static_cast<std::uint16_t>(cs_->aead().nonce_length()));
    if (!nonce) return nonce.error();
    return RatchetKey{generation_, std::move(*key), std::move(*nonce)};
}

Result<void> HashRatchet::advance() {
    if (generation_ == UINT32_MAX) return Error::generation_too_far;
    auto next_secret = derive_tree_secret(*cs_, secret_, "secret", generation_,
                                          static_cast<std::uint16_t>(cs_->hash_length()));
    if (!next_secret) return next_secret.error();
    secret_ = std::move(*next_secret);  // the old secret's buffer is wiped on release
    ++generation_;
    return {};
}

Result<RatchetKey> HashRatchet::next() {
    auto current = derive_current();
    if (!current) return current.error();
    if (auto r = advance(); !r) return r.error();
    return current;
}

Result<RatchetKey> HashRatchet::get(std::uint32_t generation) {
    if (generation < generation_) {
        const auto it = skipped_.find(generation);
        if (it == skipped_.end()) return Error::generation_expired;
        return it->second;
    }
    if (generation - generation_ > limits_.max_forward) return Error::generation_too_far;
    while (generation_ <= generation) {
        auto current = derive_current();
        if (!current) return current.error();
        skipped_.insert_or_assign(current->generation, std::move(*current));
        if (auto r = advance(); !r) return r.error();
    }
    while (skipped_.size() > std::max<std::size_t>(limits_.max_skipped_keys, 1)) {
        if (skipped_.begin()->first == generation) break;  // never drop the key asked for
        skipped_.erase(skipped_.begin());
    }
    return skipped_.at(generation);
}

void HashRatchet::erase(std::uint32_t generation) {
    skipped_.erase(generation);
}

Result<void> HashRatchet::encode_state(Writer& w) const {
    w.u32(generation_);
    if (auto r = w.vector(secret_); !r) return r;
    return w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [generation, key] : skipped_) {
            out.u32(generation);
            if (auto r = out.vector(key.key); !r) return r;
            if (auto r = out.vector(key.nonce); !r) return r;
        }
        return {};
    });
}

Result<HashRatchet> HashRatchet::decode_state(const CipherSuite& cs, Reader& r,
                                              RatchetLimits limits) {
    auto generation = r.u32();
    if (!generation) return generation.error();
    auto secret = decode_opaque(r);
    if (!secret) return secret.error();
    if (secret->size() != cs.hash_length()) return Error::invalid_value;
    HashRatchet ratchet(cs, std::move(*secret), limits);
    ratchet.generation_ = *generation;
    auto skipped = r.vector_reader();
    if (!skipped) return skipped.error();
    while (!skipped->at_end()) {
        auto g = skipped->u32();
        if (!g) return g.error();
        auto key = decode_opaque(*skipped);
        if (!key) return key.error();
        auto nonce = decode_opaque(*skipped);
        if (!nonce) return nonce.error();
        if (*g >= ratchet.generation_ || key->size() != cs.aead().key_length() ||
            nonce->size() != cs.aead().nonce_length() ||
            !ratchet.skipped_.emplace(*g, RatchetKey{*g, std::move(*key), std::move(*nonce)})
                 .second) {
            return Error::invalid_value;
        }
    }
    return ratchet;
}

// ---- SecretTree -----------------------------------------------------------------------------

Result<SecretTree> SecretTree::create(const CipherSuite& cs, ByteView encryption_secret,
                                      tm::LeafCount leaves, RatchetLimits limits) {
    const auto root = tm::root(leaves);
    if (!root) return Error::invalid_leaf;
    SecretTree tree(cs, leaves, limits);
    tree.node_secrets_.resize(tm::node_width(leaves));
    tree.node_secrets_[root->value] = Bytes(encryption_secret.begin(), encryption_secret.end());
    return tree;
}

// §9: tree_node_[left]_secret = ExpandWithLabel(parent, "tree", "left", Nh), likewise "right";
// the parent's secret is deleted once both children have theirs.
Result<void> SecretTree::derive_leaf(tm::NodeIndex leaf_node) {
    // Climb to the lowest ancestor that still holds a secret, then walk back down.
    std::vector<tm::NodeIndex> path{leaf_node};
    while (!node_secrets_[path.back().value]) {
        const auto up = tm::parent(path.back(), leaves_);
        if (!up) return Error::generation_expired;  // already derived and deleted
        path.push_back(*up);
    }
    const auto nh = static_cast<std::uint16_t>(cs_->hash_length());
    for (std::size_t i = path.size() - 1; i > 0; --i) {
        const tm::NodeIndex node = path[i];
        const Bytes secret = std::move(*node_secrets_[node.value]);
        node_secrets_[node.value].reset();
        const auto l = tm::left(node, leaves_);
        const auto r = tm::right(node, leaves_);
        if (!l || !r) return Error::invalid_leaf;
        auto left_secret = expand_with_label(*cs_, secret, "tree", to_bytes("left"), nh);
        auto right_secret = expand_with_label(*cs_, secret, "tree", to_bytes("right"), nh);
        if (!left_secret) return left_secret.error();
        if (!right_secret) return right_secret.error();
        node_secrets_[l->value] = std::move(*left_secret);
        node_secrets_[r->value] = std::move(*right_secret);
    }
    return {};
}

Result<HashRatchet*> SecretTree::ratchet(tm::LeafIndex leaf, RatchetKind kind) {
    auto it = ratchets_.find(leaf.value);
    if (it == ratchets_.end()) {
        const auto node = tm::to_node(leaf, leaves_);
        if (!node) return Error::invalid_leaf;
        if (auto r = derive_leaf(*node); !r) return r.error();
        const Bytes leaf_secret = std::move(*node_secrets_[node->value]);
        node_secrets_[node->value].reset();
        const auto nh = static_cast<std::uint16_t>(cs_->hash_length());
        auto handshake = expand_with_label(*cs_, leaf_secret, "handshake", {}, nh);
        auto application = expand_with_label(*cs_, leaf_secret, "application", {}, nh);
        if (!handshake) return handshake.error();
        if (!application) return application.error();
        it = ratchets_
                 .emplace(leaf.value,
                          LeafRatchets{HashRatchet(*cs_, std::move(*handshake), limits_),
                                       HashRatchet(*cs_, std::move(*application), limits_)})
                 .first;
    }
    return kind == RatchetKind::handshake ? &it->second.handshake : &it->second.application;
}

Result<void> SecretTree::encode_state(Writer& w) const {
    w.u32(leaves_.value());
    auto secrets = w.vector_of([&](Writer& out) -> Result<void> {
        for (std::size_t i = 0; i < node_secrets_.size(); ++i) {
            if (!node_secrets_[i]) continue;
            out.u32(static_cast<std::uint32_t>(i));
            if (auto r = out.vector(*node_secrets_[i]); !r) return r;
        }
        return {};
    });
    if (!secrets) return secrets;
    return w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [leaf, pair] : ratchets_) {
            out.u32(leaf);
            if (auto r = pair.handshake.encode_state(out); !r) return r;
            if (auto r = pair.application.encode_state(out); !r) return r;
        }
        return {};
    });
}

Result<SecretTree> SecretTree::decode_state(const CipherSuite& cs, Reader& r, RatchetLimits limits,
                                            tm::LeafCount leaves) {
    auto count = r.u32();
    if (!count) return count.error();
    if (*count != leaves.value() || !tm::root(leaves)) return Error::invalid_value;
    SecretTree tree(cs, leaves, limits);
    tree.node_secrets_.resize(tm::node_width(leaves));
    auto secrets = r.vector_reader();
    if (!secrets) return secrets.error();
    while (!secrets->at_end()) {
        auto node = secrets->u32();
        if (!node) return node.error();
        auto secret = decode_opaque(*secrets);
        if (!secret) return secret.error();
        if (*node >= tree.node_secrets_.size() || tree.node_secrets_[*node] ||
            secret->size() != cs.hash_length()) {
            return Error::invalid_value;
        }
        tree.node_secrets_[*node] = std::move(*secret);
    }
    auto ratchets = r.vector_reader();
    if (!ratchets) return ratchets.error();
    while (!ratchets->at_end()) {
        auto leaf = ratchets->u32();
        if (!leaf) return leaf.error();
        auto handshake = HashRatchet::decode_state(cs, *ratchets, limits);
        if (!handshake) return handshake.error();
        auto application = HashRatchet::decode_state(cs, *ratchets, limits);
        if (!application) return application.error();
        if (*leaf >= leaves.value() ||
            !tree.ratchets_
                 .emplace(*leaf, LeafRatchets{std::move(*handshake), std::move(*application)})
                 .second) {
            return Error::invalid_value;
        }
    }
    return tree;
}

Result<RatchetKey> sender_data_key(const CipherSuite& cs, ByteView sender_data_secret,
                                   ByteView ciphertext) {
    const ByteView sample = ciphertext.first(std::min(ciphertext.size(), cs.hash_length()));
    auto key = expand_with_label(cs, sender_data_secret, "key", sample,
                                 static_cast<std::uint16_t>(cs.aead().key_length()));
    if (!key) return key.error();
    auto nonce = expand_with_label(cs, sender_data_secret, "nonce", sample,
                                   static_cast<std::uint16_t>(cs.aead().nonce_length()));
    if (!nonce) return nonce.error();
    return RatchetKey{0, std::move(*key), std::move(*nonce)};
}

}  // namespace wardline::mls
