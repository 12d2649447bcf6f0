// SPDX-License-Identifier: Apache-2.0
// Message protection (RFC 9420 §6.1–§6.3) with the real crypto of suites 0x0001 and 0x0003:
// PublicMessage and PrivateMessage round trips through their wire encoding, and each refusal
// message_protection.hpp documents. Sender and receiver hold their own SecretTree built from
// the same encryption secret, as two members of one epoch do.
#include "common/mls/message_protection.hpp"
#include "common/mls/struct_codec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace wardline::mls {
namespace {

namespace tm = tree_math;

constexpr std::uint32_t kLeaves = 4;
constexpr std::uint32_t kSenderLeaf = 2;

Bytes random_bytes(std::size_t n) {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(byte(rd));
    return out;
}

Proposal remove_proposal(std::uint32_t leaf) {
    return Proposal{Remove{leaf}};
}

Commit sample_commit() {
    Commit commit;
    commit.proposals.push_back(ProposalOrRef{remove_proposal(1)});
    commit.proposals.push_back(ProposalOrRef{ProposalRef(32, 0x77)});
    return commit;
}

template <class T>
T reencoded(const T& value, Result<T> (*deserialize)(ByteView)) {
    const Bytes wire = serialize(value).value();
    return deserialize(wire).value();
}

class MessageProtection : public ::testing::TestWithParam<std::uint16_t> {
protected:
    void SetUp() override {
        ASSERT_NE(suite_for(GetParam()), nullptr);
        const std::size_t nh = cs().hash_length();
        context_.cipher_suite = GetParam();
        context_.group_id = to_bytes("ward-7b-handover");
        context_.epoch = 4;
        context_.tree_hash = random_bytes(nh);
        context_.confirmed_transcript_hash = random_bytes(nh);
        signer_ = cs().generate_signature_key_pair();
        membership_key_ = random_bytes(nh);
        sender_data_secret_ = random_bytes(nh);
        encryption_secret_ = random_bytes(nh);
    }

    const CipherSuite& cs() const { return *suite_for(GetParam()); }

    SecretTree new_secret_tree(RatchetLimits limits = {}) const {
        return SecretTree::create(cs(), encryption_secret_, tm::LeafCount::make(kLeaves).value(),
                                  limits)
            .value();
    }

    FramedContent framed(std::variant<ApplicationData, Proposal, Commit> body,
                         Sender sender = Sender{SenderType::member, kSenderLeaf, 0}) const {
        FramedContent content;
        content.group_id = context_.group_id;
        content.epoch = context_.epoch;
        content.sender = sender;
        content.authenticated_data = to_bytes("bed 12");
        content.content = std::move(body);
        return content;
    }

    /// Signed by signer_ (or `key`); a commit gets a confirmation tag.
    AuthenticatedContent signed_content(WireFormat wire_format, FramedContent content,
                                        ByteView key = {}) const {
        const bool commit = content.content_type() == ContentType::commit;
        AuthenticatedContent out =
            sign_framed_content(cs(), wire_format, std::move(content), &context_,
                                key.empty() ? ByteView(signer_.private_key) : key)
                .value();
        if (commit) out.auth.confirmation_tag = random_bytes(cs().hash_length());
        return out;
    }

    AuthenticatedContent private_content(std::variant<ApplicationData, Proposal, Commit> body,
                                         ByteView key = {}) const {
        return signed_content(WireFormat::private_message, framed(std::move(body)), key);
    }

    PrivateMessage send(SecretTree& tree, const AuthenticatedContent& content,
                        const PrivateMessageOptions& options = {}) const {
        return protect_private(cs(), content, context_, sender_data_secret_, tree, options).value();
    }

    Result<ReceivedPrivateMessage> receive(SecretTree& tree, const PrivateMessage& message) const {
        return unprotect_private(cs(), message, context_, sender_data_secret_, tree,
                                 member_lookup());
    }

    /// Every leaf holds a member whose signature key is signer_'s public key.
    SignatureKeyLookup member_lookup() const {
        Bytes key = signer_.public_key;
        return [key](tm::LeafIndex) -> std::optional<Bytes> { return key; };
    }

