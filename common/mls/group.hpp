// SPDX-License-Identifier: Apache-2.0
// An MLS group as one member sees it (RFC 9420 §8, §11, §12): the public API of the library.
// A Group is a value: creating, joining, committing and processing return a new state or a
// refusal, and the caller keeps the old state until it adopts the new one (for a commit of its
// own: once the Delivery Service has accepted it). Handshake messages are sent as
// PublicMessage, so the Delivery Service can check membership changes; application messages
// are PrivateMessage.
#pragma once
#include "common/mls/framing.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/group_tree.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/key_schedule.hpp"
#include "common/mls/message_protection.hpp"
#include "common/mls/secret_tree.hpp"
#include "common/mls/treekem.hpp"

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <variant>

namespace wardline::mls {

/// A KeyPackage and the private keys behind it, kept by the device that made it.
struct KeyPackageBundle {
    KeyPackage key_package;
    Bytes init_private_key;
    Bytes encryption_private_key;
    Bytes signature_private_key;
};

/// A fresh KeyPackage (§10) for a device: new init and leaf HPKE keys, the given credential and
/// Ed25519 signature key pair, lifetime [not_before, not_after] in seconds since the epoch.
Result<KeyPackageBundle> make_key_package(const CipherSuite& cs, Credential credential,
                                          const KeyPair& signature_key, std::uint64_t not_before,
                                          std::uint64_t not_after);

/// What a Group needs from the application.
struct GroupConfig {
    /// Whether a credential with this signature key belongs to the device it names (§5.3.1);
    /// asked for every new or changed leaf. Unset: every credential is accepted.
    std::function<bool(const Credential&, ByteView signature_key)> credential_validator;
    /// The current time in seconds since the Unix epoch, for KeyPackage lifetimes (§7.3): an
    /// Add of a KeyPackage outside its lifetime is refused. Unset: the system clock.
    std::function<std::uint64_t()> clock;
    /// Which proposals of an external sender (by its index in the external_senders extension)
    /// this member accepts, within what §12.1.8.1 allows. Unset: only Remove — Wardline's
    /// server may take a device out of a group, never put one in.
    std::function<bool(const Proposal&, std::uint32_t sender_index)> external_proposal_policy;
    /// Whether this member accepts an external commit (§12.4.3.2) by which `joiner` — the
    /// commit's new leaf — joins the group. A refusal is invalid_sender. Unset: every external
    /// join is accepted; credential_validator runs on the joiner's leaf either way.
    std::function<bool(const LeafNode& joiner)> external_join_policy;
    /// Resumption PSKs of other groups (§8.6) by (group_id, epoch): a group that succeeds one
    /// ended by ReInit names its predecessor's last resumption PSK (usage reinit) in its first
    /// commit, and every member of the new group needs it (see Group::reinit_psk).
    std::map<std::pair<Bytes, std::uint64_t>, Bytes> other_groups_resumption_psks;
    /// External pre-shared keys by psk_id.
    std::map<Bytes, Bytes> external_psks;
    RatchetLimits ratchet_limits;
    PrivateMessageOptions private_messages;
    /// How many past epochs' resumption PSKs are kept for PSK proposals (§8.6).
    std::size_t resumption_psks_kept = 8;
    /// How many past epochs can still decrypt application messages (§15.2: a message sent
    /// just before a commit may arrive after it). Each keeps only what decryption needs: the
    /// epoch's GroupContext, sender data secret, what is left of its secret tree (keys are
    /// deleted once used) and its members' signature keys. Handshake messages of a past epoch
    /// are refused (wrong_epoch). Fewer means stronger forward secrecy; 0 keeps none.
    std::size_t past_epochs_kept = 2;
};

/// A commit's effect as the receiver (or the committer) sees it.
struct NewEpoch {
    std::uint64_t epoch = 0;
    std::vector<tree_math::LeafIndex> added;
    std::vector<tree_math::LeafIndex> removed;
    std::vector<tree_math::LeafIndex> updated;
    bool removed_me = false;  ///< this member was removed: the group is no longer usable
    /// The commit ended the group (§11.2): its successor has these parameters.
    std::optional<ReInit> reinit;
};

/// A decrypted application message.
struct ApplicationMessage {
    tree_math::LeafIndex sender;
    Bytes data;
    Bytes authenticated_data;
    /// The sender's credential as its leaf held it in the message's epoch (a late message's
    /// sender may have left the leaf since).
    Credential credential;
};

/// A proposal kept for a later commit of this epoch (§12.2).
struct ProposalStored {
    Bytes reference;
};

using Processed = std::variant<NewEpoch, ApplicationMessage, ProposalStored>;

/// What committing produces: the message to send, the Welcome for new members (if any), and
/// the state to adopt once the Delivery Service has accepted the commit.
struct CommitOutput;

/// What joining by external commit produces: the commit to send to the group and the joiner's
/// state to adopt once the Delivery Service has accepted it.
struct ExternalJoin;

class Group {
public:
    /// A new group of one (§11): epoch 0 with the creator's leaf from its KeyPackage.
    static Result<Group> create(const CipherSuite& cs, Bytes group_id,
                                const KeyPackageBundle& creator, GroupConfig config = {},
                                std::vector<Extension> group_extensions = {});

