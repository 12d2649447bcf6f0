// SPDX-License-Identifier: Apache-2.0
// Creating and joining a group, application messages, and the dispatch of incoming messages.
// Commits (making and processing them) are in group_commit.cpp.
#include "common/mls/group.hpp"

#include "common/mls/external_sender.hpp"
#include "common/mls/leaf_validation.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/transcript.hpp"
#include "common/mls/welcome.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace wardline::mls {

namespace tm = tree_math;

namespace {

Result<Bytes> sign_leaf(const CipherSuite& cs, LeafNode& leaf, ByteView signature_private_key) {
    auto tbs = leaf_node_tbs(leaf, {}, 0);
    if (!tbs) return tbs.error();
    return sign_with_label(cs, signature_private_key, "LeafNodeTBS", *tbs);
}

Bytes zeros(const CipherSuite& cs) {
    return Bytes(cs.hash_length(), 0);
}

}  // namespace

Result<KeyPackageBundle> make_key_package(const CipherSuite& cs, Credential credential,
                                          const KeyPair& signature_key, std::uint64_t not_before,
                                          std::uint64_t not_after) {
    KeyPair init = cs.kem().generate_key_pair();
    KeyPair encryption = cs.kem().generate_key_pair();
    LeafNode leaf;
    leaf.encryption_key = encryption.public_key;
    leaf.signature_key = signature_key.public_key;
    leaf.credential = std::move(credential);
    leaf.capabilities.versions = {static_cast<std::uint16_t>(ProtocolVersion::mls10)};
    leaf.capabilities.cipher_suites = {cs.id()};
    leaf.capabilities.credentials = {static_cast<std::uint16_t>(CredentialType::basic)};
    leaf.leaf_node_source = LeafNodeSource::key_package;
    leaf.lifetime = Lifetime{not_before, not_after};
    auto leaf_signature = sign_leaf(cs, leaf, signature_key.private_key);
    if (!leaf_signature) return leaf_signature.error();
    leaf.signature = std::move(*leaf_signature);

    KeyPackage kp;
    kp.cipher_suite = cs.id();
    kp.init_key = init.public_key;
    kp.leaf_node = std::move(leaf);
    auto tbs = key_package_tbs(kp);
    if (!tbs) return tbs.error();
    auto signature = sign_with_label(cs, signature_key.private_key, "KeyPackageTBS", *tbs);
    if (!signature) return signature.error();
    kp.signature = std::move(*signature);
    return KeyPackageBundle{std::move(kp), std::move(init.private_key),
                            std::move(encryption.private_key), signature_key.private_key};
}

Result<Group> Group::create(const CipherSuite& cs, Bytes group_id, const KeyPackageBundle& creator,
                            GroupConfig config, std::vector<Extension> group_extensions) {
    if (auto valid = validate_key_package(cs, creator.key_package); !valid) return valid.error();
    Group g(cs, std::move(config), tm::LeafIndex{0});
    if (!g.credential_ok(creator.key_package.leaf_node)) return Error::invalid_key_package;
    g.tree_ = GroupTree::with_first_leaf(creator.key_package.leaf_node);
    g.keys_.set(tm::NodeIndex{0}, creator.encryption_private_key);
    g.signature_private_key_ = creator.signature_private_key;

    // §11: epoch 0 from a random init secret, an all-zero commit secret and no PSKs.
    GroupContext context;
    context.cipher_suite = cs.id();
    context.group_id = std::move(group_id);
    context.epoch = 0;
    auto tree_hash = g.tree_.root_tree_hash(cs);
    if (!tree_hash) return tree_hash.error();
    context.tree_hash = std::move(*tree_hash);
    context.extensions = std::move(group_extensions);
    g.secrets_.init_secret = Bytes(cs.hash_length());
    randombytes_buf(g.secrets_.init_secret.data(), g.secrets_.init_secret.size());
    if (auto entered = g.enter_epoch(std::move(context), zeros(cs), zeros(cs), nullptr); !entered) {
        return entered.error();
    }
    const Bytes tag = confirmation_tag(cs, g.secrets_.confirmation_key, {});
    auto interim = interim_transcript_hash(cs, {}, tag);
    if (!interim) return interim.error();
    g.interim_transcript_hash_ = std::move(*interim);
    return g;
}