    GroupContext context_;
    KeyPair signer_;
    Bytes membership_key_;
    Bytes sender_data_secret_;
    Bytes encryption_secret_;
};

INSTANTIATE_TEST_SUITE_P(Suites, MessageProtection, ::testing::Values(kSuite1, kSuite3),
                         [](const auto& p) { return "suite" + std::to_string(p.param); });

// ---- Signatures ------------------------------------------------------------------------------

TEST_P(MessageProtection, SignatureCoversContentAndGroupContext) {
    const AuthenticatedContent content =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)));
    EXPECT_TRUE(verify_framed_content_signature(cs(), content, &context_, signer_.public_key));

    AuthenticatedContent altered = content;
    altered.content.authenticated_data.push_back(0);
    EXPECT_EQ(verify_framed_content_signature(cs(), altered, &context_, signer_.public_key).error(),
              Error::invalid_signature);
    altered = content;
    altered.wire_format = WireFormat::private_message;
    EXPECT_EQ(verify_framed_content_signature(cs(), altered, &context_, signer_.public_key).error(),
              Error::invalid_signature);

    GroupContext other_context = context_;
    other_context.tree_hash[0] ^= 0x01;
    EXPECT_EQ(
        verify_framed_content_signature(cs(), content, &other_context, signer_.public_key).error(),
        Error::invalid_signature);
    const KeyPair other = cs().generate_signature_key_pair();
    EXPECT_EQ(verify_framed_content_signature(cs(), content, &context_, other.public_key).error(),
              Error::invalid_signature);

    // A member's signature covers the GroupContext, so it cannot be made without one.
    EXPECT_EQ(sign_framed_content(cs(), WireFormat::public_message, framed(remove_proposal(1)),
                                  nullptr, signer_.private_key)
                  .error(),
              Error::invalid_value);
}

// ---- PublicMessage ---------------------------------------------------------------------------

TEST_P(MessageProtection, PublicRoundTripOfProposalAndCommit) {
    for (auto body : {std::variant<ApplicationData, Proposal, Commit>{remove_proposal(3)},
                      std::variant<ApplicationData, Proposal, Commit>{sample_commit()}}) {
        const AuthenticatedContent content =
            signed_content(WireFormat::public_message, framed(std::move(body)));
        const PublicMessage message =
            protect_public(cs(), content, context_, membership_key_).value();
        ASSERT_TRUE(message.membership_tag);
        EXPECT_EQ(message.membership_tag->size(), cs().hash_length());

        const PublicMessage received = reencoded(message, deserialize_public_message);
        const Result<AuthenticatedContent> out =
            unprotect_public(cs(), received, context_, membership_key_, signer_.public_key);
        ASSERT_TRUE(out) << to_string(out.error());
        EXPECT_EQ(*out, content);
    }
}

TEST_P(MessageProtection, PublicFromAnExternalSenderHasNoMembershipTag) {
    const AuthenticatedContent content = signed_content(
        WireFormat::public_message, framed(remove_proposal(0), Sender{SenderType::external, 0, 1}));
    const PublicMessage message = protect_public(cs(), content, context_, membership_key_).value();
    EXPECT_FALSE(message.membership_tag);
    // No membership key is involved, but the signature still is.
    EXPECT_EQ(unprotect_public(cs(), message, context_, {}, signer_.public_key).value(), content);
    const KeyPair other = cs().generate_signature_key_pair();
    EXPECT_EQ(unprotect_public(cs(), message, context_, {}, other.public_key).error(),
              Error::invalid_signature);

    // §6.1: an external sender only proposes.
    const AuthenticatedContent commit = signed_content(
        WireFormat::public_message, framed(sample_commit(), Sender{SenderType::external, 0, 1}));
    EXPECT_EQ(protect_public(cs(), commit, context_, membership_key_).error(),
              Error::invalid_sender);
}

