// SPDX-License-Identifier: Apache-2.0
// The wire structures beyond the round trip of messages.json (run by mls-conformance): wire
// formats and tags that match their fields, signed bytes, and malformed inputs (truncated, trailing
// bytes, unknown enumeration values, bad optional presence bytes) are refused with their specific
// error.
#include "common/mls/framing.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/tree_nodes.hpp"
#include "mls_vectors.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace {

using namespace wardline::mls;  // NOLINT(google-build-using-namespace): many types under test
using wardline::mls::test::from_hex;
using wardline::mls::test::load_vectors;

const nlohmann::json& cases() {
    static const nlohmann::json vectors = load_vectors("messages.json");
    return vectors;
}

Bytes field_bytes(const nlohmann::json& c, const char* name) {
    return from_hex(c.at(name).get<std::string>());
}

MLSMessage message(const nlohmann::json& c, const char* name) {
    Result<MLSMessage> m = deserialize_mls_message(field_bytes(c, name));
    if (!m) throw std::runtime_error(std::string(name) + " does not decode");
    return std::move(*m);
}

TEST(MessagesVectors, MessageWireFormatAndContentTypeMatchTheField) {
    const std::pair<const char*, WireFormat> formats[] = {
        {"mls_welcome", WireFormat::welcome},
        {"mls_group_info", WireFormat::group_info},
        {"mls_key_package", WireFormat::key_package},
        {"public_message_application", WireFormat::public_message},
        {"public_message_proposal", WireFormat::public_message},
        {"public_message_commit", WireFormat::public_message},
        {"private_message", WireFormat::private_message},
    };
    const std::pair<const char*, ContentType> contents[] = {
        {"public_message_application", ContentType::application},
        {"public_message_proposal", ContentType::proposal},
        {"public_message_commit", ContentType::commit},
    };
    for (const nlohmann::json& c : cases()) {
        for (const auto& [name, format] : formats) {
            SCOPED_TRACE(name);
            const MLSMessage m = message(c, name);
            EXPECT_EQ(m.version, ProtocolVersion::mls10);
            EXPECT_EQ(m.wire_format(), format);
        }
        for (const auto& [name, type] : contents) {
            SCOPED_TRACE(name);
            const MLSMessage m = message(c, name);
            const auto& pub = std::get<PublicMessage>(m.body);
            EXPECT_EQ(pub.content.content_type(), type);
            EXPECT_EQ(pub.auth.confirmation_tag.has_value(), type == ContentType::commit);
            EXPECT_EQ(pub.membership_tag.has_value(),
                      pub.content.sender.sender_type == SenderType::member);
        }
    }
}

TEST(MessagesVectors, SignedStructuresAreTheirTbsFollowedByTheSignature) {
    // RFC 9420 §10 and §12.4.3: KeyPackage and GroupInfo end with `opaque signature<V>` after
    // exactly their TBS fields.
    for (const nlohmann::json& c : cases()) {
        const Bytes kp_bytes = field_bytes(c, "mls_key_package");
        const MLSMessage kp_message = message(c, "mls_key_package");
        const auto& kp = std::get<KeyPackage>(kp_message.body);
        Result<Bytes> tbs = key_package_tbs(kp);
        ASSERT_TRUE(tbs);
        Writer w;
        w.bytes(*tbs);
        ASSERT_TRUE(w.vector(kp.signature));
        EXPECT_EQ(Bytes(kp_bytes.begin() + 4, kp_bytes.end()), w.take());

        const Bytes gi_bytes = field_bytes(c, "mls_group_info");
        const MLSMessage gi_message = message(c, "mls_group_info");
        const auto& gi = std::get<GroupInfo>(gi_message.body);
        tbs = group_info_tbs(gi);
        ASSERT_TRUE(tbs);
        w.bytes(*tbs);
        ASSERT_TRUE(w.vector(gi.signature));
        EXPECT_EQ(Bytes(gi_bytes.begin() + 4, gi_bytes.end()), w.take());
    }
}

// ---- Bad input -------------------------------------------------------------------------------

