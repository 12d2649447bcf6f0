// SPDX-License-Identifier: Apache-2.0
// Commits (RFC 9420 §12.2 – §12.4): validating and applying a proposal list, making a commit
// with its UpdatePath and Welcome, and processing another member's commit.
#include "common/mls/group.hpp"

#include "common/mls/external_sender.hpp"
#include "common/mls/leaf_validation.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/transcript.hpp"
#include "common/mls/welcome.hpp"

#include <algorithm>
#include <set>

namespace wardline::mls {

namespace tm = tree_math;

namespace {

// Private keys of nodes that a commit blanked are of no further use: forget them (§9.2).
void forget_blank_keys(const GroupTree& tree, TreePrivateKeys& keys) {
    const auto path = tm::direct_path(tm::NodeIndex{2 * keys.leaf().value}, tree.leaf_count());
    if (!path) return;
    for (const tm::NodeIndex p : *path) {
        if (tree.is_blank(p)) keys.erase(p);
    }
}

// §12.2: the proposal types an external commit may hold.
bool external_commit_may_hold(const Proposal& proposal) noexcept {
    return std::holds_alternative<ExternalInit>(proposal.body) ||
           std::holds_alternative<Remove>(proposal.body) ||
           std::holds_alternative<PreSharedKey>(proposal.body);
}

// The kem_output of an external commit (§12.4.3.2) once its proposal list follows §12.2:
// every proposal inline, exactly one ExternalInit, at most one Remove (the joiner's old leaf);
// and an UpdatePath. The other proposals' types are checked by apply_proposals.
Result<Bytes> external_commit_kem_output(const Commit& commit) {
    const ExternalInit* init = nullptr;
    bool removes = false;
    for (const ProposalOrRef& entry : commit.proposals) {
        const auto* proposal = std::get_if<Proposal>(&entry.content);
        if (proposal == nullptr) return Error::invalid_proposal;
        if (const auto* ei = std::get_if<ExternalInit>(&proposal->body)) {
            if (init != nullptr) return Error::invalid_proposal;
            init = ei;
        } else if (std::holds_alternative<Remove>(proposal->body)) {
            if (removes) return Error::invalid_proposal;
            removes = true;
        }
    }
    if (init == nullptr) return Error::invalid_proposal;
    if (!commit.path) return Error::invalid_commit;
    return init->kem_output;
}

}  // namespace

Result<Group::Applied> Group::apply_proposals(
    const std::vector<std::pair<Proposal, Sender>>& proposals, tm::LeafIndex committer) const {
    Applied out{tree_, context_.extensions, {}, {}, {}, {}, proposals.empty(), std::nullopt};
    const GroupContextExtensions* extensions = nullptr;
    std::vector<std::pair<tm::LeafIndex, const LeafNode*>> updates;
    std::set<std::uint32_t> changed;  // leaves updated or removed: at most one change each
    std::set<Bytes> psk_ids;
    std::vector<const KeyPackage*> adds;

    for (const auto& [proposal, sender] : proposals) {
        if (sender.sender_type == SenderType::external) {
            if (!external_sender_may_propose(proposal)) return Error::invalid_proposal;
        } else if (sender.sender_type == SenderType::new_member_commit) {
            if (!external_commit_may_hold(proposal)) return Error::invalid_proposal;
        } else if (sender.sender_type != SenderType::member) {
            return Error::unsupported;
        }
        const tm::LeafIndex from{sender.leaf_index};
        if (const auto* reinit = std::get_if<ReInit>(&proposal.body)) {
            // §12.2: a ReInit is alone in its commit; §11.2: to a version and suite we speak.
            if (proposals.size() != 1 || reinit->version != ProtocolVersion::mls10 ||
                suite_for(reinit->cipher_suite) == nullptr) {
                return Error::invalid_proposal;
            }
            out.reinit = *reinit;
        } else if (std::holds_alternative<ExternalInit>(proposal.body)) {
            // §12.2: only in an external commit, whose processing uses it for the key schedule.
            if (sender.sender_type != SenderType::new_member_commit) return Error::invalid_proposal;
            out.path_required = true;
        } else if (const auto* gce = std::get_if<GroupContextExtensions>(&proposal.body)) {
            if (extensions != nullptr) return Error::invalid_proposal;
            extensions = gce;
            out.path_required = true;
        } else if (const auto* update = std::get_if<Update>(&proposal.body)) {
            // §12.1.2: only for the sender's own leaf, never the committer's (its path does it).
            if (from == committer || tree_.leaf(from) == nullptr ||
                !changed.insert(from.value).second) {
                return Error::invalid_proposal;
            }
            const LeafNode& leaf = update->leaf_node;
            if (leaf.leaf_node_source != LeafNodeSource::update) return Error::invalid_proposal;
            auto tbs = leaf_node_tbs(leaf, context_.group_id, from.value);
            if (!tbs) return tbs.error();
            if (!verify_with_label(*cs_, leaf.signature_key, "LeafNodeTBS", *tbs, leaf.signature)) {
                return Error::invalid_signature;
            }
            if (!credential_ok(leaf)) return Error::invalid_key_package;
            updates.emplace_back(from, &leaf);
            out.path_required = true;
        } else if (const auto* remove = std::get_if<Remove>(&proposal.body)) {
            const tm::LeafIndex target{remove->removed};
            if (target == committer || tree_.leaf(target) == nullptr ||
                !changed.insert(target.value).second) {
                return Error::invalid_proposal;
            }
            out.removed.push_back(target);
            out.path_required = true;
        } else if (const auto* add = std::get_if<Add>(&proposal.body)) {
            if (auto valid = validate_key_package(*cs_, add->key_package); !valid) {
                return valid.error();
            }
            if (!credential_ok(add->key_package.leaf_node) ||
                !lifetime_current(add->key_package.leaf_node.lifetime)) {
                return Error::invalid_key_package;
            }
            adds.push_back(&add->key_package);
        } else if (const auto* psk = std::get_if<PreSharedKey>(&proposal.body)) {
            auto id = serialize(psk->psk);
            if (!id) return id.error();
            if (!psk_ids.insert(*id).second) return Error::invalid_proposal;
            // §8.6: a reinit PSK only in the successor group's first commit.
            if (psk->psk.psktype == PSKType::resumption &&
                psk->psk.usage == ResumptionPSKUsage::reinit && context_.epoch != 0) {
                return Error::invalid_proposal;
            }
            out.psks.push_back(psk->psk);
        }
    }

    // §12.3: GroupContextExtensions, then Update, Remove, Add; PSKs go to the key schedule.
    if (extensions != nullptr) out.extensions = extensions->extensions;
    for (const auto& [leaf, node] : updates) {
        if (auto ok = out.tree.update_leaf(leaf, *node); !ok) return ok.error();
        out.updated.push_back(leaf);
    }
    for (const tm::LeafIndex leaf : out.removed) {
        if (auto ok = out.tree.remove_leaf(leaf); !ok) return ok.error();
    }
    for (const KeyPackage* kp : adds) out.added.emplace_back(out.tree.add_leaf(kp->leaf_node), kp);
    if (!check_unique_keys(out.tree)) return Error::invalid_proposal;
    if (auto ok = check_capabilities(*cs_, out.tree, out.extensions); !ok) return ok.error();
    return out;
}

Result<CommitOutput> Group::commit(std::span<const Proposal> proposals,
                                   ByteView authenticated_data) const {
    if (reinit_) return Error::reinitialized;
    const tm::LeafIndex me = keys_.leaf();
    const Sender self{SenderType::member, me.value, 0};
    // The new proposals go inline and must be valid; the ones received this epoch go in by
    // reference, each as long as the list stays valid with it (§12.2: a committer leaves out
    // proposals that became invalid, e.g. the removal of a member already being removed).
    Commit body;
    std::vector<std::pair<Proposal, Sender>> resolved;
    // Applied points into `resolved`: it must not reallocate.
    resolved.reserve(proposals.size() + proposals_.size());
    for (const Proposal& p : proposals) {
        body.proposals.push_back(ProposalOrRef{p});
        resolved.emplace_back(p, self);
    }
    auto applied = apply_proposals(resolved, me);
    if (!applied) return applied.error();
    for (const auto& [ref, cached] : proposals_) {
        resolved.emplace_back(cached.proposal, cached.sender);
        auto with = apply_proposals(resolved, me);
        if (!with) {
            resolved.pop_back();
            continue;
        }
        body.proposals.push_back(ProposalOrRef{ref});
        applied = std::move(with);
    }

    Group next = *this;
    next.retire_epoch();
    next.tree_ = std::move(applied->tree);
    std::vector<tm::LeafIndex> excluded;
    for (const auto& added : applied->added) excluded.push_back(added.first);

    // §12.4.1: the path secrets are encrypted under the provisional GroupContext (next epoch,
    // new tree hash, new extensions, the confirmed transcript hash still the old one).
    GroupContext context = context_;
    context.epoch += 1;
    context.extensions = applied->extensions;
    auto path = create_update_path(*cs_, next.tree_, next.keys_, *tree_.leaf(me),
                                   signature_private_key_, context_.group_id, excluded,
                                   [&context](ByteView tree_hash) -> Result<Bytes> {
                                       context.tree_hash.assign(tree_hash.begin(), tree_hash.end());
                                       return serialize(context);
                                   });
    if (!path) return path.error();
    auto psk_secret = psk_secret_for(applied->psks);
    if (!psk_secret) return psk_secret.error();

    FramedContent content{context_.group_id, context_.epoch, self,
                          Bytes(authenticated_data.begin(), authenticated_data.end()), Commit{}};
    body.path = path->path;
    content.content = std::move(body);
    auto auth = sign_framed_content(*cs_, WireFormat::public_message, std::move(content), &context_,
                                    signature_private_key_);
    if (!auth) return auth.error();
    auto confirmed = confirmed_transcript_hash(*cs_, interim_transcript_hash_, *auth);
    if (!confirmed) return confirmed.error();
    context.confirmed_transcript_hash = *confirmed;
    if (auto ok = next.enter_epoch(context, path->commit_secret, *psk_secret, nullptr); !ok) {
        return ok.error();
    }
    Bytes tag = confirmation_tag(*cs_, next.secrets_.confirmation_key, *confirmed);
    auto interim = interim_transcript_hash(*cs_, *confirmed, tag);
    if (!interim) return interim.error();
    next.interim_transcript_hash_ = std::move(*interim);
    auth->auth.confirmation_tag = tag;
    auto message = protect_public(*cs_, *auth, context_, secrets_.membership_key);
    if (!message) return message.error();

    std::optional<MLSMessage> welcome;
    if (!applied->added.empty()) {
        auto tree = serialize(next.tree_.to_nodes());
        if (!tree) return tree.error();
        GroupInfo info{
            next.context_, {Extension{kExtensionRatchetTree, std::move(*tree)}}, tag, me.value, {}};
        if (auto ok = sign_group_info(*cs_, info, signature_private_key_); !ok) return ok.error();
        std::vector<WelcomeRecipient> recipients;
        for (const auto& [leaf, kp] : applied->added) {
            // §12.4.3.1: the path secret of the lowest common ancestor with the new member.
            GroupSecrets secrets{next.secrets_.joiner_secret, std::nullopt, applied->psks};
            const auto lca =
                tm::common_ancestor(tm::NodeIndex{2 * me.value}, tm::NodeIndex{2 * leaf.value},
                                    next.tree_.leaf_count());
            for (std::size_t i = 0; lca && i < path->filtered_path.size(); ++i) {
                if (path->filtered_path[i].node == *lca) {
                    secrets.path_secret = PathSecret{path->path_secrets[i]};
                }
            }
            recipients.push_back(WelcomeRecipient{kp, std::move(secrets)});
        }
        auto sealed = seal_welcome(*cs_, info, next.secrets_.welcome_secret, recipients);
        if (!sealed) return sealed.error();
        welcome = MLSMessage{ProtocolVersion::mls10, std::move(*sealed)};
    }

    next.reinit_ = applied->reinit;
    NewEpoch effect{next.context_.epoch, excluded, applied->removed,
                    applied->updated,    false,    applied->reinit};
    return CommitOutput{MLSMessage{ProtocolVersion::mls10, std::move(*message)}, std::move(welcome),
                        std::move(next), std::move(effect)};
}

Result<Processed> Group::process_commit(const AuthenticatedContent& auth) {
    const Sender& sender = auth.content.sender;
    const auto* commit = std::get_if<Commit>(&auth.content.content);
    if (commit == nullptr || !auth.auth.confirmation_tag) return Error::invalid_commit;
    const bool external = sender.sender_type == SenderType::new_member_commit;
    if (!external && sender.sender_type != SenderType::member) return Error::unsupported;
    // An external committer has no leaf yet: it gets one once the Removes are applied.
    tm::LeafIndex committer{external ? UINT32_MAX : sender.leaf_index};
    // Our own commit is adopted from CommitOutput::next, never processed.
    if (committer == keys_.leaf()) return Error::invalid_commit;
    // §8.3: an external commit's epoch starts from the init secret the joiner encapsulated to
    // this epoch's external key, not from this epoch's init_secret.
    Bytes init_secret = secrets_.init_secret;
    if (external) {
        auto kem_output = external_commit_kem_output(*commit);
        if (!kem_output) return kem_output.error();
        const LeafNode& joiner = commit->path->leaf_node;
        if (!credential_ok(joiner)) return Error::invalid_key_package;
        if (config_.external_join_policy && !config_.external_join_policy(joiner)) {
            return Error::invalid_sender;
        }
        auto secret = external_init_secret(*kem_output);
        if (!secret) return secret.error();
        init_secret = std::move(*secret);
    }

    std::vector<std::pair<Proposal, Sender>> resolved;
    std::set<Bytes> referenced;
    for (const ProposalOrRef& entry : commit->proposals) {
        if (const auto* inline_proposal = std::get_if<Proposal>(&entry.content)) {
            resolved.emplace_back(*inline_proposal, sender);
            continue;
        }
        const Bytes& ref = std::get<ProposalRef>(entry.content);
        if (!referenced.insert(ref).second) return Error::invalid_proposal;
        const auto it = proposals_.find(ref);
        if (it == proposals_.end()) return Error::unknown_proposal;
        resolved.emplace_back(it->second.proposal, it->second.sender);
    }
    auto applied = apply_proposals(resolved, committer);
    if (!applied) return applied.error();
    if (applied->path_required && !commit->path) return Error::invalid_commit;
    // §12.4.3.2: an external commit removes only the joiner's own earlier leaf (a resync):
    // the new leaf must pass as an Update of it, i.e. carry the same identity.
    if (external) {
        for (const tm::LeafIndex removed : applied->removed) {
            if (tree_.leaf(removed)->credential != commit->path->leaf_node.credential) {
                return Error::invalid_proposal;
            }
        }
    }
    // §12.4.3.2: the joiner's leaf goes where an Add would put it, after the Removes.
    if (external) committer = applied->tree.add_leaf(commit->path->leaf_node);

    NewEpoch effect{context_.epoch + 1, {},    applied->removed,
                    applied->updated,   false, applied->reinit};
    for (const auto& added : applied->added) effect.added.push_back(added.first);
    if (external) effect.added.push_back(committer);
    // Removed, even if an Add of the same commit has refilled the leaf.
    if (std::find(applied->removed.begin(), applied->removed.end(), keys_.leaf()) !=
        applied->removed.end()) {
        effect.removed_me = true;
        return effect;
    }

    Group next = *this;
    next.retire_epoch();
    next.tree_ = std::move(applied->tree);
    forget_blank_keys(next.tree_, next.keys_);
    // Our own Update proposal, applied by another member: our leaf has the key we kept.
    if (std::find(applied->updated.begin(), applied->updated.end(), keys_.leaf()) !=
        applied->updated.end()) {
        const auto key = pending_leaf_keys_.find(next.tree_.leaf(keys_.leaf())->encryption_key);
        if (key == pending_leaf_keys_.end()) return Error::invalid_proposal;
        next.keys_.set(tm::NodeIndex{2 * keys_.leaf().value}, key->second);
    }
    GroupContext context = context_;
    context.epoch += 1;
    context.extensions = applied->extensions;
    Bytes commit_secret(cs_->hash_length(), 0);
    if (commit->path) {
        if (!credential_ok(commit->path->leaf_node)) return Error::invalid_key_package;
        if (auto ok =
                merge_update_path(*cs_, next.tree_, committer, *commit->path, context_.group_id);
            !ok) {
            return ok.error();
        }
        if (!check_unique_keys(next.tree_)) return Error::invalid_update_path;
        if (auto ok = check_capabilities(*cs_, next.tree_, context.extensions); !ok) {
            return ok.error();
        }
        auto tree_hash = next.tree_.root_tree_hash(*cs_);
        if (!tree_hash) return tree_hash.error();
        context.tree_hash = std::move(*tree_hash);
        auto provisional = serialize(context);
        if (!provisional) return provisional.error();
        auto secrets = decrypt_update_path(*cs_, next.tree_, committer, *commit->path, next.keys_,
                                           *provisional, effect.added);
        if (!secrets) return secrets.error();
        commit_secret = std::move(secrets->commit_secret);
    } else {
        auto tree_hash = next.tree_.root_tree_hash(*cs_);
        if (!tree_hash) return tree_hash.error();
        context.tree_hash = std::move(*tree_hash);
    }
    auto psk_secret = psk_secret_for(applied->psks);
    if (!psk_secret) return psk_secret.error();
    auto confirmed = confirmed_transcript_hash(*cs_, interim_transcript_hash_, auth);
    if (!confirmed) return confirmed.error();
    context.confirmed_transcript_hash = *confirmed;
    next.secrets_.init_secret = std::move(init_secret);
    if (auto ok = next.enter_epoch(std::move(context), commit_secret, *psk_secret, nullptr); !ok) {
        return ok.error();
    }
    const Bytes& tag = *auth.auth.confirmation_tag;
    if (auto ok = verify_confirmation_tag(*cs_, next.secrets_.confirmation_key, *confirmed, tag);
        !ok) {
        return ok.error();
    }
    auto interim = interim_transcript_hash(*cs_, *confirmed, tag);
    if (!interim) return interim.error();
    next.interim_transcript_hash_ = std::move(*interim);
    next.reinit_ = applied->reinit;
    *this = std::move(next);
    return effect;
}

}  // namespace wardline::mls