TEST_P(MessageProtection, PublicRefusesAnAlteredMembershipTag) {
    const AuthenticatedContent content =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)));
    const PublicMessage message = protect_public(cs(), content, context_, membership_key_).value();

    PublicMessage altered = message;
    altered.membership_tag->back() ^= 0x80;
    EXPECT_EQ(
        unprotect_public(cs(), altered, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_membership_tag);
    altered.membership_tag->pop_back();
    EXPECT_EQ(
        unprotect_public(cs(), altered, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_membership_tag);
    altered.membership_tag.reset();
    EXPECT_EQ(
        unprotect_public(cs(), altered, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_membership_tag);

    // The tag is under this epoch's membership key and covers the auth data too.
    Bytes other_key = membership_key_;
    other_key[0] ^= 0x01;
    EXPECT_EQ(unprotect_public(cs(), message, context_, other_key, signer_.public_key).error(),
              Error::invalid_membership_tag);
    altered = message;
    altered.auth.signature[0] ^= 0x01;
    EXPECT_EQ(
        unprotect_public(cs(), altered, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_membership_tag);

    EXPECT_TRUE(unprotect_public(cs(), message, context_, membership_key_, signer_.public_key));
}

TEST_P(MessageProtection, PublicRefusesAnAlteredSignature) {
    AuthenticatedContent content =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)));
    content.auth.signature[5] ^= 0x04;
    // A member in the group (who knows the membership key) altered it: the tag is valid.
    const PublicMessage message = protect_public(cs(), content, context_, membership_key_).value();
    EXPECT_EQ(
        unprotect_public(cs(), message, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_signature);

    // Signed by another key than the sender's.
    const KeyPair other = cs().generate_signature_key_pair();
    const AuthenticatedContent forged =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)), other.private_key);
    const PublicMessage forged_message =
        protect_public(cs(), forged, context_, membership_key_).value();
    EXPECT_EQ(unprotect_public(cs(), forged_message, context_, membership_key_, signer_.public_key)
                  .error(),
              Error::invalid_signature);
}

TEST_P(MessageProtection, RefusesAnotherGroupOrEpoch) {
    const AuthenticatedContent content =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)));
    const PublicMessage message = protect_public(cs(), content, context_, membership_key_).value();

    GroupContext other_group = context_;
    other_group.group_id.push_back('x');
    GroupContext next_epoch = context_;
    ++next_epoch.epoch;
    EXPECT_EQ(
        unprotect_public(cs(), message, other_group, membership_key_, signer_.public_key).error(),
        Error::wrong_group);
    EXPECT_EQ(
        unprotect_public(cs(), message, next_epoch, membership_key_, signer_.public_key).error(),
        Error::wrong_epoch);
    EXPECT_EQ(protect_public(cs(), content, other_group, membership_key_).error(),
              Error::wrong_group);
    EXPECT_EQ(protect_public(cs(), content, next_epoch, membership_key_).error(),
              Error::wrong_epoch);

    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const AuthenticatedContent app = private_content(ApplicationData{to_bytes("K+ 6.1")});
    EXPECT_EQ(protect_private(cs(), app, other_group, sender_data_secret_, sender).error(),
              Error::wrong_group);
    EXPECT_EQ(protect_private(cs(), app, next_epoch, sender_data_secret_, sender).error(),
              Error::wrong_epoch);
    const PrivateMessage sealed = send(sender, app);
    EXPECT_EQ(
        unprotect_private(cs(), sealed, other_group, sender_data_secret_, receiver, member_lookup())
            .error(),
        Error::wrong_group);
    EXPECT_EQ(
        unprotect_private(cs(), sealed, next_epoch, sender_data_secret_, receiver, member_lookup())
            .error(),
        Error::wrong_epoch);
    EXPECT_TRUE(receive(receiver, sealed)) << "the refusals did not touch the key";
}

TEST_P(MessageProtection, ApplicationDataIsNeverAPublicMessage) {
    const AuthenticatedContent app = signed_content(
        WireFormat::public_message, framed(ApplicationData{to_bytes("BP 90/60, call me")}));
    EXPECT_EQ(protect_public(cs(), app, context_, membership_key_).error(),
              Error::invalid_wire_format);

    // Received in the clear with a tag: refused before the tag is even checked.
    const PublicMessage message{app.content, app.auth, Bytes(cs().hash_length(), 0)};
    EXPECT_EQ(
        unprotect_public(cs(), message, context_, membership_key_, signer_.public_key).error(),
        Error::invalid_wire_format);

    // Content signed for a PrivateMessage is not sent as a PublicMessage, nor the reverse.
    const AuthenticatedContent private_proposal = private_content(remove_proposal(1));
    EXPECT_EQ(protect_public(cs(), private_proposal, context_, membership_key_).error(),
              Error::invalid_wire_format);
    SecretTree sender = new_secret_tree();
    const AuthenticatedContent public_proposal =
        signed_content(WireFormat::public_message, framed(remove_proposal(1)));
    EXPECT_EQ(protect_private(cs(), public_proposal, context_, sender_data_secret_, sender).error(),
              Error::invalid_wire_format);
}

// ---- PrivateMessage --------------------------------------------------------------------------