Result<Group> Group::join(const CipherSuite& cs, const Welcome& welcome,
                          const KeyPackageBundle& bundle, std::optional<RatchetTree> tree,
                          GroupConfig config) {
    if (welcome.cipher_suite != cs.id() || bundle.key_package.cipher_suite != cs.id()) {
        return Error::invalid_value;
    }
    auto ref = key_package_ref(cs, bundle.key_package);
    if (!ref) return ref.error();
    auto secrets = open_group_secrets(cs, welcome, *ref, bundle.init_private_key);
    if (!secrets) return secrets.error();

    // The joiner has no earlier epochs: only external PSKs can be resolved.
    Group g(cs, std::move(config), tm::LeafIndex{0});
    auto psk_secret = g.psk_secret_for(secrets->psks);
    if (!psk_secret) return psk_secret.error();
    auto welcome_key_secret = welcome_secret(cs, secrets->joiner_secret, *psk_secret);
    if (!welcome_key_secret) return welcome_key_secret.error();
    auto info = open_group_info(cs, welcome, *welcome_key_secret);
    if (!info) return info.error();
    const GroupContext& context = info->group_context;
    // §8.6: a reinit PSK belongs to the successor group's first epoch only.
    for (const PreSharedKeyID& id : secrets->psks) {
        if (id.psktype == PSKType::resumption && id.usage == ResumptionPSKUsage::reinit &&
            context.epoch != 1) {
            return Error::invalid_proposal;
        }
    }
    auto group_tree = g.verified_tree(*info, std::move(tree));
    if (!group_tree) return group_tree.error();
    std::optional<tm::LeafIndex> me;
    for (std::uint32_t i = 0; i < group_tree->leaf_count().value(); ++i) {
        const LeafNode* leaf = group_tree->leaf(tm::LeafIndex{i});
        if (leaf != nullptr && *leaf == bundle.key_package.leaf_node) me = tm::LeafIndex{i};
    }
    if (!me) return Error::invalid_tree;

    g.keys_ = TreePrivateKeys(*me);
    g.keys_.set(tm::NodeIndex{2 * me->value}, bundle.encryption_private_key);
    g.signature_private_key_ = bundle.signature_private_key;
    g.tree_ = std::move(*group_tree);
    if (secrets->path_secret) {
        // §12.4.3.1: the path secret is that of the lowest common ancestor with the committer;
        // the ones above it follow along the committer's (filtered) direct path.
        const auto lca = tm::common_ancestor(tm::NodeIndex{2 * me->value},
                                             tm::NodeIndex{2 * info->signer}, g.tree_.leaf_count());
        if (!lca || tm::is_leaf(*lca)) return Error::invalid_tree;
        Bytes path_secret = secrets->path_secret->path_secret;
        std::optional<tm::NodeIndex> node = *lca;
        while (node) {
            if (const ParentNode* parent = g.tree_.parent_node(*node)) {
                auto pub = g.keys_.set_from_path_secret(cs, *node, path_secret);
                if (!pub) return pub.error();
                if (!equal_constant_time(*pub, parent->encryption_key)) return Error::invalid_tree;
                auto up = derive_secret(cs, path_secret, "path");
                if (!up) return up.error();
                path_secret = std::move(*up);
            } else if (*node == *lca) {
                return Error::invalid_tree;
            }
            node = tm::parent(*node, g.tree_.leaf_count());
        }
    }

    if (auto entered = g.enter_epoch(context, {}, *psk_secret, &secrets->joiner_secret); !entered) {
        return entered.error();
    }
    if (auto ok =
            verify_confirmation_tag(cs, g.secrets_.confirmation_key,
                                    context.confirmed_transcript_hash, info->confirmation_tag);
        !ok) {
        return ok.error();
    }
    auto interim =
        interim_transcript_hash(cs, context.confirmed_transcript_hash, info->confirmation_tag);
    if (!interim) return interim.error();
    g.interim_transcript_hash_ = std::move(*interim);
    return g;
}

