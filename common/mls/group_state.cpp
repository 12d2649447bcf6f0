// SPDX-License-Identifier: Apache-2.0
// A member's stored group state: everything a Group holds, in the TLS presentation language.
//
//   uint16 format = 2; uint16 cipher_suite; GroupContext context;
//   optional<Node> ratchet_tree<V>; uint32 own_leaf; opaque signature_private_key<V>;
//   {uint32 node; opaque private_key<V>} tree_private_keys<V>;
//   opaque epoch_secrets[11]<V> (in EpochSecrets order); opaque interim_transcript_hash<V>;
//   SecretTree secret_tree (secret_tree.hpp);
//   {opaque ref<V>; Proposal proposal; Sender sender} proposals<V>;
//   {uint64 epoch; opaque psk<V>} resumption_psks<V>;
//   {opaque public_key<V>; opaque private_key<V>} pending_leaf_keys<V>;  (own Update proposals)
//   optional<ReInit> reinit;  (set once a ReInit commit ended the group)
//   {GroupContext context; opaque sender_data_secret<V>; uint32 leaf_count;
//    SecretTree secret_tree;
//    {uint32 leaf; opaque signature_key<V>; Credential credential} senders<V>}
//       past_epochs<V>;  (oldest first; format 2 only: format 1 has none)
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <array>

namespace wardline::mls {

namespace tm = tree_math;

namespace {

constexpr std::uint16_t kStateFormat = 2;
constexpr std::uint16_t kStateFormatWithoutPastEpochs = 1;  // still read

// EpochSecrets' fields in their stored order (const or not, as `s` is).
template <class Secrets>
auto fields_of(Secrets& s) {
    return std::array{&s.joiner_secret,       &s.welcome_secret,  &s.sender_data_secret,
                      &s.encryption_secret,   &s.exporter_secret, &s.external_secret,
                      &s.confirmation_key,    &s.membership_key,  &s.resumption_psk,
                      &s.epoch_authenticator, &s.init_secret};
}

}  // namespace

Result<std::deque<Group::PastEpoch>> Group::decode_past_epochs(const CipherSuite& cs, Reader& r,
                                                               const GroupConfig& config,
                                                               const GroupContext& current) {
    auto list = r.vector_reader();
    if (!list) return list.error();
    std::deque<PastEpoch> past;
    while (!list->at_end()) {
        auto context = decode_group_context(*list);
        if (!context) return context.error();
        // The same group, oldest first, each older than the current epoch.
        if (context->cipher_suite != cs.id() || context->group_id != current.group_id ||
            context->epoch >= current.epoch ||
            (!past.empty() && context->epoch <= past.back().context.epoch)) {
            return Error::invalid_value;
        }
        auto sender_data_secret = decode_opaque(*list);
        if (!sender_data_secret) return sender_data_secret.error();
        if (sender_data_secret->size() != cs.hash_length()) return Error::invalid_value;
        auto leaves = list->u32();
        if (!leaves) return leaves.error();
        const auto leaf_count = tm::LeafCount::make(*leaves);
        if (!leaf_count) return Error::invalid_value;
        auto secret_tree = SecretTree::decode_state(cs, *list, config.ratchet_limits, *leaf_count);
        if (!secret_tree) return secret_tree.error();
        PastEpoch epoch{
            std::move(*context), std::move(*sender_data_secret), std::move(*secret_tree), {}};
        auto senders = list->vector_reader();
        if (!senders) return senders.error();
        while (!senders->at_end()) {
            auto leaf = senders->u32();
            if (!leaf) return leaf.error();
            auto key = decode_opaque(*senders);
            if (!key) return key.error();
            auto credential = decode_credential(*senders);
            if (!credential) return credential.error();
            if (*leaf >= *leaves ||
                !epoch.senders
                     .emplace(*leaf, PastEpoch::Sender{std::move(*key), std::move(*credential)})
                     .second) {
                return Error::invalid_value;
            }
        }
        past.push_back(std::move(epoch));
    }
    if (past.size() > config.past_epochs_kept) {
        past.erase(past.begin(), past.begin() + static_cast<std::ptrdiff_t>(
                                                    past.size() - config.past_epochs_kept));
    }
    return past;
}

Result<Bytes> Group::serialize_state() const {
    Writer w;
    w.u16(kStateFormat);
    w.u16(cs_->id());
    if (auto r = encode(w, context_); !r) return r.error();
    if (auto r = encode(w, tree_.to_nodes()); !r) return r.error();
    w.u32(keys_.leaf().value);
    if (auto r = w.vector(signature_private_key_); !r) return r.error();
    auto keys = w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [node, key] : keys_.all()) {
            out.u32(node);
            if (auto r = out.vector(key); !r) return r;
        }
        return {};
    });
    if (!keys) return keys.error();
    for (const Bytes* field : fields_of(secrets_)) {
        if (auto r = w.vector(*field); !r) return r.error();
    }
    if (auto r = w.vector(interim_transcript_hash_); !r) return r.error();
    if (auto r = secret_tree_->encode_state(w); !r) return r.error();
    auto proposals = w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [ref, cached] : proposals_) {
            if (auto r = out.vector(ref); !r) return r;
            if (auto r = encode(out, cached.proposal); !r) return r;
            if (auto r = encode(out, cached.sender); !r) return r;
        }
        return {};
    });
    if (!proposals) return proposals.error();
    auto psks = w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [epoch, psk] : resumption_psks_) {
            out.u64(epoch);
            if (auto r = out.vector(psk); !r) return r;
        }
        return {};
    });
    if (!psks) return psks.error();
    auto pending = w.vector_of([&](Writer& out) -> Result<void> {
        for (const auto& [public_key, private_key] : pending_leaf_keys_) {
            if (auto r = out.vector(public_key); !r) return r;
            if (auto r = out.vector(private_key); !r) return r;
        }
        return {};
    });
    if (!pending) return pending.error();
    auto reinit =
        encode_optional(w, reinit_, [](Writer& out, const ReInit& v) { return encode(out, v); });
    if (!reinit) return reinit.error();
    auto past = w.vector_of([&](Writer& out) -> Result<void> {
        for (const PastEpoch& epoch : past_epochs_) {
            if (auto r = encode(out, epoch.context); !r) return r;
            if (auto r = out.vector(epoch.sender_data_secret); !r) return r;
            out.u32(epoch.secret_tree.leaf_count().value());
            if (auto r = epoch.secret_tree.encode_state(out); !r) return r;
            auto senders = out.vector_of([&](Writer& sender_out) -> Result<void> {
                for (const auto& [leaf, sender] : epoch.senders) {
                    sender_out.u32(leaf);
                    if (auto r = sender_out.vector(sender.signature_key); !r) return r;
                    if (auto r = encode(sender_out, sender.credential); !r) return r;
                }
                return {};
            });
            if (!senders) return senders;
        }
        return {};
    });
    if (!past) return past.error();
    return w.take();
}

