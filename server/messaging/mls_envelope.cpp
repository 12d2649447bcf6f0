// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/mls_envelope.hpp"

#include "common/mls/framing.hpp"
#include "common/mls/struct_codec.hpp"

#include <sodium.h>

namespace wardline::server::messaging {
namespace {

using Refusal = std::string;

/// Reads the credential of an added or joining leaf: a Wardline device, or nullopt.
std::optional<DeviceCredentialIds> device_of(const mls::LeafNode& leaf) {
    if (leaf.credential.credential_type != mls::CredentialType::basic) return std::nullopt;
    const std::string_view identity(reinterpret_cast<const char*>(leaf.credential.identity.data()),
                                    leaf.credential.identity.size());
    return parse_device_credential_identity(identity);
}

void note_add(const mls::Proposal& proposal, Framed& out) {
    const auto* add = std::get_if<mls::Add>(&proposal.body);
    if (add == nullptr) return;
    if (auto ids = device_of(add->key_package.leaf_node))
        out.added.push_back(std::move(*ids));
    else
        out.foreign_credential = true;
}

}  // namespace

std::optional<ByteVector> decode_base64(std::string_view text, std::size_t max_bytes) {
    if (text.empty() || text.size() > (max_bytes + 2) / 3 * 4) return std::nullopt;
    ByteVector bytes(text.size() / 4 * 3 + 3);
    std::size_t length = 0;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    bytes.resize(length);
    if (bytes.empty() || bytes.size() > max_bytes) return std::nullopt;
    return bytes;
}

std::string encode_base64(std::span<const std::uint8_t> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL
    return out;
}

std::variant<Framed, std::string> inspect_framed(std::span<const std::uint8_t> bytes) {
    const auto message = mls::deserialize_mls_message(bytes);
    if (!message) return Refusal("is not an MLSMessage (RFC 9420 §6)");
    if (message->version != mls::ProtocolVersion::mls10)
        return Refusal("is not an MLS 1.0 message");
    Framed out;
    if (const auto* priv = std::get_if<mls::PrivateMessage>(&message->body)) {
        out.wire = Framed::Wire::private_message;
        out.group_id.assign(priv->group_id.begin(), priv->group_id.end());
        out.epoch = priv->epoch;
        switch (priv->content_type) {
            case mls::ContentType::application:
                out.content = Framed::Content::application;
                break;
            case mls::ContentType::proposal:
                out.content = Framed::Content::proposal;
                break;
            case mls::ContentType::commit:
                out.content = Framed::Content::commit;
                break;
            default:
                return Refusal("has an unknown content type");
        }
        return out;
    }
    const auto* pub = std::get_if<mls::PublicMessage>(&message->body);
    if (pub == nullptr)
        return Refusal("is an MLSMessage that holds neither a PublicMessage nor a PrivateMessage");
    out.wire = Framed::Wire::public_message;
    const mls::FramedContent& content = pub->content;
    out.group_id.assign(content.group_id.begin(), content.group_id.end());
    out.epoch = content.epoch;
    out.external_commit = content.sender.sender_type == mls::SenderType::new_member_commit;
    if (const auto* proposal = std::get_if<mls::Proposal>(&content.content)) {
        out.content = Framed::Content::proposal;
        note_add(*proposal, out);
        mls::AuthenticatedContent authenticated;
        authenticated.wire_format = mls::WireFormat::public_message;
        authenticated.content = content;
        authenticated.auth = pub->auth;
        const auto encoded = mls::serialize(authenticated);
        if (!encoded) return Refusal("holds a proposal that does not encode");
        const auto ref =
            mls::ref_hash(*mls::suite_for(mls::kSuite3), "MLS 1.0 Proposal Reference", *encoded);
        if (!ref) return Refusal("holds a proposal whose reference cannot be computed");
        out.proposal_ref.assign(ref->begin(), ref->end());
    } else if (const auto* commit = std::get_if<mls::Commit>(&content.content)) {
        out.content = Framed::Content::commit;
        for (const auto& por : commit->proposals)
            if (const auto* inline_proposal = std::get_if<mls::Proposal>(&por.content))
                note_add(*inline_proposal, out);
            else if (const auto* ref = std::get_if<mls::ProposalRef>(&por.content))
                out.references.emplace_back(ref->begin(), ref->end());
        if (out.external_commit && commit->path) out.joiner = device_of(commit->path->leaf_node);
    } else {
        out.content = Framed::Content::application;
    }
    return out;
}

std::optional<std::string> check_welcome(std::span<const std::uint8_t> bytes) {
    const auto message = mls::deserialize_mls_message(bytes);
    if (!message) return Refusal("is not an MLSMessage (RFC 9420 §6)");
    if (message->version != mls::ProtocolVersion::mls10)
        return Refusal("is not an MLS 1.0 message");
    if (!std::holds_alternative<mls::Welcome>(message->body))
        return Refusal("is an MLSMessage that does not hold a Welcome");
    return std::nullopt;
}

std::variant<GroupInfoSummary, std::string> inspect_group_info(
    std::span<const std::uint8_t> bytes) {
    const auto message = mls::deserialize_mls_message(bytes);
    if (!message) return Refusal("is not an MLSMessage (RFC 9420 §6)");
    if (message->version != mls::ProtocolVersion::mls10)
        return Refusal("is not an MLS 1.0 message");
    const auto* info = std::get_if<mls::GroupInfo>(&message->body);
    if (info == nullptr) return Refusal("is an MLSMessage that does not hold a GroupInfo");
    GroupInfoSummary out;
    out.group_id.assign(info->group_context.group_id.begin(), info->group_context.group_id.end());
    out.epoch = info->group_context.epoch;
    return out;
}

}  // namespace wardline::server::messaging