Result<GroupTree> Group::verified_tree(const GroupInfo& info,
                                       std::optional<RatchetTree> tree) const {
    const GroupContext& context = info.group_context;
    if (context.version != ProtocolVersion::mls10 || context.cipher_suite != cs_->id()) {
        return Error::invalid_value;
    }
    // §12.4.3.3: the tree from the ratchet_tree extension, else the one given.
    if (const Extension* ext = find_extension(info.extensions, kExtensionRatchetTree)) {
        auto nodes = deserialize_ratchet_tree(ext->extension_data);
        if (!nodes) return nodes.error();
        tree = std::move(*nodes);
    }
    if (!tree) return Error::invalid_tree;
    auto group_tree = GroupTree::from_nodes(std::move(*tree));
    if (!group_tree) return group_tree.error();
    auto tree_hash = group_tree->root_tree_hash(*cs_);
    if (!tree_hash) return tree_hash.error();
    if (!equal_constant_time(*tree_hash, context.tree_hash)) return Error::invalid_tree;
    if (auto ok = group_tree->verify_parent_hashes(*cs_); !ok) return ok.error();
    if (auto ok = check_unique_keys(*group_tree); !ok) return ok.error();
    if (auto ok = check_capabilities(*cs_, *group_tree, context.extensions); !ok) {
        return ok.error();
    }
    for (std::uint32_t i = 0; i < group_tree->leaf_count().value(); ++i) {
        const LeafNode* leaf = group_tree->leaf(tm::LeafIndex{i});
        if (leaf == nullptr) continue;
        if (!group_tree->verify_leaf_signature(*cs_, tm::LeafIndex{i}, context.group_id)) {
            return Error::invalid_signature;
        }
        if (!credential_ok(*leaf)) return Error::invalid_key_package;
    }
    const LeafNode* signer = group_tree->leaf(tm::LeafIndex{info.signer});
    if (signer == nullptr) return Error::invalid_tree;
    if (!verify_group_info_signature(*cs_, info, signer->signature_key)) {
        return Error::invalid_signature;
    }
    return group_tree;
}

Result<Processed> Group::process(const MLSMessage& message) {
    if (reinit_) return Error::reinitialized;
    if (message.version != ProtocolVersion::mls10) return Error::invalid_value;
    std::optional<AuthenticatedContent> content;
    if (const auto* pub = std::get_if<PublicMessage>(&message.body)) {
        if (pub->content.group_id != context_.group_id) return Error::wrong_group;
        if (pub->content.epoch != context_.epoch) return Error::wrong_epoch;
        auto signer = signature_key_of(pub->content);
        if (!signer) return signer.error();
        auto opened = unprotect_public(*cs_, *pub, context_, secrets_.membership_key, *signer);
        if (!opened) return opened.error();
        content = std::move(*opened);
    } else if (const auto* priv = std::get_if<PrivateMessage>(&message.body)) {
        if (priv->epoch < context_.epoch && priv->group_id == context_.group_id) {
            auto late = process_past_application(*priv);
            if (!late) return late.error();
            return std::move(*late);
        }
        const SignatureKeyLookup lookup = [this](tm::LeafIndex i) -> std::optional<Bytes> {
            const LeafNode* leaf = tree_.leaf(i);
            if (leaf == nullptr) return std::nullopt;
            return leaf->signature_key;
        };
        auto opened = unprotect_private(*cs_, *priv, context_, secrets_.sender_data_secret,
                                        *secret_tree_, lookup);
        if (!opened) return opened.error();
        if (auto* app = std::get_if<ApplicationData>(&opened->content.content.content)) {
            // unprotect_private found the sender's leaf for its signature key.
            return ApplicationMessage{opened->sender, std::move(app->data),
                                      std::move(opened->content.content.authenticated_data),
                                      tree_.leaf(opened->sender)->credential};
        }
        content = std::move(opened->content);
    } else {
        return Error::invalid_wire_format;
    }

    if (const auto* proposal = std::get_if<Proposal>(&content->content.content)) {
        if (proposal->proposal_type() == ProposalType::external_init) {
            return Error::invalid_proposal;  // only inline in an external commit (§12.1.6)
        }
        if (const Sender& sender = content->content.sender;
            sender.sender_type == SenderType::external &&
            (!external_sender_may_propose(*proposal) ||
             !(config_.external_proposal_policy
                   ? config_.external_proposal_policy(*proposal, sender.sender_index)
                   : proposal->proposal_type() == ProposalType::remove))) {
            return Error::invalid_proposal;
        }
        auto ref = cache_proposal(*content);
        if (!ref) return ref.error();
        return ProposalStored{std::move(*ref)};
    }
    return process_commit(*content);
}