Result<Group> Group::restore(ByteView state, GroupConfig config) {
    Reader r(state);
    auto format = r.u16();
    if (!format) return format.error();
    auto suite_id = r.u16();
    if (!suite_id) return suite_id.error();
    const CipherSuite* cs = suite_for(*suite_id);
    if ((*format != kStateFormat && *format != kStateFormatWithoutPastEpochs) || cs == nullptr) {
        return Error::invalid_value;
    }
    auto context = decode_group_context(r);
    if (!context) return context.error();
    if (context->cipher_suite != cs->id()) return Error::invalid_value;
    auto nodes = decode_ratchet_tree(r);
    if (!nodes) return nodes.error();
    auto tree = GroupTree::from_nodes(std::move(*nodes));
    if (!tree) return tree.error();
    auto own_leaf = r.u32();
    if (!own_leaf) return own_leaf.error();
    const LeafNode* leaf = tree->leaf(tm::LeafIndex{*own_leaf});
    if (leaf == nullptr) return Error::invalid_tree;
    auto tree_hash = tree->root_tree_hash(*cs);
    if (!tree_hash) return tree_hash.error();
    if (*tree_hash != context->tree_hash) return Error::invalid_tree;

    Group g(*cs, std::move(config), tm::LeafIndex{*own_leaf});
    auto signature_key = decode_opaque(r);
    if (!signature_key) return signature_key.error();
    auto public_key = cs->signature_public_key(*signature_key);
    if (!public_key || *public_key != leaf->signature_key) return Error::invalid_key;
    g.signature_private_key_ = std::move(*signature_key);
    auto keys = r.vector_reader();
    if (!keys) return keys.error();
    while (!keys->at_end()) {
        auto node = keys->u32();
        if (!node) return node.error();
        auto key = decode_opaque(*keys);
        if (!key) return key.error();
        if (*node >= tree->node_count() || key->size() != cs->kem().private_key_length()) {
            return Error::invalid_value;
        }
        g.keys_.set(tm::NodeIndex{*node}, std::move(*key));
    }
    for (Bytes* field : fields_of(g.secrets_)) {
        auto value = decode_opaque(r);
        if (!value) return value.error();
        if (value->size() != cs->hash_length()) return Error::invalid_value;
        *field = std::move(*value);
    }
    auto interim = decode_opaque(r);
    if (!interim) return interim.error();
    g.interim_transcript_hash_ = std::move(*interim);
    auto secret_tree =
        SecretTree::decode_state(*cs, r, g.config_.ratchet_limits, tree->leaf_count());
    if (!secret_tree) return secret_tree.error();
    g.secret_tree_ = std::move(*secret_tree);
    auto proposals = r.vector_reader();
    if (!proposals) return proposals.error();
    while (!proposals->at_end()) {
        auto ref = decode_opaque(*proposals);
        if (!ref) return ref.error();
        auto proposal = decode_proposal(*proposals);
        if (!proposal) return proposal.error();
        auto sender = decode_sender(*proposals);
        if (!sender) return sender.error();
        g.proposals_.insert_or_assign(std::move(*ref),
                                      CachedProposal{std::move(*proposal), *sender});
    }
    auto psks = r.vector_reader();
    if (!psks) return psks.error();
    while (!psks->at_end()) {
        auto epoch = psks->u64();
        if (!epoch) return epoch.error();
        auto psk = decode_opaque(*psks);
        if (!psk) return psk.error();
        g.resumption_psks_.insert_or_assign(*epoch, std::move(*psk));
    }
    auto pending = r.vector_reader();
    if (!pending) return pending.error();
    while (!pending->at_end()) {
        auto leaf_public = decode_opaque(*pending);
        if (!leaf_public) return leaf_public.error();
        auto private_key = decode_opaque(*pending);
        if (!private_key) return private_key.error();
        if (private_key->size() != cs->kem().private_key_length()) return Error::invalid_value;
        g.pending_leaf_keys_.insert_or_assign(std::move(*leaf_public), std::move(*private_key));
    }
    auto reinit = decode_optional(r, decode_re_init);
    if (!reinit) return reinit.error();
    g.reinit_ = std::move(*reinit);
    if (*format == kStateFormat) {
        auto past = decode_past_epochs(*cs, r, g.config_, *context);
        if (!past) return past.error();
        g.past_epochs_ = std::move(*past);
    }
    if (auto end = r.expect_end(); !end) return end.error();
    g.context_ = std::move(*context);
    g.tree_ = std::move(*tree);
    return g;
}

}  // namespace wardline::mls