TEST(MessagesVectorsBadInput, EveryTruncationIsRefusedAsShortInput) {
    const nlohmann::json& c = cases().at(0);
    for (const char* name :
         {"mls_welcome", "mls_group_info", "mls_key_package", "ratchet_tree", "group_secrets",
          "commit", "public_message_commit", "public_message_proposal", "private_message"}) {
        const Bytes full = field_bytes(c, name);
        for (std::size_t n = 0; n < full.size(); ++n) {
            SCOPED_TRACE(std::string(name) + " cut to " + std::to_string(n));
            const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
            Error error = Error::invalid_key;
            if (std::string(name) == "ratchet_tree") {
                const auto r = deserialize_ratchet_tree(cut);
                ASSERT_FALSE(r);
                error = r.error();
            } else if (std::string(name) == "group_secrets") {
                const auto r = deserialize_group_secrets(cut);
                ASSERT_FALSE(r);
                error = r.error();
            } else if (std::string(name) == "commit") {
                const auto r = deserialize_commit(cut);
                ASSERT_FALSE(r);
                error = r.error();
            } else {
                const auto r = deserialize_mls_message(cut);
                ASSERT_FALSE(r);
                error = r.error();
            }
            EXPECT_TRUE(error == Error::truncated || error == Error::length_too_large)
                << to_string(error);
        }
    }
}

TEST(MessagesVectorsBadInput, TrailingByteIsRefused) {
    const nlohmann::json& c = cases().at(0);
    Bytes b = field_bytes(c, "mls_key_package");
    b.push_back(0);
    EXPECT_EQ(deserialize_mls_message(b).error(), Error::trailing_data);
    b = field_bytes(c, "ratchet_tree");
    b.push_back(0);
    EXPECT_EQ(deserialize_ratchet_tree(b).error(), Error::trailing_data);
    b = field_bytes(c, "remove_proposal");
    b.push_back(0);
    EXPECT_EQ(deserialize_remove(b).error(), Error::trailing_data);
    b = field_bytes(c, "commit");
    b.push_back(0);
    EXPECT_EQ(deserialize_commit(b).error(), Error::trailing_data);
}

TEST(MessagesVectorsBadInput, UnknownWireFormatIsRefused) {
    Bytes b = field_bytes(cases().at(0), "mls_key_package");
    for (const std::uint8_t format : std::initializer_list<std::uint8_t>{0x00, 0x06, 0xff}) {
        b[3] = format;
        const Result<MLSMessage> m = deserialize_mls_message(b);
        ASSERT_FALSE(m);
        EXPECT_EQ(m.error(), Error::invalid_value) << int{format};
    }
}

TEST(MessagesVectorsBadInput, UnknownProposalTypeIsRefused) {
    // Proposal {uint16 proposal_type; Remove {uint32 removed}}: type 3 decodes, 0, 8 and a
    // GREASE value (RFC 9420 §13.5) have no layout here.
    ASSERT_TRUE(deserialize_proposal(Bytes{0x00, 0x03, 0, 0, 0, 1}));
    for (const std::uint16_t type : std::initializer_list<std::uint16_t>{0x0000, 0x0008, 0x0a0a}) {
        const Bytes b{
            static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0, 0, 0, 1};
        EXPECT_EQ(deserialize_proposal(b).error(), Error::invalid_value) << type;
    }
}

TEST(MessagesVectorsBadInput, PresenceByteOtherThanZeroOrOneIsRefused) {
    // Commit {ProposalOrRef proposals<V> = empty; optional<UpdatePath> path}.
    EXPECT_TRUE(deserialize_commit(Bytes{0x00, 0x00}));
    EXPECT_EQ(deserialize_commit(Bytes{0x00, 0x02}).error(), Error::invalid_optional);
    // optional<Node> ratchet_tree<V> with one blank node, then presence 2.
    EXPECT_TRUE(deserialize_ratchet_tree(Bytes{0x01, 0x00}));
    EXPECT_EQ(deserialize_ratchet_tree(Bytes{0x01, 0x02}).error(), Error::invalid_optional);
    // GroupSecrets {joiner_secret<V> = empty; optional<PathSecret>; psks<V> = empty}.
    EXPECT_TRUE(deserialize_group_secrets(Bytes{0x00, 0x00, 0x00}));
    EXPECT_EQ(deserialize_group_secrets(Bytes{0x00, 0xff, 0x00}).error(), Error::invalid_optional);
}