Result<ApplicationMessage> Group::process_past_application(const PrivateMessage& message) {
    const auto past =
        std::find_if(past_epochs_.begin(), past_epochs_.end(),
                     [&](const PastEpoch& p) { return p.context.epoch == message.epoch; });
    if (past == past_epochs_.end()) return Error::wrong_epoch;
    const SignatureKeyLookup lookup = [&past](tm::LeafIndex i) -> std::optional<Bytes> {
        const auto sender = past->senders.find(i.value);
        if (sender == past->senders.end()) return std::nullopt;
        return sender->second.signature_key;
    };
    auto opened = unprotect_private(*cs_, message, past->context, past->sender_data_secret,
                                    past->secret_tree, lookup);
    if (!opened) return opened.error();
    // A proposal or commit of an ended epoch can change nothing any more.
    auto* app = std::get_if<ApplicationData>(&opened->content.content.content);
    if (app == nullptr) return Error::wrong_epoch;
    return ApplicationMessage{opened->sender, std::move(app->data),
                              std::move(opened->content.content.authenticated_data),
                              past->senders.at(opened->sender.value).credential};
}

void Group::retire_epoch() {
    if (config_.past_epochs_kept == 0 || !secret_tree_) {
        past_epochs_.clear();
        return;
    }
    PastEpoch past{context_, secrets_.sender_data_secret, *secret_tree_, {}};
    for (const tm::LeafIndex leaf : members()) {
        const LeafNode* node = tree_.leaf(leaf);
        past.senders.emplace(leaf.value, PastEpoch::Sender{node->signature_key, node->credential});
    }
    past_epochs_.push_back(std::move(past));
    while (past_epochs_.size() > config_.past_epochs_kept) past_epochs_.pop_front();
}

Result<Bytes> Group::signature_key_of(const FramedContent& content) const {
    const Sender& sender = content.sender;
    switch (sender.sender_type) {
        case SenderType::member: {
            const LeafNode* leaf = tree_.leaf(tm::LeafIndex{sender.leaf_index});
            if (leaf == nullptr) return Error::invalid_sender;
            return leaf->signature_key;
        }
        case SenderType::external: {
            auto senders = external_senders_of(context_.extensions);
            if (!senders) return senders.error();
            if (sender.sender_index >= senders->size()) return Error::invalid_sender;
            return std::move((*senders)[sender.sender_index].signature_key);
        }
        case SenderType::new_member_commit: {
            // §12.4.3.2: the joiner signs with the key of the leaf its UpdatePath brings.
            const auto* commit = std::get_if<Commit>(&content.content);
            if (commit == nullptr) return Error::invalid_sender;
            if (!commit->path) return Error::invalid_commit;
            return commit->path->leaf_node.signature_key;
        }
        case SenderType::new_member_proposal:
            break;
    }
    return Error::unsupported;
}

Result<MLSMessage> Group::propose(Proposal proposal, ByteView authenticated_data) {
    // An Update needs the new leaf's private key kept until the commit: commit({}) instead.
    if (std::holds_alternative<Update>(proposal.body) ||
        std::holds_alternative<ExternalInit>(proposal.body)) {
        return Error::invalid_proposal;
    }
    return publish_proposal(std::move(proposal), authenticated_data);
}