    /// Joins from a Welcome (§12.4.3.1): `tree` if the Welcome's GroupInfo has no ratchet_tree
    /// extension. Checks the GroupInfo signature, the tree (hash, parent hashes, signatures)
    /// and the confirmation tag. not_for_us if the Welcome is not for this KeyPackage.
    static Result<Group> join(const CipherSuite& cs, const Welcome& welcome,
                              const KeyPackageBundle& bundle, std::optional<RatchetTree> tree,
                              GroupConfig config = {});

    /// Joins by external commit (§12.4.3.2), from a GroupInfo with an external_pub extension
    /// (see group_info()) instead of a Welcome: `tree` if the GroupInfo has no ratchet_tree
    /// extension. Checks the GroupInfo as join() does — its signature (invalid_signature), the
    /// tree's hash, parent hashes, leaf signatures, unique keys and credentials — except the
    /// confirmation tag, which only members can check. The joiner's leaf (credential,
    /// capabilities and signature key of `me`'s KeyPackage, fresh HPKE keys) goes where an Add
    /// would put it; the commit carries one ExternalInit and an UpdatePath from that leaf. If
    /// the tree still holds a leaf with the joiner's own credential (a device rejoining after
    /// losing its state), the commit also removes it (a resync).
    /// missing_external_pub if the GroupInfo has no external_pub extension.
    static Result<ExternalJoin> join_external(const CipherSuite& cs, const GroupInfo& info,
                                              std::optional<RatchetTree> tree,
                                              const KeyPackageBundle& me, GroupConfig config = {},
                                              ByteView authenticated_data = {});

    /// This epoch's GroupInfo (§12.4.3), signed by this member, as an MLSMessage: the
    /// GroupContext, the confirmation tag of the commit that started the epoch, an external_pub
    /// extension (§12.4.3.2) so that a new device can join by external commit and, if asked,
    /// the ratchet_tree extension. Whoever holds it can join the group: publish it only to
    /// those who may (Wardline: the user's own devices, through the server).
    Result<MLSMessage> group_info(bool with_ratchet_tree = true) const;

    /// Processes a handshake or application message of this group (§12.4.2). Proposals are
    /// kept for the commit that references them; a commit moves the group to the next epoch.
    /// An external commit (§12.4.3.2) must hold exactly one ExternalInit, at most one Remove,
    /// only inline proposals of the types ExternalInit, Remove and PreSharedKey, and an UpdatePath
    /// (invalid_proposal, invalid_commit otherwise); external_join_policy refusing the joiner is
    /// invalid_sender. Every refusal leaves the state as it was, except that an application
    /// message's key is used up once the message has been read.
    Result<Processed> process(const MLSMessage& message);

    /// A proposal for a later commit, by any member (§12.1): Add, Remove, PreSharedKey, ReInit or
    /// GroupContextExtensions, as a PublicMessage to send to the group. It is kept here too, so
    /// this member's next commit includes it. Refused as commit() would refuse it
    /// (invalid_proposal, invalid_key_package, ...); an Update is refused (invalid_proposal):
    /// a member updates itself with commit({}).
    Result<MLSMessage> propose(Proposal proposal, ByteView authenticated_data = {});

    /// An Update proposal (§12.1.2) for this member's own leaf: a fresh HPKE key, to be applied
    /// by another member's commit (a member's own commit updates it by its path instead). The
    /// private key is kept, in the stored state too, until the epoch ends.
    Result<MLSMessage> propose_update(ByteView authenticated_data = {});

    /// Commits `proposals` (adds, removes, PSKs, extensions) with an UpdatePath (§12.4.1),
    /// together with the proposals received this epoch (by reference) that are still valid
    /// with them. With no proposals at all this is an update: fresh keys for this member's path.
    Result<CommitOutput> commit(std::span<const Proposal> proposals,
                                ByteView authenticated_data = {}) const;

    /// An application message as a PrivateMessage (§6.3).
    Result<MLSMessage> encrypt(ByteView data, ByteView authenticated_data = {});

    /// The member's whole state — private keys and this epoch's secrets included — for the
    /// application to store, encrypted under a local storage key (the client does).
    Result<Bytes> serialize_state() const;

    /// A member's state from serialize_state(), with `config` (which is not stored). Refuses
    /// malformed or inconsistent state: another format version or an unknown cipher suite
    /// (invalid_value), a tree whose hash is not the GroupContext's or without this member's
    /// leaf (invalid_tree), a signature key not matching the leaf's (invalid_key).
    static Result<Group> restore(ByteView state, GroupConfig config = {});

    /// Set once a ReInit commit has ended this group (§11.2): the parameters of its successor.
    /// The group then refuses everything (reinitialized).
    [[nodiscard]] const std::optional<ReInit>& reinit() const noexcept { return reinit_; }