TEST(MessagesVectorsBadInput, UnknownSelectorValuesAreRefused) {
    // Credential {uint16 credential_type; ...}: 1 basic, 2 x509.
    EXPECT_TRUE(deserialize_credential(Bytes{0x00, 0x01, 0x00}));
    EXPECT_EQ(deserialize_credential(Bytes{0x00, 0x03, 0x00}).error(), Error::invalid_value);
    // Node {uint8 node_type; ...}: ParentNode with three empty fields.
    EXPECT_TRUE(deserialize_node(Bytes{0x02, 0x00, 0x00, 0x00}));
    EXPECT_EQ(deserialize_node(Bytes{0x03, 0x00, 0x00, 0x00}).error(), Error::invalid_value);
    EXPECT_EQ(deserialize_node(Bytes{0x00, 0x00, 0x00, 0x00}).error(), Error::invalid_value);
    // PreSharedKeyID {uint8 psktype; external: psk_id<V>; psk_nonce<V>}.
    EXPECT_TRUE(deserialize_pre_shared_key_id(Bytes{0x01, 0x00, 0x00}));
    EXPECT_EQ(deserialize_pre_shared_key_id(Bytes{0x03, 0x00, 0x00}).error(), Error::invalid_value);
    // Sender {uint8 sender_type; ...}: new_member_proposal has no index.
    EXPECT_TRUE(deserialize_sender(Bytes{0x03}));
    EXPECT_EQ(deserialize_sender(Bytes{0x05}).error(), Error::invalid_value);
    // ProposalOrRef {uint8 type; reference: ProposalRef<V>}.
    EXPECT_TRUE(deserialize_proposal_or_ref(Bytes{0x02, 0x00}));
    EXPECT_EQ(deserialize_proposal_or_ref(Bytes{0x03, 0x00}).error(), Error::invalid_value);
    // PrivateMessage {group_id<V>; uint64 epoch; uint8 content_type; three opaque<V>}.
    Bytes pm{0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x00, 0x00, 0x00};
    EXPECT_TRUE(deserialize_private_message(pm));
    pm[9] = 0x04;
    EXPECT_EQ(deserialize_private_message(pm).error(), Error::invalid_value);
    // LeafNode: two empty keys, a basic credential with an empty identity, five empty
    // capability lists, then leaf_node_source (update: nothing), extensions<V>, signature<V>.
    Bytes leaf{0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00};
    EXPECT_TRUE(deserialize_leaf_node(leaf));
    leaf[10] = 0x04;
    EXPECT_EQ(deserialize_leaf_node(leaf).error(), Error::invalid_value);
}

// ---- Encoding rules and signed byte strings --------------------------------------------------

TEST(MessagesStructures, EncodingRefusesTagsThatContradictTheSelector) {
    const nlohmann::json& c = cases().at(0);
    MLSMessage m = message(c, "public_message_commit");
    auto& pub = std::get<PublicMessage>(m.body);
    ASSERT_EQ(pub.content.sender.sender_type, SenderType::member);
    pub.membership_tag.reset();
    EXPECT_EQ(serialize(m).error(), Error::invalid_value);

    m = message(c, "public_message_commit");
    std::get<PublicMessage>(m.body).auth.confirmation_tag.reset();
    EXPECT_EQ(serialize(m).error(), Error::invalid_value);

    Credential cred;
    cred.credential_type = static_cast<CredentialType>(7);
    EXPECT_EQ(serialize(cred).error(), Error::invalid_value);
}

TEST(MessagesStructures, AuthenticatedContentRoundTripsForEachPublicMessage) {
    // RFC 9420 §6: AuthenticatedContent {WireFormat; FramedContent; FramedContentAuthData}, the
    // same content and auth as the PublicMessage carries.
    for (const char* name :
         {"public_message_application", "public_message_proposal", "public_message_commit"}) {
        SCOPED_TRACE(name);
        const MLSMessage m = message(cases().at(0), name);
        const auto& pub = std::get<PublicMessage>(m.body);
        const AuthenticatedContent ac{WireFormat::public_message, pub.content, pub.auth};
        const Result<Bytes> bytes = serialize(ac);
        ASSERT_TRUE(bytes);
        const Result<AuthenticatedContent> back = deserialize_authenticated_content(*bytes);
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, ac);
        EXPECT_EQ(serialize(*back).value(), *bytes);

        Bytes unknown = *bytes;
        unknown[1] = 0x09;
        EXPECT_EQ(deserialize_authenticated_content(unknown).error(), Error::invalid_value);
    }
}

