// SPDX-License-Identifier: Apache-2.0
// Protecting and unprotecting MLS messages (RFC 9420 §6.1–§6.3): the signature over
// FramedContentTBS that makes an AuthenticatedContent, the membership tag of a PublicMessage,
// and the two encryptions of a PrivateMessage (content under the sender's secret-tree ratchet,
// sender data under a key from sender_data_secret and the ciphertext).
//
// A receiver gets an AuthenticatedContent whose signature has been verified. The confirmation
// tag of a commit is not checked here: it is under the keys of the epoch the commit starts
// (transcript.hpp), so the commit's processing checks it.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/secret_tree.hpp"
#include "common/mls/tree_math.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace wardline::mls {

// ---- Content authentication (§6.1) -----------------------------------------------------------

/// Signs `content` as it will be sent in `wire_format`: signature = SignWithLabel(key,
/// "FramedContentTBS", FramedContentTBS). `context` (the group's current GroupContext) is
/// required for the senders member and new_member_commit (invalid_value if null). For a
/// commit, set auth.confirmation_tag (transcript.hpp) before protecting the result: the tag
/// depends on this signature.
Result<AuthenticatedContent> sign_framed_content(const CipherSuite& cs, WireFormat wire_format,
                                                 FramedContent content, const GroupContext* context,
                                                 ByteView signature_private_key);

/// Verifies the signature of `content` with the sender's signature public key, which the caller
/// looks up for the sender (§6.1: the member's LeafNode, the external sender's entry, or the
/// new member's LeafNode). invalid_signature if it does not verify.
Result<void> verify_framed_content_signature(const CipherSuite& cs,
                                             const AuthenticatedContent& content,
                                             const GroupContext* context,
                                             ByteView signature_public_key);

// ---- PublicMessage (§6.2) --------------------------------------------------------------------

/// A PublicMessage from a signed AuthenticatedContent of wire_format public_message, with
/// membership_tag = MAC(membership_key, AuthenticatedContentTBM) for a member sender (other
/// senders have none and `membership_key` is unused). Refuses application data
/// (invalid_wire_format: §6, application messages are always PrivateMessages), another wire
/// format (invalid_wire_format), and content for another group or epoch than `context`
/// (wrong_group, wrong_epoch).
Result<PublicMessage> protect_public(const CipherSuite& cs, const AuthenticatedContent& content,
                                     const GroupContext& context, ByteView membership_key);

/// Checks a received PublicMessage and returns its AuthenticatedContent. In order: wrong_group,
/// wrong_epoch against `context`; invalid_wire_format for application data; invalid_sender for
/// content its sender type may not send (§6.1); invalid_membership_tag for a member sender's
/// tag (compared in constant time); invalid_signature unless the signature verifies with
/// `signature_public_key`, the key of message.content.sender.
Result<AuthenticatedContent> unprotect_public(const CipherSuite& cs, const PublicMessage& message,
                                              const GroupContext& context, ByteView membership_key,
                                              ByteView signature_public_key);

// ---- PrivateMessage (§6.3) -------------------------------------------------------------------

/// How a sender encrypts PrivateMessages.
struct PrivateMessageOptions {
    /// The PrivateMessageContent plaintext is padded with zeros to a multiple of this many
    /// bytes (§6.3.1, §15.1), so that lengths tell an observer less. 0 or 1: no padding.
    std::size_t padding_block = 32;
};

/// A PrivateMessage from a signed AuthenticatedContent of wire_format private_message whose
/// sender is a member (invalid_sender otherwise, §6.3.2). The key and nonce are the next
/// generation of the sender's handshake ratchet (proposal, commit) or application ratchet, the
/// nonce XORed with a fresh random 4-byte reuse guard (§6.3.1); the sender data is encrypted
/// under ExpandWithLabel(sender_data_secret, "key" / "nonce", first Nh bytes of the content
/// ciphertext) (§6.3.2). wrong_group, wrong_epoch for content not of `context`'s group and
/// epoch; invalid_wire_format for another wire format; invalid_leaf for a sender outside the
/// secret tree.
Result<PrivateMessage> protect_private(const CipherSuite& cs, const AuthenticatedContent& content,
                                       const GroupContext& context, ByteView sender_data_secret,
                                       SecretTree& secret_tree,
                                       const PrivateMessageOptions& options = {});

/// The signature public key of the member at a leaf, or nullopt if the leaf is blank or outside
/// the ratchet tree; typically `tree.leaf(i)->signature_key` of the group's GroupTree.
using SignatureKeyLookup = std::function<std::optional<Bytes>(tree_math::LeafIndex)>;

/// What a receiver learns from a PrivateMessage.
struct ReceivedPrivateMessage {
    AuthenticatedContent content;  ///< signature verified; wire_format private_message
    tree_math::LeafIndex sender;   ///< == content.content.sender.leaf_index
    std::uint32_t generation = 0;  ///< of the sender's ratchet that encrypted it
};

/// Decrypts and checks a PrivateMessage. In order: wrong_group, wrong_epoch against `context`;
/// decryption_failed for the sender data; invalid_leaf if `signature_key` has no member at its
/// leaf (§6.3.2) or the leaf is outside the secret tree; generation_expired (a key already used
/// or dropped, e.g. a replay) or generation_too_far from the ratchet; decryption_failed for the
/// content; codec errors or invalid_padding for the plaintext; invalid_signature. The key of
/// that generation is deleted (§9.2) only once all of this has passed, so a forged or altered
/// message cannot make the genuine one unreadable.
Result<ReceivedPrivateMessage> unprotect_private(
    const CipherSuite& cs, const PrivateMessage& message, const GroupContext& context,
    ByteView sender_data_secret, SecretTree& secret_tree, const SignatureKeyLookup& signature_key);

}  // namespace wardline::mls