TEST_P(MessageProtection, PrivateRoundTripOfApplicationProposalAndCommit) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const std::vector<AuthenticatedContent> contents{
        private_content(ApplicationData{to_bytes("troponin 0.4, repeat at 14:00")}),
        private_content(ApplicationData{to_bytes("second")}),
        private_content(remove_proposal(3)),
        private_content(sample_commit()),
    };
    // Application messages and handshake messages have their own ratchets.
    const std::vector<std::uint32_t> generations{0, 1, 0, 1};
    for (std::size_t i = 0; i < contents.size(); ++i) {
        const PrivateMessage sealed = send(sender, contents[i]);
        EXPECT_EQ(sealed.content_type, contents[i].content.content_type());
        EXPECT_EQ(sealed.authenticated_data, contents[i].content.authenticated_data);

        const PrivateMessage wire = reencoded(sealed, deserialize_private_message);
        const Result<ReceivedPrivateMessage> got = receive(receiver, wire);
        ASSERT_TRUE(got) << i << ": " << to_string(got.error());
        EXPECT_EQ(got->content, contents[i]) << i;
        EXPECT_EQ(got->sender.value, kSenderLeaf);
        EXPECT_EQ(got->generation, generations[i]) << i;
    }
    ASSERT_TRUE(contents[3].auth.confirmation_tag);
}

TEST_P(MessageProtection, ReplayIsRefused) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const PrivateMessage sealed = send(sender, private_content(ApplicationData{to_bytes("once")}));
    ASSERT_TRUE(receive(receiver, sealed));
    EXPECT_EQ(receive(receiver, sealed).error(), Error::generation_expired);

    const PrivateMessage proposal = send(sender, private_content(remove_proposal(1)));
    ASSERT_TRUE(receive(receiver, proposal));
    EXPECT_EQ(receive(receiver, proposal).error(), Error::generation_expired);
}

TEST_P(MessageProtection, OutOfOrderWithinTheLimitButNotBeyond) {
    constexpr RatchetLimits limits{.max_forward = 3, .max_skipped_keys = 16};
    SecretTree sender = new_secret_tree();
    std::vector<PrivateMessage> sealed;
    for (int i = 0; i < 6; ++i)
        sealed.push_back(send(
            sender, private_content(ApplicationData{to_bytes("vitals " + std::to_string(i))})));

    SecretTree receiver = new_secret_tree(limits);
    EXPECT_EQ(receive(receiver, sealed[4]).error(), Error::generation_too_far);
    for (const std::size_t g : {3u, 0u, 2u, 5u, 1u, 4u}) {
        const Result<ReceivedPrivateMessage> got = receive(receiver, sealed[g]);
        ASSERT_TRUE(got) << g << ": " << to_string(got.error());
        EXPECT_EQ(got->generation, g);
        EXPECT_EQ(std::get<ApplicationData>(got->content.content.content).data,
                  to_bytes("vitals " + std::to_string(g)));
    }
}

TEST_P(MessageProtection, AlteredMessagesDoNotConsumeTheKey) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const PrivateMessage sealed =
        send(sender, private_content(ApplicationData{to_bytes("NPO after midnight")}));
    // The sender data key comes from the first Nh bytes of the ciphertext.
    ASSERT_GT(sealed.ciphertext.size(), cs().hash_length());

    PrivateMessage altered = sealed;
    altered.ciphertext.back() ^= 0x01;
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);
    altered = sealed;
    altered.authenticated_data.push_back(0);  // not in the sender data's AAD
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);

    // Another member of the epoch (who holds the same secrets) forges leaf kSenderLeaf's
    // message of generation 0 with a key that is not the sender's.
    SecretTree forger = new_secret_tree();
    const KeyPair other = cs().generate_signature_key_pair();
    const PrivateMessage forged =
        send(forger, private_content(ApplicationData{to_bytes("forged")}, other.private_key));
    EXPECT_EQ(receive(receiver, forged).error(), Error::invalid_signature);

    const Result<ReceivedPrivateMessage> got = receive(receiver, sealed);
    ASSERT_TRUE(got) << to_string(got.error());
    EXPECT_EQ(std::get<ApplicationData>(got->content.content.content).data,
              to_bytes("NPO after midnight"));
}