Result<MLSMessage> Group::propose_update(ByteView authenticated_data) {
    const tm::LeafIndex me = keys_.leaf();
    LeafNode leaf = *tree_.leaf(me);
    KeyPair fresh = cs_->kem().generate_key_pair();
    leaf.encryption_key = fresh.public_key;
    leaf.leaf_node_source = LeafNodeSource::update;
    leaf.parent_hash.clear();
    leaf.lifetime = {};
    auto tbs = leaf_node_tbs(leaf, context_.group_id, me.value);
    if (!tbs) return tbs.error();
    auto signature = sign_with_label(*cs_, signature_private_key_, "LeafNodeTBS", *tbs);
    if (!signature) return signature.error();
    leaf.signature = std::move(*signature);
    auto message = publish_proposal(Proposal{Update{std::move(leaf)}}, authenticated_data);
    if (!message) return message.error();
    pending_leaf_keys_.insert_or_assign(std::move(fresh.public_key), std::move(fresh.private_key));
    return message;
}

Result<MLSMessage> Group::publish_proposal(Proposal proposal, ByteView authenticated_data) {
    if (reinit_) return Error::reinitialized;
    const Sender self{SenderType::member, keys_.leaf().value, 0};
    // Refused now rather than at the commit: the proposal must be valid on its own.
    if (auto ok = apply_proposals({{proposal, self}}, tm::LeafIndex{UINT32_MAX}); !ok) {
        return ok.error();
    }
    FramedContent content{context_.group_id, context_.epoch, self,
                          Bytes(authenticated_data.begin(), authenticated_data.end()),
                          std::move(proposal)};
    auto auth = sign_framed_content(*cs_, WireFormat::public_message, std::move(content), &context_,
                                    signature_private_key_);
    if (!auth) return auth.error();
    auto message = protect_public(*cs_, *auth, context_, secrets_.membership_key);
    if (!message) return message.error();
    if (auto cached = cache_proposal(*auth); !cached) return cached.error();
    return MLSMessage{ProtocolVersion::mls10, std::move(*message)};
}

Result<Bytes> Group::cache_proposal(const AuthenticatedContent& content) {
    // §5.2: ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent).
    auto encoded = serialize(content);
    if (!encoded) return encoded.error();
    auto ref = ref_hash(*cs_, "MLS 1.0 Proposal Reference", *encoded);
    if (!ref) return ref.error();
    proposals_.insert_or_assign(
        *ref, CachedProposal{std::get<Proposal>(content.content.content), content.content.sender});
    return ref;
}

Result<Group::ReInitPsk> Group::reinit_psk() const {
    if (!reinit_) return Error::invalid_commit;
    PreSharedKeyID id;
    id.psktype = PSKType::resumption;
    id.usage = ResumptionPSKUsage::reinit;
    id.psk_group_id = context_.group_id;
    id.psk_epoch = context_.epoch;
    // The nonce is of the successor's hash length (§8.4); every supported suite has Nh = 32.
    const CipherSuite* successor = suite_for(reinit_->cipher_suite);
    id.psk_nonce = Bytes(successor->hash_length());
    randombytes_buf(id.psk_nonce.data(), id.psk_nonce.size());
    return ReInitPsk{{context_.group_id, context_.epoch},
                     secrets_.resumption_psk,
                     Proposal{PreSharedKey{std::move(id)}}};
}

Result<MLSMessage> Group::encrypt(ByteView data, ByteView authenticated_data) {
    if (reinit_) return Error::reinitialized;
    FramedContent content;
    content.group_id = context_.group_id;
    content.epoch = context_.epoch;
    content.sender = Sender{SenderType::member, keys_.leaf().value, 0};
    content.authenticated_data.assign(authenticated_data.begin(), authenticated_data.end());
    content.content = ApplicationData{Bytes(data.begin(), data.end())};
    auto signed_content = sign_framed_content(*cs_, WireFormat::private_message, std::move(content),
                                              &context_, signature_private_key_);
    if (!signed_content) return signed_content.error();
    auto message = protect_private(*cs_, *signed_content, context_, secrets_.sender_data_secret,
                                   *secret_tree_, config_.private_messages);
    if (!message) return message.error();
    return MLSMessage{ProtocolVersion::mls10, std::move(*message)};
}

