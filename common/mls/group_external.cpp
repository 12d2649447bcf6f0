// SPDX-License-Identifier: Apache-2.0
// Joining by external commit (RFC 9420 §12.4.3.2): a member publishes the epoch's GroupInfo
// with the external public key (§8.3); a new device encapsulates an init secret to that key,
// sends it in an ExternalInit proposal and commits itself into the group with an UpdatePath.
// The members' side of such a commit is in group_commit.cpp (process_commit).
#include "common/mls/group.hpp"

#include "common/mls/hpke.hpp"
#include "common/mls/leaf_validation.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/transcript.hpp"
#include "common/mls/welcome.hpp"

namespace wardline::mls {

namespace tm = tree_math;

namespace {

// §8.3: the init secret an external joiner exports from its HPKE context with the external key.
constexpr std::string_view kExternalInitLabel = "MLS 1.0 external init secret";

Result<Bytes> export_init_secret(const CipherSuite& cs, const HpkeContext& context) {
    return hpke_export(cs, context.exporter_secret, to_bytes(kExternalInitLabel), cs.hash_length());
}

// struct { HPKEPublicKey external_pub; } ExternalPub;  (§12.4.3.2)
Result<Extension> external_pub_extension(ByteView public_key) {
    Writer w;
    if (auto r = w.vector(public_key); !r) return r.error();
    return Extension{kExtensionExternalPub, w.take()};
}

Result<Bytes> external_pub_of(const GroupInfo& info) {
    const Extension* ext = find_extension(info.extensions, kExtensionExternalPub);
    if (ext == nullptr) return Error::missing_external_pub;
    Reader r(ext->extension_data);
    auto key = decode_opaque(r);
    if (!key) return key.error();
    if (auto end = r.expect_end(); !end) return end.error();
    return key;
}

}  // namespace

Result<MLSMessage> Group::group_info(bool with_ratchet_tree) const {
    auto external = external_key_pair(*cs_, secrets_.external_secret);
    if (!external) return external.error();
    auto external_pub = external_pub_extension(external->public_key);
    if (!external_pub) return external_pub.error();
    GroupInfo info;
    info.group_context = context_;
    info.extensions.push_back(std::move(*external_pub));
    if (with_ratchet_tree) {
        auto tree = serialize(tree_.to_nodes());
        if (!tree) return tree.error();
        info.extensions.push_back(Extension{kExtensionRatchetTree, std::move(*tree)});
    }
    // The tag of the commit that started this epoch: MAC(confirmation_key,
    // confirmed_transcript_hash) (§6.1), both of this epoch, so it need not be stored.
    info.confirmation_tag =
        confirmation_tag(*cs_, secrets_.confirmation_key, context_.confirmed_transcript_hash);
    info.signer = keys_.leaf().value;
    if (auto ok = sign_group_info(*cs_, info, signature_private_key_); !ok) return ok.error();
    return MLSMessage{ProtocolVersion::mls10, std::move(info)};
}

Result<Bytes> Group::external_init_secret(ByteView kem_output) const {
    // §8.3: the receiver decapsulates with the external private key of this epoch.
    auto external = external_key_pair(*cs_, secrets_.external_secret);
    if (!external) return external.error();
    auto context = hpke_setup_base_receiver(*cs_, kem_output, external->private_key, {});
    if (!context) return context.error();
    return export_init_secret(*cs_, *context);
}

Result<ExternalJoin> Group::join_external(const CipherSuite& cs, const GroupInfo& info,
                                          std::optional<RatchetTree> tree,
                                          const KeyPackageBundle& me, GroupConfig config,
                                          ByteView authenticated_data) {
    if (me.key_package.cipher_suite != cs.id()) return Error::invalid_value;
    Group g(cs, std::move(config), tm::LeafIndex{0});
    auto group_tree = g.verified_tree(info, std::move(tree));
    if (!group_tree) return group_tree.error();
    auto external_pub = external_pub_of(info);
    if (!external_pub) return external_pub.error();

    // §8.3: kem_output and init_secret from SetupBaseS(external_pub, "").
    auto hpke = hpke_setup_base_sender(cs, *external_pub, {});
    if (!hpke) return hpke.error();
    auto init_secret = export_init_secret(cs, *hpke);
    if (!init_secret) return init_secret.error();

    // §12.4.3.2: the joiner's leaf goes where an Add would put it; its UpdatePath replaces it
    // with a commit leaf under the provisional GroupContext (next epoch, new tree hash, the
    // confirmed transcript hash still the GroupInfo's).
    const GroupContext& current = info.group_context;
    LeafNode leaf_template = me.key_package.leaf_node;
    leaf_template.lifetime = {};  // a commit leaf has none (§7.2)
    g.tree_ = std::move(*group_tree);
    // A resync (§12.4.3.2): a device that lost its state and rejoins finds a leaf with its own
    // identity in the tree; the commit removes that leaf before adding the new one.
    std::optional<tm::LeafIndex> old_leaf;
    for (std::uint32_t i = 0; i < g.tree_.leaf_count().value() && !old_leaf; ++i) {
        const LeafNode* leaf = g.tree_.leaf(tm::LeafIndex{i});
        if (leaf != nullptr && leaf->credential == leaf_template.credential) {
            old_leaf = tm::LeafIndex{i};
        }
    }
    if (old_leaf) {
        if (auto ok = g.tree_.remove_leaf(*old_leaf); !ok) return ok.error();
    }
    g.keys_ = TreePrivateKeys(g.tree_.add_leaf(leaf_template));
    g.signature_private_key_ = me.signature_private_key;
    GroupContext context = current;
    context.epoch += 1;
    auto path =
        create_update_path(cs, g.tree_, g.keys_, leaf_template, me.signature_private_key,
                           current.group_id, {}, [&context](ByteView tree_hash) -> Result<Bytes> {
                               context.tree_hash.assign(tree_hash.begin(), tree_hash.end());
                               return serialize(context);
                           });
    if (!path) return path.error();
    // Members would refuse a joiner whose keys are already in the tree or whose capabilities
    // do not cover the group's (§7.3, §11.1).
    if (!check_unique_keys(g.tree_)) return Error::invalid_key_package;
    if (auto ok = check_capabilities(cs, g.tree_, current.extensions); !ok) return ok.error();

    Commit body;
    body.proposals.push_back(ProposalOrRef{Proposal{ExternalInit{hpke->enc}}});
    if (old_leaf) body.proposals.push_back(ProposalOrRef{Proposal{Remove{old_leaf->value}}});
    body.path = std::move(path->path);
    FramedContent content{
        current.group_id, current.epoch, Sender{SenderType::new_member_commit, 0, 0},
        Bytes(authenticated_data.begin(), authenticated_data.end()), std::move(body)};
    auto auth = sign_framed_content(cs, WireFormat::public_message, std::move(content), &current,
                                    me.signature_private_key);
    if (!auth) return auth.error();

    // §8.2: the interim transcript hash of the GroupInfo's epoch, which the joiner cannot
    // check (members check the new confirmation tag, which depends on it).
    auto interim =
        interim_transcript_hash(cs, current.confirmed_transcript_hash, info.confirmation_tag);
    if (!interim) return interim.error();
    auto confirmed = confirmed_transcript_hash(cs, *interim, *auth);
    if (!confirmed) return confirmed.error();
    context.confirmed_transcript_hash = *confirmed;
    g.secrets_.init_secret = std::move(*init_secret);
    const Bytes no_psk(cs.hash_length(), 0);
    if (auto ok = g.enter_epoch(std::move(context), path->commit_secret, no_psk, nullptr); !ok) {
        return ok.error();
    }
    Bytes tag = confirmation_tag(cs, g.secrets_.confirmation_key, *confirmed);
    auto next_interim = interim_transcript_hash(cs, *confirmed, tag);
    if (!next_interim) return next_interim.error();
    g.interim_transcript_hash_ = std::move(*next_interim);
    auth->auth.confirmation_tag = std::move(tag);
    // No membership tag: the sender is not a member yet (§6.2).
    auto message = protect_public(cs, *auth, current, {});
    if (!message) return message.error();
    return ExternalJoin{MLSMessage{ProtocolVersion::mls10, std::move(*message)}, std::move(g)};
}

}  // namespace wardline::mls
