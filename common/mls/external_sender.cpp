// SPDX-License-Identifier: Apache-2.0
#include "common/mls/external_sender.hpp"

#include "common/mls/message_protection.hpp"
#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

Result<void> encode(Writer& w, const ExternalSender& v) {
    if (auto r = w.vector(v.signature_key); !r) return r;
    return encode(w, v.credential);
}

Result<ExternalSender> decode_external_sender(Reader& r) {
    ExternalSender v;
    if (auto e = assign(v.signature_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.credential, decode_credential(r)); !e) return e.error();
    return v;
}

Result<Extension> external_senders_extension(const std::vector<ExternalSender>& senders) {
    Writer w;
    if (auto r = encode_vector(w, senders); !r) return r.error();
    return Extension{kExtensionExternalSenders, w.take()};
}

Result<std::vector<ExternalSender>> external_senders_of(const std::vector<Extension>& extensions) {
    const Extension* ext = find_extension(extensions, kExtensionExternalSenders);
    if (ext == nullptr) return std::vector<ExternalSender>{};
    return deserialize_with(ext->extension_data,
                            [](Reader& r) { return decode_vector(r, decode_external_sender); });
}

bool external_sender_may_propose(const Proposal& proposal) noexcept {
    switch (proposal.proposal_type()) {
        case ProposalType::add:
        case ProposalType::remove:
        case ProposalType::psk:
        case ProposalType::reinit:
        case ProposalType::group_context_extensions:
            return true;
        case ProposalType::update:
        case ProposalType::external_init:
            return false;
    }
    return false;
}

Result<MLSMessage> make_external_proposal(const CipherSuite& cs, ByteView group_id,
                                          std::uint64_t epoch, std::uint32_t sender_index,
                                          Proposal proposal, ByteView signature_private_key,
                                          ByteView authenticated_data) {
    if (!external_sender_may_propose(proposal)) return Error::invalid_proposal;
    FramedContent content;
    content.group_id.assign(group_id.begin(), group_id.end());
    content.epoch = epoch;
    content.sender = Sender{SenderType::external, 0, sender_index};
    content.authenticated_data.assign(authenticated_data.begin(), authenticated_data.end());
    content.content = std::move(proposal);
    // An external sender's signature does not cover the GroupContext (§6.1), which it may not
    // know; protect_public only checks the group and epoch against it.
    GroupContext context;
    context.cipher_suite = cs.id();
    context.group_id = content.group_id;
    context.epoch = epoch;
    auto signed_content = sign_framed_content(cs, WireFormat::public_message, std::move(content),
                                              nullptr, signature_private_key);
    if (!signed_content) return signed_content.error();
    auto message = protect_public(cs, *signed_content, context, {});
    if (!message) return message.error();
    return MLSMessage{ProtocolVersion::mls10, std::move(*message)};
}

}  // namespace wardline::mls