TEST(MessagesStructures, FramedContentTbsAddsTheGroupContextForMembersOnly) {
    const MLSMessage m = message(cases().at(0), "public_message_application");
    FramedContent content = std::get<PublicMessage>(m.body).content;
    content.sender = Sender{SenderType::member, 3, 0};
    EXPECT_EQ(framed_content_tbs(WireFormat::public_message, content, nullptr).error(),
              Error::invalid_value);

    GroupContext context;
    context.group_id = {1, 2, 3};
    const Result<Bytes> tbs = framed_content_tbs(WireFormat::public_message, content, &context);
    ASSERT_TRUE(tbs);
    Writer w;
    w.u16(1);  // mls10
    w.u16(1);  // public_message
    ASSERT_TRUE(encode(w, content));
    ASSERT_TRUE(encode(w, context));
    EXPECT_EQ(*tbs, w.take());

    content.sender = Sender{SenderType::new_member_proposal, 0, 0};
    const Result<Bytes> external = framed_content_tbs(WireFormat::public_message, content, nullptr);
    ASSERT_TRUE(external);
    w.u16(1);
    w.u16(1);
    ASSERT_TRUE(encode(w, content));
    EXPECT_EQ(*external, w.take());
}

TEST(MessagesStructures, TranscriptHashInputsFollowSection8_2) {
    const MLSMessage m = message(cases().at(0), "public_message_commit");
    const auto& pub = std::get<PublicMessage>(m.body);
    const Result<Bytes> confirmed = confirmed_transcript_hash_input(
        WireFormat::public_message, pub.content, pub.auth.signature);
    ASSERT_TRUE(confirmed);
    Writer w;
    w.u16(1);
    ASSERT_TRUE(encode(w, pub.content));
    ASSERT_TRUE(w.vector(pub.auth.signature));
    EXPECT_EQ(*confirmed, w.take());

    const Result<Bytes> interim = interim_transcript_hash_input(*pub.auth.confirmation_tag);
    ASSERT_TRUE(interim);
    ASSERT_TRUE(w.vector(*pub.auth.confirmation_tag));
    EXPECT_EQ(*interim, w.take());

    const MLSMessage app = message(cases().at(0), "public_message_application");
    EXPECT_EQ(confirmed_transcript_hash_input(WireFormat::public_message,
                                              std::get<PublicMessage>(app.body).content, {})
                  .error(),
              Error::invalid_value);
}

TEST(MessagesStructures, LeafNodeTbsBindsUpdateAndCommitLeavesToGroupAndIndex) {
    const MLSMessage m = message(cases().at(0), "mls_key_package");
    LeafNode leaf = std::get<KeyPackage>(m.body).leaf_node;
    ASSERT_EQ(leaf.leaf_node_source, LeafNodeSource::key_package);
    const Bytes group_id{9, 9};
    const Result<Bytes> kp_tbs = leaf_node_tbs(leaf, group_id, 5);
    ASSERT_TRUE(kp_tbs);
    const Result<Bytes> whole = serialize(leaf);
    ASSERT_TRUE(whole);
    Writer sig;
    ASSERT_TRUE(sig.vector(leaf.signature));
    // key_package: the leaf without its signature, nothing appended.
    EXPECT_EQ(*kp_tbs,
              Bytes(whole->begin(), whole->end() - static_cast<std::ptrdiff_t>(sig.data().size())));

    leaf.leaf_node_source = LeafNodeSource::update;
    const Result<Bytes> update_tbs = leaf_node_tbs(leaf, group_id, 5);
    ASSERT_TRUE(update_tbs);
    ASSERT_GE(update_tbs->size(), 7u);
    EXPECT_EQ(Bytes(update_tbs->end() - 7, update_tbs->end()), (Bytes{2, 9, 9, 0, 0, 0, 5}));
}

}  // namespace
