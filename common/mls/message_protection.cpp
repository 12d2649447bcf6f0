// SPDX-License-Identifier: Apache-2.0
#include "common/mls/message_protection.hpp"

#include "common/mls/private_message_content.hpp"
#include "common/mls/struct_codec.hpp"

#include <sodium.h>

#include <utility>

namespace wardline::mls {

namespace {

constexpr std::string_view kFramedContentTbsLabel = "FramedContentTBS";

Result<void> check_group_and_epoch(ByteView group_id, std::uint64_t epoch,
                                   const GroupContext& context) {
    // The group id is public (it is in every message), so a plain comparison is fine.
    if (!std::equal(group_id.begin(), group_id.end(), context.group_id.begin(),
                    context.group_id.end()))
        return Error::wrong_group;
    if (epoch != context.epoch) return Error::wrong_epoch;
    return {};
}

// §6.1: which content each sender type may send.
Result<void> check_sender(const FramedContent& content) {
    const ContentType type = content.content_type();
    switch (content.sender.sender_type) {
        case SenderType::member:
            return {};
        case SenderType::external:
            if (type != ContentType::proposal) return Error::invalid_sender;
            return {};
        case SenderType::new_member_commit:
            if (type != ContentType::commit) return Error::invalid_sender;
            return {};
        case SenderType::new_member_proposal: {
            const auto* proposal = std::get_if<Proposal>(&content.content);
            if (proposal == nullptr || proposal->proposal_type() != ProposalType::add)
                return Error::invalid_sender;
            return {};
        }
    }
    return Error::invalid_sender;
}

// AuthenticatedContentTBM = FramedContentTBS || FramedContentAuthData (§6.2).
Result<Bytes> membership_tag(const CipherSuite& cs, const FramedContent& content,
                             const FramedContentAuthData& auth, const GroupContext& context,
                             ByteView membership_key) {
    Result<Bytes> tbs = framed_content_tbs(WireFormat::public_message, content, &context);
    if (!tbs) return tbs.error();
    Writer w;
    w.bytes(*tbs);
    if (Result<void> r = encode(w, auth, content.content_type()); !r) return r.error();
    return cs.hmac(membership_key, w.data());
}

RatchetKind ratchet_kind(ContentType type) {
    // §6.3.1: application messages use the application ratchet, proposals and commits the
    // handshake ratchet.
    return type == ContentType::application ? RatchetKind::application : RatchetKind::handshake;
}

// §6.3.1: the first four bytes of the nonce are XORed with the reuse guard.
Bytes guarded_nonce(ByteView nonce, const std::array<std::uint8_t, 4>& guard) {
    Bytes out(nonce.begin(), nonce.end());
    for (std::size_t i = 0; i < guard.size() && i < out.size(); ++i) out[i] ^= guard[i];
    return out;
}

}  // namespace

// ---- Content authentication ------------------------------------------------------------------

Result<AuthenticatedContent> sign_framed_content(const CipherSuite& cs, WireFormat wire_format,
                                                 FramedContent content, const GroupContext* context,
                                                 ByteView signature_private_key) {
    const Result<Bytes> tbs = framed_content_tbs(wire_format, content, context);
    if (!tbs) return tbs.error();
    Result<Bytes> signature =
        sign_with_label(cs, signature_private_key, kFramedContentTbsLabel, *tbs);
    if (!signature) return signature.error();
    AuthenticatedContent out;
    out.wire_format = wire_format;
    out.content = std::move(content);
    out.auth.signature = std::move(*signature);
    return out;
}

Result<void> verify_framed_content_signature(const CipherSuite& cs,
                                             const AuthenticatedContent& content,
                                             const GroupContext* context,
                                             ByteView signature_public_key) {
    const Result<Bytes> tbs = framed_content_tbs(content.wire_format, content.content, context);
    if (!tbs) return tbs.error();
    if (!verify_with_label(cs, signature_public_key, kFramedContentTbsLabel, *tbs,
                           content.auth.signature))
        return Error::invalid_signature;
    return {};
}

// ---- PublicMessage ---------------------------------------------------------------------------

Result<PublicMessage> protect_public(const CipherSuite& cs, const AuthenticatedContent& content,
                                     const GroupContext& context, ByteView membership_key) {
    if (content.wire_format != WireFormat::public_message) return Error::invalid_wire_format;
    // §6: application messages MUST be PrivateMessages.
    if (content.content.content_type() == ContentType::application)
        return Error::invalid_wire_format;
    if (Result<void> r =
            check_group_and_epoch(content.content.group_id, content.content.epoch, context);
        !r)
        return r.error();
    if (Result<void> r = check_sender(content.content); !r) return r.error();
    PublicMessage out;
    out.content = content.content;
    out.auth = content.auth;
    if (content.content.sender.sender_type == SenderType::member) {
        Result<Bytes> tag = membership_tag(cs, out.content, out.auth, context, membership_key);
        if (!tag) return tag.error();
        out.membership_tag = std::move(*tag);
    }
    return out;
}

Result<AuthenticatedContent> unprotect_public(const CipherSuite& cs, const PublicMessage& message,
                                              const GroupContext& context, ByteView membership_key,
                                              ByteView signature_public_key) {
    const FramedContent& content = message.content;
    if (Result<void> r = check_group_and_epoch(content.group_id, content.epoch, context); !r)
        return r.error();
    // §6: application data sent in the clear is refused, whoever signed it.
    if (content.content_type() == ContentType::application) return Error::invalid_wire_format;
    if (Result<void> r = check_sender(content); !r) return r.error();
    if (content.sender.sender_type == SenderType::member) {
        // §6.2: the decoder guarantees a tag for member senders; check it anyway.
        if (!message.membership_tag) return Error::invalid_membership_tag;
        const Result<Bytes> expected =
            membership_tag(cs, content, message.auth, context, membership_key);
        if (!expected) return expected.error();
        if (!equal_constant_time(*expected, *message.membership_tag))
            return Error::invalid_membership_tag;
    }
    AuthenticatedContent out{WireFormat::public_message, content, message.auth};
    if (Result<void> r = verify_framed_content_signature(cs, out, &context, signature_public_key);
        !r)
        return r.error();
    return out;
}

// ---- PrivateMessage --------------------------------------------------------------------------

Result<PrivateMessage> protect_private(const CipherSuite& cs, const AuthenticatedContent& content,
                                       const GroupContext& context, ByteView sender_data_secret,
                                       SecretTree& secret_tree,
                                       const PrivateMessageOptions& options) {
    const FramedContent& framed = content.content;
    if (content.wire_format != WireFormat::private_message) return Error::invalid_wire_format;
    if (Result<void> r = check_group_and_epoch(framed.group_id, framed.epoch, context); !r)
        return r.error();
    // §6.3.2: only members have a leaf in the secret tree.
    if (framed.sender.sender_type != SenderType::member) return Error::invalid_sender;
    const ContentType type = framed.content_type();

    // §6.3.1: PrivateMessageContent, padded with zeros to a multiple of the block.
    PrivateMessageContent plain{framed.content, content.auth, 0};
    Result<Bytes> plaintext = serialize_private_message_content(plain);
    if (!plaintext) return plaintext.error();
    if (options.padding_block > 1) {
        const std::size_t rest = plaintext->size() % options.padding_block;
        if (rest != 0) plaintext->resize(plaintext->size() + options.padding_block - rest, 0);
    }

    Result<HashRatchet*> ratchet =
        secret_tree.ratchet(tree_math::LeafIndex{framed.sender.leaf_index}, ratchet_kind(type));
    if (!ratchet) return ratchet.error();
    const Result<RatchetKey> key = (*ratchet)->next();
    if (!key) return key.error();

    SenderData sender_data;
    sender_data.leaf_index = framed.sender.leaf_index;
    sender_data.generation = key->generation;
    randombytes_buf(sender_data.reuse_guard.data(), sender_data.reuse_guard.size());

    PrivateMessage out;
    out.group_id = framed.group_id;
    out.epoch = framed.epoch;
    out.content_type = type;
    out.authenticated_data = framed.authenticated_data;

    const Result<Bytes> content_aad =
        private_content_aad(out.group_id, out.epoch, type, out.authenticated_data);
    if (!content_aad) return content_aad.error();
    Result<Bytes> ciphertext = cs.aead().seal(
        key->key, guarded_nonce(key->nonce, sender_data.reuse_guard), *content_aad, *plaintext);
    if (!ciphertext) return ciphertext.error();
    out.ciphertext = std::move(*ciphertext);

    // §6.3.2: the sender data key comes from a sample of the content ciphertext.
    const Result<RatchetKey> sd_key = sender_data_key(cs, sender_data_secret, out.ciphertext);
    if (!sd_key) return sd_key.error();
    const Result<Bytes> sd_aad = sender_data_aad(out.group_id, out.epoch, type);
    if (!sd_aad) return sd_aad.error();
    const Result<Bytes> sd_plain = serialize(sender_data);
    if (!sd_plain) return sd_plain.error();
    Result<Bytes> sd_cipher = cs.aead().seal(sd_key->key, sd_key->nonce, *sd_aad, *sd_plain);
    if (!sd_cipher) return sd_cipher.error();
    out.encrypted_sender_data = std::move(*sd_cipher);
    return out;
}

Result<ReceivedPrivateMessage> unprotect_private(
    const CipherSuite& cs, const PrivateMessage& message, const GroupContext& context,
    ByteView sender_data_secret, SecretTree& secret_tree, const SignatureKeyLookup& signature_key) {
    if (Result<void> r = check_group_and_epoch(message.group_id, message.epoch, context); !r)
        return r.error();
    const ContentType type = message.content_type;

    // §6.3.2: sender data first, under a key from the ciphertext sample.
    const Result<RatchetKey> sd_key = sender_data_key(cs, sender_data_secret, message.ciphertext);
    if (!sd_key) return sd_key.error();
    const Result<Bytes> sd_aad = sender_data_aad(message.group_id, message.epoch, type);
    if (!sd_aad) return sd_aad.error();
    const Result<Bytes> sd_plain =
        cs.aead().open(sd_key->key, sd_key->nonce, *sd_aad, message.encrypted_sender_data);
    if (!sd_plain) return sd_plain.error();
    const Result<SenderData> sender_data = deserialize_sender_data(*sd_plain);
    if (!sender_data) return sender_data.error();

    // §6.3.2: the leaf must hold a member.
    const tree_math::LeafIndex leaf{sender_data->leaf_index};
    const std::optional<Bytes> public_key = signature_key(leaf);
    if (!public_key) return Error::invalid_leaf;

    Result<HashRatchet*> ratchet = secret_tree.ratchet(leaf, ratchet_kind(type));
    if (!ratchet) return ratchet.error();
    // Only a message that verifies moves the ratchet (below): peek does not.
    const Result<RatchetKey> key = (*ratchet)->peek(sender_data->generation);
    if (!key) return key.error();

    const Result<Bytes> content_aad =
        private_content_aad(message.group_id, message.epoch, type, message.authenticated_data);
    if (!content_aad) return content_aad.error();
    const Result<Bytes> plaintext =
        cs.aead().open(key->key, guarded_nonce(key->nonce, sender_data->reuse_guard), *content_aad,
                       message.ciphertext);
    if (!plaintext) return plaintext.error();
    Result<PrivateMessageContent> plain = deserialize_private_message_content(*plaintext, type);
    if (!plain) return plain.error();

    ReceivedPrivateMessage out;
    out.sender = leaf;
    out.generation = sender_data->generation;
    out.content.wire_format = WireFormat::private_message;
    FramedContent& framed = out.content.content;
    framed.group_id = message.group_id;
    framed.epoch = message.epoch;
    framed.sender = Sender{SenderType::member, leaf.value, 0};
    framed.authenticated_data = message.authenticated_data;
    framed.content = std::move(plain->content);
    out.content.auth = std::move(plain->auth);
    if (Result<void> r = verify_framed_content_signature(cs, out.content, &context, *public_key);
        !r)
        return r.error();

    // §9.2: the key is deleted once a message under it has been read, and only then; the
    // ratchet moves past it, keeping the keys of the generations skipped.
    if (Result<RatchetKey> kept = (*ratchet)->get(sender_data->generation); !kept) {
        return kept.error();
    }
    (*ratchet)->erase(sender_data->generation);
    return out;
}

}  // namespace wardline::mls
