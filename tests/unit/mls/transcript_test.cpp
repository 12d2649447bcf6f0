// SPDX-License-Identifier: Apache-2.0
// Transcript hashes and confirmation tags (RFC 9420 §8.2, §6.1) beyond the vectors
// (transcript-hashes.json runs in mls-conformance): what each hash depends on, and refusals.
#include "common/mls/transcript.hpp"

#include "common/mls/message_protection.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

const CipherSuite& suite() {
    return *suite_for(kSuite1);
}

GroupContext sample_context() {
    GroupContext context;
    context.cipher_suite = kSuite1;
    context.group_id = to_bytes("icu-night-shift");
    context.epoch = 9;
    context.tree_hash = Bytes(32, 0x31);
    context.confirmed_transcript_hash = Bytes(32, 0x32);
    return context;
}

AuthenticatedContent signed_commit(const KeyPair& signer) {
    const GroupContext context = sample_context();
    FramedContent content;
    content.group_id = context.group_id;
    content.epoch = context.epoch;
    content.sender = Sender{SenderType::member, 1, 0};
    Commit commit;
    commit.proposals.push_back(ProposalOrRef{Proposal{Remove{2}}});
    content.content = std::move(commit);
    AuthenticatedContent out = sign_framed_content(suite(), WireFormat::public_message,
                                                   std::move(content), &context, signer.private_key)
                                   .value();
    out.auth.confirmation_tag = Bytes(32, 0x5c);
    return out;
}

TEST(Transcript, HashesChainOverSignatureAndTag) {
    const KeyPair signer = suite().generate_signature_key_pair();
    const AuthenticatedContent commit = signed_commit(signer);
    const Bytes interim_before(32, 0x11);
    const TranscriptHashes hashes = next_transcript_hashes(suite(), interim_before, commit).value();
    EXPECT_EQ(hashes.confirmed.size(), suite().hash_length());
    EXPECT_EQ(hashes.confirmed, confirmed_transcript_hash(suite(), interim_before, commit).value());
    EXPECT_EQ(
        hashes.interim,
        interim_transcript_hash(suite(), hashes.confirmed, *commit.auth.confirmation_tag).value());
    EXPECT_NE(hashes.confirmed, hashes.interim);

    // Another signature changes both hashes.
    AuthenticatedContent other_signature = commit;
    other_signature.auth.signature[0] ^= 0x01;
    const TranscriptHashes after_signature =
        next_transcript_hashes(suite(), interim_before, other_signature).value();
    EXPECT_NE(after_signature.confirmed, hashes.confirmed);
    EXPECT_NE(after_signature.interim, hashes.interim);

    // Another tag leaves the confirmed hash (which the tag is computed over) and changes the
    // interim one.
    AuthenticatedContent other_tag = commit;
    other_tag.auth.confirmation_tag->back() ^= 0x01;
    const TranscriptHashes after_tag =
        next_transcript_hashes(suite(), interim_before, other_tag).value();
    EXPECT_EQ(after_tag.confirmed, hashes.confirmed);
    EXPECT_NE(after_tag.interim, hashes.interim);

    // The chain: the previous interim hash goes into the next confirmed one.
    const TranscriptHashes other_start =
        next_transcript_hashes(suite(), Bytes(32, 0x12), commit).value();
    EXPECT_NE(other_start.confirmed, hashes.confirmed);
    EXPECT_NE(other_start.interim, hashes.interim);
}

TEST(Transcript, ConfirmationTagIsCheckedExactly) {
    const Bytes key(32, 0x21);
    const Bytes confirmed(32, 0x22);
    const Bytes tag = confirmation_tag(suite(), key, confirmed);
    EXPECT_EQ(tag.size(), suite().hash_length());
    EXPECT_TRUE(verify_confirmation_tag(suite(), key, confirmed, tag));

    Bytes altered = tag;
    altered[7] ^= 0x10;
    EXPECT_EQ(verify_confirmation_tag(suite(), key, confirmed, altered).error(),
              Error::invalid_confirmation_tag);
    const Bytes truncated(tag.begin(), tag.end() - 1);
    EXPECT_EQ(verify_confirmation_tag(suite(), key, confirmed, truncated).error(),
              Error::invalid_confirmation_tag);
    EXPECT_EQ(verify_confirmation_tag(suite(), key, confirmed, {}).error(),
              Error::invalid_confirmation_tag);
    Bytes other_confirmed = confirmed;
    other_confirmed[0] ^= 0x01;
    EXPECT_EQ(verify_confirmation_tag(suite(), key, other_confirmed, tag).error(),
              Error::invalid_confirmation_tag);
    const Bytes other_key(32, 0x23);
    EXPECT_EQ(verify_confirmation_tag(suite(), other_key, confirmed, tag).error(),
              Error::invalid_confirmation_tag);
}

TEST(Transcript, OnlyACommitWithItsTagExtendsTheTranscript) {
    const KeyPair signer = suite().generate_signature_key_pair();
    const Bytes interim(32, 0x11);

    AuthenticatedContent untagged = signed_commit(signer);
    untagged.auth.confirmation_tag.reset();
    EXPECT_EQ(next_transcript_hashes(suite(), interim, untagged).error(), Error::invalid_value);
    EXPECT_TRUE(confirmed_transcript_hash(suite(), interim, untagged))
        << "the confirmed hash does not need the tag";

    AuthenticatedContent proposal = signed_commit(signer);
    proposal.content.content = Proposal{Remove{2}};
    EXPECT_EQ(next_transcript_hashes(suite(), interim, proposal).error(), Error::invalid_value);
    EXPECT_EQ(confirmed_transcript_hash(suite(), interim, proposal).error(), Error::invalid_value);
    proposal.auth.confirmation_tag.reset();
    EXPECT_EQ(next_transcript_hashes(suite(), interim, proposal).error(), Error::invalid_value);

    AuthenticatedContent application = signed_commit(signer);
    application.content.content = ApplicationData{to_bytes("not a commit")};
    EXPECT_EQ(next_transcript_hashes(suite(), interim, application).error(), Error::invalid_value);
}

}  // namespace
}  // namespace wardline::mls