Result<Bytes> Group::export_secret(std::string_view label, ByteView context,
                                   std::uint16_t length) const {
    return mls_export(*cs_, secrets_.exporter_secret, label, context, length);
}

std::vector<tm::LeafIndex> Group::members() const {
    std::vector<tm::LeafIndex> out;
    for (std::uint32_t i = 0; i < tree_.leaf_count().value(); ++i) {
        if (tree_.leaf(tm::LeafIndex{i}) != nullptr) out.push_back(tm::LeafIndex{i});
    }
    return out;
}

Result<Bytes> Group::psk_secret_for(const std::vector<PreSharedKeyID>& ids) const {
    std::vector<Bytes> encoded_ids;
    std::vector<Bytes> keys;
    for (const PreSharedKeyID& id : ids) {
        if (id.psk_nonce.size() != cs_->hash_length()) return Error::invalid_proposal;
        const Bytes* key = nullptr;
        if (id.psktype == PSKType::external) {
            const auto it = config_.external_psks.find(id.psk_id);
            if (it != config_.external_psks.end()) key = &it->second;
        } else if (id.usage == ResumptionPSKUsage::application &&
                   id.psk_group_id == context_.group_id) {
            const auto it = resumption_psks_.find(id.psk_epoch);
            if (it != resumption_psks_.end()) key = &it->second;
        } else if (id.usage == ResumptionPSKUsage::reinit) {
            // §11.2: the predecessor's last epoch, which the application hands over.
            const auto it =
                config_.other_groups_resumption_psks.find({id.psk_group_id, id.psk_epoch});
            if (it != config_.other_groups_resumption_psks.end()) key = &it->second;
        }
        if (key == nullptr) return Error::missing_psk;
        auto encoded = serialize(id);
        if (!encoded) return encoded.error();
        encoded_ids.push_back(std::move(*encoded));
        keys.push_back(*key);
    }
    std::vector<PskInput> inputs;
    for (std::size_t i = 0; i < keys.size(); ++i) inputs.push_back({encoded_ids[i], keys[i]});
    return psk_secret(*cs_, inputs);
}

Result<void> Group::enter_epoch(GroupContext context, ByteView commit_secret, ByteView psk_secret,
                                const Bytes* joiner_secret) {
    auto encoded = serialize(context);
    if (!encoded) return encoded.error();
    auto secrets =
        joiner_secret != nullptr
            ? derive_epoch_secrets_from_joiner(*cs_, *joiner_secret, psk_secret, *encoded)
            : derive_epoch_secrets(*cs_, secrets_.init_secret, commit_secret, psk_secret, *encoded);
    if (!secrets) return secrets.error();
    auto tree = SecretTree::create(*cs_, secrets->encryption_secret, tree_.leaf_count(),
                                   config_.ratchet_limits);
    if (!tree) return tree.error();
    secrets_ = std::move(*secrets);
    secret_tree_ = std::move(*tree);
    context_ = std::move(context);
    proposals_.clear();
    pending_leaf_keys_.clear();
    resumption_psks_.insert_or_assign(context_.epoch, secrets_.resumption_psk);
    while (resumption_psks_.size() > config_.resumption_psks_kept) {
        resumption_psks_.erase(resumption_psks_.begin());
    }
    return {};
}

bool Group::lifetime_current(const Lifetime& lifetime) const {
    const std::uint64_t now =
        config_.clock
            ? config_.clock()
            : static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    return lifetime.not_before <= now && now <= lifetime.not_after;
}

bool Group::credential_ok(const LeafNode& leaf) const {
    return !config_.credential_validator ||
           config_.credential_validator(leaf.credential, leaf.signature_key);
}

}  // namespace wardline::mls
