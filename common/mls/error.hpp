// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string_view>

namespace wardline::mls {

/// Errors of the MLS library (RFC 9420). Each value is raised in exactly the situation its line
/// describes, so a caller (and a test) can tell one refusal from another.
enum class Error {
    /// Reader: a fixed-size read (u8..u64, fixed bytes, a varint's continuation bytes) needs
    /// more bytes than remain in the input.
    truncated = 1,
    /// Reader: a variable-length integer starts with the reserved prefix 0b11
    /// (RFC 9420 §2.1.2: "the prefix 11 is invalid").
    invalid_varint,
    /// Reader: a variable-length integer is not in its shortest encoding, e.g. 0x4001 for 1
    /// (RFC 9420 §2.1.2 requires the minimum number of bytes).
    non_minimal_varint,
    /// Reader: a vector's length prefix announces more bytes than remain in the input.
    length_too_large,
    /// Reader::expect_end(): bytes remain after a structure that must fill its input exactly.
    trailing_data,
    /// Writer: a variable-length integer or vector length is above 2^30 - 1, the largest
    /// value the MLS varint can encode (RFC 9420 §2.1.2).
    value_too_large,
    /// Crypto: a key of the wrong size or form for the cipher suite.
    invalid_key,
    /// Crypto: an AEAD ciphertext did not authenticate (wrong key, nonce or associated data,
    /// or altered bytes).
    decryption_failed,
    /// Secret tree: a leaf index outside the tree (or a tree without leaves).
    invalid_leaf,
    /// Secret tree: the key of that generation was used and deleted, or dropped as too old
    /// (RFC 9420 §9.2); also a leaf secret asked for after it was deleted.
    generation_expired,
    /// Secret tree: a generation further ahead than the ratchet follows (RatchetLimits).
    generation_too_far,
    /// Ratchet tree: empty, ending in a blank node, or a node of the wrong kind for its index
    /// (RFC 9420 §12.4.3.3), or an operation on a node that is not there.
    invalid_tree,
    /// Ratchet tree: a non-blank parent node that cannot be chained back to a leaf by parent
    /// hashes (RFC 9420 §7.9.2), or a committer's leaf whose parent hash does not match.
    invalid_parent_hash,
    /// TreeKEM: an UpdatePath with the wrong number of nodes or ciphertexts, a public key that
    /// does not match the path secret it came with, or no path secret the receiver can decrypt.
    invalid_update_path,
    /// A signature (LeafNode, KeyPackage, GroupInfo, framed content) does not verify.
    invalid_signature,
    /// Welcome: no entry for our KeyPackage.
    not_for_us,
    /// Group: a proposal that breaks a rule of RFC 9420 §12.1/§12.2 (a blank or duplicate
    /// target, the committer updating or removing itself, several changes to one leaf).
    invalid_proposal,
    /// Group: a commit referencing a proposal this member has not received this epoch.
    unknown_proposal,
    /// Group: a KeyPackage or leaf that fails validation (§10.1, §7.3): suite, signature,
    /// source, identical keys, or a credential the application refuses.
    invalid_key_package,
    /// Group: a commit or Welcome needing a pre-shared key this member does not have.
    missing_psk,
    /// Group: a commit that is malformed as a whole (no path where one is required, content
    /// that is not a commit, the member's own commit coming back).
    invalid_commit,
    /// Group: a feature of RFC 9420 the library does not implement yet (proposals from
    /// new_member_proposal senders), refused rather than mishandled.
    unsupported,
    /// Group: the group was ended by a ReInit commit (RFC 9420 §11.2): it takes no more
    /// messages, proposals or commits; its successor is a new group.
    reinitialized,
    /// Structures: an enumerated field that selects what follows (wire_format, content_type,
    /// sender_type, proposal_type, credential_type, node_type, psktype, leaf_node_source,
    /// ProposalOrRef type; also PrivateMessage.content_type) holds a value RFC 9420 does not
    /// define for it, including the reserved 0; or, when encoding, a field is present or absent
    /// against what its selector says.
    invalid_value,
    /// Structures: the presence byte of an optional<T> is neither 0 nor 1 (RFC 9420 §2.1.1).
    invalid_optional,
    /// Framing: a PublicMessage's membership_tag is not MAC(membership_key,
    /// AuthenticatedContentTBM) (RFC 9420 §6.2).
    invalid_membership_tag,
    /// Framing: a confirmation_tag is not MAC(confirmation_key, confirmed_transcript_hash)
    /// (RFC 9420 §6.1, §8.2).
    invalid_confirmation_tag,
    /// Framing: a decrypted PrivateMessageContent whose padding holds a non-zero byte
    /// (RFC 9420 §6.3.1: the message is malformed).
    invalid_padding,
    /// Framing: a message for another group than the one it is processed in.
    wrong_group,
    /// Framing: a message for another epoch than the group's current one.
    wrong_epoch,
    /// Framing: content in a wire format RFC 9420 forbids for it (application data in a
    /// PublicMessage, §6), or an AuthenticatedContent whose wire_format is not the message's.
    invalid_wire_format,
    /// Framing: a sender that cannot send this content (§6.1: external senders and new members
    /// only propose or commit as their type allows; §6.3.2: a PrivateMessage's sender is a member).
    /// Group: an external commit whose joiner the member's external_join_policy refuses.
    invalid_sender,
    /// Group::join_external: the GroupInfo has no external_pub extension (RFC 9420 §12.4.3.2),
    /// so there is no key to derive the external init secret with.
    missing_external_pub,
};

/// Stable name of an error value, e.g. "non_minimal_varint"; "unknown" for out-of-range values.
std::string_view to_string(Error e) noexcept;

/// The library's return type for operations that can fail on their input: a value or an Error.
/// Expected failures (malformed bytes) are results, never exceptions. Calling value() on a
/// failed Result is a bug and throws std::logic_error (see throw_exception_from_error below).
template <class T>
using Result = boost::system::result<T, Error>;

/// Found by boost::system::result through ADL when value() is called on a failed Result.
[[noreturn]] void throw_exception_from_error(Error e, const boost::source_location& loc);

}  // namespace wardline::mls