    /// What the successor of a group ended by ReInit needs from it (§11.2): the resumption PSK
    /// of its last epoch, keyed as GroupConfig::other_groups_resumption_psks expects, and the
    /// PreSharedKey proposal (usage reinit, a fresh nonce) for the successor's first commit.
    /// invalid_commit if this group was not ended by ReInit.
    struct ReInitPsk {
        std::pair<Bytes, std::uint64_t> key;
        Bytes psk;
        Proposal proposal;
    };
    Result<ReInitPsk> reinit_psk() const;

    /// MLS-Exporter (§8.5), e.g. for attachment keys.
    Result<Bytes> export_secret(std::string_view label, ByteView context,
                                std::uint16_t length) const;

    [[nodiscard]] std::uint64_t epoch() const noexcept { return context_.epoch; }
    [[nodiscard]] const Bytes& group_id() const noexcept { return context_.group_id; }
    [[nodiscard]] const Bytes& epoch_authenticator() const noexcept {
        return secrets_.epoch_authenticator;
    }
    [[nodiscard]] tree_math::LeafIndex own_leaf() const noexcept { return keys_.leaf(); }
    [[nodiscard]] const GroupTree& tree() const noexcept { return tree_; }
    [[nodiscard]] const GroupContext& context() const noexcept { return context_; }
    /// The leaves that hold a member, in index order.
    [[nodiscard]] std::vector<tree_math::LeafIndex> members() const;

private:
    Group(const CipherSuite& cs, GroupConfig config, tree_math::LeafIndex me)
        : cs_(&cs), config_(std::move(config)), keys_(me) {}

    struct CachedProposal {
        Proposal proposal;
        Sender sender;
    };
    /// A proposal list after validation and application to a copy of the tree.
    // A proposal list after validation, applied to a copy of the tree.
    struct Applied {
        GroupTree tree;
        std::vector<Extension> extensions;
        // Each new leaf and its KeyPackage, which points into the proposal list.
        std::vector<std::pair<tree_math::LeafIndex, const KeyPackage*>> added;
        std::vector<tree_math::LeafIndex> removed;
        std::vector<tree_math::LeafIndex> updated;
        std::vector<PreSharedKeyID> psks;
        bool path_required = false;
        std::optional<ReInit> reinit;
    };

    Result<Bytes> signature_key_of(const FramedContent& content) const;
    Result<Bytes> cache_proposal(const AuthenticatedContent& content);
    Result<MLSMessage> publish_proposal(Proposal proposal, ByteView authenticated_data);
    Result<Processed> process_commit(const AuthenticatedContent& content);
    Result<Bytes> external_init_secret(ByteView kem_output) const;
    /// What an ended epoch keeps for late application messages (GroupConfig::past_epochs_kept).
    struct PastEpoch {
        GroupContext context;
        Bytes sender_data_secret;
        SecretTree secret_tree;
        struct Sender {
            Bytes signature_key;
            Credential credential;
        };
        std::map<std::uint32_t, Sender> senders;  // the epoch's members, by leaf index
    };
    /// Keeps the current epoch's decryption state among the past ones; called on the copy that
    /// becomes the next epoch, before its tree changes.
    void retire_epoch();
    static Result<std::deque<PastEpoch>> decode_past_epochs(const CipherSuite& cs, Reader& r,
                                                            const GroupConfig& config,
                                                            const GroupContext& current);
    Result<ApplicationMessage> process_past_application(const PrivateMessage& message);
    Result<GroupTree> verified_tree(const GroupInfo& info, std::optional<RatchetTree> tree) const;
    Result<Applied> apply_proposals(const std::vector<std::pair<Proposal, Sender>>& proposals,
                                    tree_math::LeafIndex committer) const;
    Result<Bytes> psk_secret_for(const std::vector<PreSharedKeyID>& ids) const;
    Result<void> enter_epoch(GroupContext context, ByteView commit_secret, ByteView psk_secret,
                             const Bytes* joiner_secret);
    bool credential_ok(const LeafNode& leaf) const;
    bool lifetime_current(const Lifetime& lifetime) const;

    const CipherSuite* cs_;
    GroupConfig config_;
    GroupContext context_;
    GroupTree tree_ = GroupTree::with_first_leaf({});
    TreePrivateKeys keys_;
    Bytes signature_private_key_;
    EpochSecrets secrets_;
    std::optional<SecretTree> secret_tree_;
    Bytes interim_transcript_hash_;
    std::map<Bytes, CachedProposal> proposals_;       // this epoch's, by ProposalRef
    std::map<std::uint64_t, Bytes> resumption_psks_;  // by epoch
    std::map<Bytes, Bytes> pending_leaf_keys_;        // own Updates: public -> private key
    std::optional<ReInit> reinit_;
    std::deque<PastEpoch> past_epochs_;  // oldest first
};

struct CommitOutput {
    MLSMessage commit;  ///< a PublicMessage
    std::optional<MLSMessage> welcome;
    Group next;
    NewEpoch effect;
};

struct ExternalJoin {
    MLSMessage commit;  ///< a PublicMessage from a new_member_commit sender
    Group group;
};

}  // namespace wardline::mls