TEST_P(MessageProtection, AlteredSenderDataFailsToDecrypt) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const PrivateMessage sealed = send(sender, private_content(remove_proposal(1)));

    PrivateMessage altered = sealed;
    altered.encrypted_sender_data[0] ^= 0x01;
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);
    altered = sealed;
    altered.encrypted_sender_data.pop_back();
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);
    // The sample of the ciphertext keys the sender data, and the content type is in its AAD.
    altered = sealed;
    altered.ciphertext[0] ^= 0x01;
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);
    altered = sealed;
    altered.content_type = ContentType::commit;
    EXPECT_EQ(receive(receiver, altered).error(), Error::decryption_failed);
    // Under another epoch's sender data secret.
    Bytes other_secret = sender_data_secret_;
    other_secret[0] ^= 0x01;
    EXPECT_EQ(
        unprotect_private(cs(), sealed, context_, other_secret, receiver, member_lookup()).error(),
        Error::decryption_failed);

    EXPECT_TRUE(receive(receiver, sealed));
}

TEST_P(MessageProtection, SenderLeafWithoutAMemberIsRefused) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const PrivateMessage sealed = send(sender, private_content(ApplicationData{to_bytes("hi")}));
    std::vector<std::uint32_t> asked;
    const SignatureKeyLookup blank_sender = [&](tm::LeafIndex leaf) -> std::optional<Bytes> {
        asked.push_back(leaf.value);
        if (leaf.value == kSenderLeaf) return std::nullopt;
        return signer_.public_key;
    };
    EXPECT_EQ(unprotect_private(cs(), sealed, context_, sender_data_secret_, receiver, blank_sender)
                  .error(),
              Error::invalid_leaf);
    EXPECT_EQ(asked, std::vector<std::uint32_t>{kSenderLeaf});
    EXPECT_TRUE(receive(receiver, sealed)) << "the key is still there";

    // A sender outside the secret tree has no ratchet to encrypt with.
    const AuthenticatedContent outside = signed_content(
        WireFormat::private_message,
        framed(ApplicationData{to_bytes("hi")}, Sender{SenderType::member, kLeaves, 0}));
    EXPECT_EQ(protect_private(cs(), outside, context_, sender_data_secret_, sender).error(),
              Error::invalid_leaf);
}

TEST_P(MessageProtection, PaddingHidesLengthsWithinABlock) {
    SecretTree sender = new_secret_tree();
    SecretTree receiver = new_secret_tree();
    const std::size_t tag = cs().aead().tag_length();
    const PrivateMessageOptions padded{.padding_block = 64};
    const PrivateMessage a =
        send(sender, private_content(ApplicationData{to_bytes("Na 139")}), padded);
    const PrivateMessage b =
        send(sender, private_content(ApplicationData{to_bytes("Na 139 mmol/L")}), padded);
    EXPECT_EQ(a.ciphertext.size(), b.ciphertext.size());
    EXPECT_EQ((a.ciphertext.size() - tag) % 64, 0u);
    // Without padding the lengths show.
    const PrivateMessageOptions unpadded{.padding_block = 0};
    const PrivateMessage c =
        send(sender, private_content(ApplicationData{to_bytes("Na 139")}), unpadded);
    const PrivateMessage d =
        send(sender, private_content(ApplicationData{to_bytes("Na 139 mmol/L")}), unpadded);
    EXPECT_EQ(d.ciphertext.size() - c.ciphertext.size(), 7u);
    EXPECT_LT(c.ciphertext.size(), a.ciphertext.size());

    // The receiver strips the padding whatever its length.
    for (const PrivateMessage* m : {&a, &b, &c, &d}) EXPECT_TRUE(receive(receiver, *m));
}

TEST_P(MessageProtection, PrivateMessagesComeOnlyFromMembers) {
    SecretTree sender = new_secret_tree();
    for (const Sender& who :
         {Sender{SenderType::external, 0, 0}, Sender{SenderType::new_member_proposal, 0, 0}}) {
        const AuthenticatedContent content =
            signed_content(WireFormat::private_message, framed(remove_proposal(1), who));
        EXPECT_EQ(protect_private(cs(), content, context_, sender_data_secret_, sender).error(),
                  Error::invalid_sender);
    }
    // Nothing was taken from a ratchet by the refusals.
    HashRatchet* handshake =
        sender.ratchet(tm::LeafIndex{kSenderLeaf}, RatchetKind::handshake).value();
    EXPECT_EQ(handshake->next_generation(), 0u);
}

}  // namespace
}  // namespace wardline::mls
