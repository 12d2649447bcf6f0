// SPDX-License-Identifier: Apache-2.0
// External senders (RFC 9420 §12.1.8.1): signers outside the group that may propose to it,
// named in the group's external_senders extension. Wardline's server is one: as Delivery
// Service it proposes the Remove of a deactivated user's devices, signed with its own key, and
// a member commits the proposal. The server never holds group secrets, so an external proposal
// is a PublicMessage with a signature and no membership tag.
#pragma once
#include "common/mls/framing.hpp"

#include <vector>

namespace wardline::mls {

/// struct {
///     SignaturePublicKey signature_key;
///     Credential credential;
/// } ExternalSender;                                                    (RFC 9420 §12.1.8.1)
struct ExternalSender {
    Bytes signature_key;
    Credential credential;
    bool operator==(const ExternalSender&) const = default;
};

Result<void> encode(Writer& w, const ExternalSender& v);
Result<ExternalSender> decode_external_sender(Reader& r);

/// The external_senders GroupContext extension: `ExternalSender external_senders<V>`.
Result<Extension> external_senders_extension(const std::vector<ExternalSender>& senders);

/// The external senders a GroupContext's extensions name: none if it has no such extension;
/// codec errors if the extension is malformed.
Result<std::vector<ExternalSender>> external_senders_of(const std::vector<Extension>& extensions);

/// A proposal from external sender `sender_index` to the group `group_id` in `epoch`, signed
/// with that sender's key: a PublicMessage. §12.1.8.1 allows external senders Add, Remove,
/// PreSharedKey, ReInit and GroupContextExtensions; others are refused (invalid_proposal).
Result<MLSMessage> make_external_proposal(const CipherSuite& cs, ByteView group_id,
                                          std::uint64_t epoch, std::uint32_t sender_index,
                                          Proposal proposal, ByteView signature_private_key,
                                          ByteView authenticated_data = {});

/// Whether an external sender may propose this (§12.1.8.1).
bool external_sender_may_propose(const Proposal& proposal) noexcept;

}  // namespace wardline::mls
