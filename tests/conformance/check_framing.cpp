// SPDX-License-Identifier: Apache-2.0
// transcript-hashes.json (§8.2 transcript hashes, §6.1 confirmation tag) and
// message-protection.json (§6.1 signatures, §6.2 PublicMessage membership tags, §6.3
// PrivateMessage encryption).
#include "common/mls/framing.hpp"
#include "common/mls/message_protection.hpp"
#include "common/mls/secret_tree.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/transcript.hpp"
#include "tests/conformance/conformance.hpp"

#include <string>
#include <variant>

namespace wardline::mls::conformance {

namespace tm = tree_math;

FileReport check_transcript_hashes(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const AuthenticatedContent commit =
            deserialize_authenticated_content(hex_field(v, "authenticated_content")).value();
        const Bytes confirmed =
            confirmed_transcript_hash(*cs, hex_field(v, "interim_transcript_hash_before"), commit)
                .value();
        c.expect_eq("confirmed_transcript_hash_after", confirmed,
                    hex_field(v, "confirmed_transcript_hash_after"));
        if (!commit.auth.confirmation_tag) {
            c.fail("the authenticated content has no confirmation tag");
            return;
        }
        c.expect_true("confirmation_tag verifies",
                      verify_confirmation_tag(*cs, hex_field(v, "confirmation_key"), confirmed,
                                              *commit.auth.confirmation_tag)
                          .has_value());
        c.expect_eq("interim_transcript_hash_after",
                    interim_transcript_hash(*cs, confirmed, *commit.auth.confirmation_tag).value(),
                    hex_field(v, "interim_transcript_hash_after"));
        const TranscriptHashes both =
            next_transcript_hashes(*cs, hex_field(v, "interim_transcript_hash_before"), commit)
                .value();
        c.expect_eq("next_transcript_hashes confirmed", both.confirmed, confirmed);
        c.expect_eq("next_transcript_hashes interim", both.interim,
                    hex_field(v, "interim_transcript_hash_after"));
    });
}

namespace {

// The vectors' group: two members, the sender at leaf 1 (its sender data says so, and the
// content keys only match a secret tree of two leaves).
constexpr std::uint32_t kLeaves = 2;

struct Epoch {
    const CipherSuite* cs;
    GroupContext context;
    Bytes signature_priv;
    Bytes signature_pub;
    Bytes encryption_secret;
    Bytes sender_data_secret;
    Bytes membership_key;

    [[nodiscard]] SecretTree fresh_secret_tree() const {
        return SecretTree::create(*cs, encryption_secret, tm::LeafCount::make(kLeaves).value())
            .value();
    }
    // Every leaf of the vectors' tree holds the one signer whose key the vector gives.
    [[nodiscard]] SignatureKeyLookup lookup() const {
        return [key = signature_pub](tm::LeafIndex leaf) -> std::optional<Bytes> {
            if (leaf.value >= kLeaves) return std::nullopt;
            return key;
        };
    }
};

// The serialized body of a content (Proposal, Commit, or the bare application data).
Bytes body_bytes(const FramedContent& content) {
    if (const auto* app = std::get_if<ApplicationData>(&content.content)) return app->data;
    if (const auto* proposal = std::get_if<Proposal>(&content.content))
        return serialize(*proposal).value();
    return serialize(std::get<Commit>(content.content)).value();
}

PrivateMessage private_message_of(ByteView serialized) {
    MLSMessage m = deserialize_mls_message(serialized).value();
    return std::get<PrivateMessage>(std::move(m.body));
}

PublicMessage public_message_of(ByteView serialized) {
    MLSMessage m = deserialize_mls_message(serialized).value();
    return std::get<PublicMessage>(std::move(m.body));
}

// Reads the vector's PrivateMessage, then sends the same content as a PrivateMessage of our
// own and reads it back.
void check_private(const Epoch& e, Case& c, const std::string& name, ByteView want_body,
                   ByteView message_bytes) {
    SecretTree receiver = e.fresh_secret_tree();
    const ReceivedPrivateMessage got =
        unprotect_private(*e.cs, private_message_of(message_bytes), e.context, e.sender_data_secret,
                          receiver, e.lookup())
            .value();
    c.expect_eq(name + "_priv content", body_bytes(got.content.content), want_body);
    c.expect_true(name + "_priv sender is leaf 1", got.sender.value == 1);

    FramedContent ours = got.content.content;
    AuthenticatedContent signed_content =
        sign_framed_content(*e.cs, WireFormat::private_message, ours, &e.context, e.signature_priv)
            .value();
    signed_content.auth.confirmation_tag = got.content.auth.confirmation_tag;
    SecretTree sender = e.fresh_secret_tree();
    const PrivateMessage sent =
        protect_private(*e.cs, signed_content, e.context, e.sender_data_secret, sender).value();
    const Bytes wire = serialize(MLSMessage{ProtocolVersion::mls10, sent}).value();
    SecretTree receiver2 = e.fresh_secret_tree();
    const ReceivedPrivateMessage back =
        unprotect_private(*e.cs, private_message_of(wire), e.context, e.sender_data_secret,
                          receiver2, e.lookup())
            .value();
    c.expect_true(name + " private round trip", back.content == signed_content);
}

// Reads the vector's PublicMessage, then sends the same content as a PublicMessage of our own
// and reads it back.
void check_public(const Epoch& e, Case& c, const std::string& name, ByteView want_body,
                  ByteView message_bytes) {
    const AuthenticatedContent got = unprotect_public(*e.cs, public_message_of(message_bytes),
                                                      e.context, e.membership_key, e.signature_pub)
                                         .value();
    c.expect_eq(name + "_pub content", body_bytes(got.content), want_body);

    AuthenticatedContent signed_content =
        sign_framed_content(*e.cs, WireFormat::public_message, got.content, &e.context,
                            e.signature_priv)
            .value();
    signed_content.auth.confirmation_tag = got.auth.confirmation_tag;
    const PublicMessage sent =
        protect_public(*e.cs, signed_content, e.context, e.membership_key).value();
    const Bytes wire = serialize(MLSMessage{ProtocolVersion::mls10, sent}).value();
    const AuthenticatedContent back = unprotect_public(*e.cs, public_message_of(wire), e.context,
                                                       e.membership_key, e.signature_pub)
                                          .value();
    c.expect_true(name + " public round trip", back == signed_content);
}

}  // namespace

FileReport check_message_protection(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        Epoch e{cs,
                GroupContext{ProtocolVersion::mls10,
                             cs->id(),
                             hex_field(v, "group_id"),
                             v.at("epoch").get<std::uint64_t>(),
                             hex_field(v, "tree_hash"),
                             hex_field(v, "confirmed_transcript_hash"),
                             {}},
                hex_field(v, "signature_priv"),
                hex_field(v, "signature_pub"),
                hex_field(v, "encryption_secret"),
                hex_field(v, "sender_data_secret"),
                hex_field(v, "membership_key")};
        c.expect_eq("signature_pub of signature_priv",
                    cs->signature_public_key(e.signature_priv).value(), e.signature_pub);
        for (const std::string name : {"proposal", "commit"}) {
            const Bytes body = hex_field(v, name);
            check_private(e, c, name, body, hex_field(v, name + "_priv"));
            check_public(e, c, name, body, hex_field(v, name + "_pub"));
        }
        check_private(e, c, "application", hex_field(v, "application"),
                      hex_field(v, "application_priv"));
    });
}

}  // namespace wardline::mls::conformance
