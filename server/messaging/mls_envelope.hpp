// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the Delivery Service reads from the MLS messages it relays (RFC 9420 §6): the group id,
// epoch and content type of a PublicMessage or PrivateMessage, the devices a handshake message
// adds, and the group and epoch of a GroupInfo. The server never decrypts anything: a
// PrivateMessage shows only its group id, epoch and content type in the clear (§6.3).
#include "common/core/device_credential.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::server::messaging {

using ByteVector = std::vector<std::uint8_t>;

/// Base64 (RFC 4648 §4, with padding) of at most `max_bytes` decoded bytes; nullopt for
/// anything else (empty, not base64, too long).
std::optional<ByteVector> decode_base64(std::string_view text, std::size_t max_bytes);
std::string encode_base64(std::span<const std::uint8_t> bytes);

/// An MLSMessage carrying a PublicMessage or a PrivateMessage.
struct Framed {
    enum class Wire { public_message, private_message } wire = Wire::private_message;
    enum class Content { application, proposal, commit } content = Content::application;
    ByteVector group_id;
    std::uint64_t epoch = 0;
    /// The sender is a new member joining by external commit (§12.4.3.2).
    bool external_commit = false;
    /// The devices Add proposals by value name (a proposal, or a commit's inline proposals),
    /// from their KeyPackages' basic credentials.
    std::vector<DeviceCredentialIds> added;
    /// An external commit: the joiner's device, from its UpdatePath leaf.
    std::optional<DeviceCredentialIds> joiner;
    /// An Add whose credential is not a Wardline device credential, or not basic.
    bool foreign_credential = false;
    /// A commit's proposals by reference (ProposalRef, §5.2).
    std::vector<ByteVector> references;
    /// A proposal's own ProposalRef: RefHash("MLS 1.0 Proposal Reference",
    /// AuthenticatedContent) with SHA-256, the hash of both suites Wardline allows (1 and 3).
    ByteVector proposal_ref;
};

/// Parses an MLSMessage holding a PublicMessage or PrivateMessage; a refusal names the rule.
std::variant<Framed, std::string> inspect_framed(std::span<const std::uint8_t> bytes);

/// An MLSMessage holding a Welcome (§12.4.3.1); nullopt if it is one, else the rule broken.
std::optional<std::string> check_welcome(std::span<const std::uint8_t> bytes);

struct GroupInfoSummary {
    ByteVector group_id;
    std::uint64_t epoch = 0;
};
/// An MLSMessage holding a GroupInfo (§12.4.3): its group id and epoch.
std::variant<GroupInfoSummary, std::string> inspect_group_info(std::span<const std::uint8_t> bytes);

}  // namespace wardline::server::messaging
