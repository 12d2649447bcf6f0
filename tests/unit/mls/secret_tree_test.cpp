// SPDX-License-Identifier: Apache-2.0
// The secret tree's ratchets beyond the vectors (secret-tree.json runs in mls-conformance):
// sender and receiver agree, out-of-order generations within the bounds, deletion after use,
// and refusals for leaves outside the tree and generations too old or too far ahead.
#include "common/mls/secret_tree.hpp"
#include "common/mls/key_schedule.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

namespace tm = tree_math;

const CipherSuite& suite() {
    return *suite_for(kSuite3);
}

SecretTree make_tree(std::uint32_t leaves, RatchetLimits limits = {}) {
    const Bytes secret(32, 0x42);
    return SecretTree::create(suite(), secret, tm::LeafCount::make(leaves).value(), limits).value();
}

TEST(SecretTree, SenderAndReceiverDeriveTheSameKeysInOrderAndOutOfOrder) {
    SecretTree sender = make_tree(8);
    SecretTree receiver = make_tree(8);
    HashRatchet* out = sender.ratchet(tm::LeafIndex{5}, RatchetKind::application).value();
    std::vector<RatchetKey> sent;
    for (int i = 0; i < 6; ++i) sent.push_back(out->next().value());
    EXPECT_EQ(out->next_generation(), 6u);

    HashRatchet* in = receiver.ratchet(tm::LeafIndex{5}, RatchetKind::application).value();
    for (const std::uint32_t g : {4u, 0u, 5u, 2u, 1u, 3u}) {
        const RatchetKey k = in->get(g).value();
        EXPECT_EQ(k.generation, g);
        EXPECT_EQ(k.key, sent[g].key) << g;
        EXPECT_EQ(k.nonce, sent[g].nonce) << g;
    }
    // Keys differ between generations, kinds and leaves.
    EXPECT_NE(sent[0].key, sent[1].key);
    HashRatchet* handshake = receiver.ratchet(tm::LeafIndex{5}, RatchetKind::handshake).value();
    EXPECT_NE(handshake->get(0).value().key, sent[0].key);
    HashRatchet* other = receiver.ratchet(tm::LeafIndex{4}, RatchetKind::application).value();
    EXPECT_NE(other->get(0).value().key, sent[0].key);
}

TEST(SecretTree, AKeyIsGoneOnceErasedAndTheLeafIsDerivedOnlyOnce) {
    SecretTree tree = make_tree(4);
    HashRatchet* r = tree.ratchet(tm::LeafIndex{1}, RatchetKind::application).value();
    const RatchetKey first = r->get(3).value();
    EXPECT_EQ(r->get(3).value().key, first.key) << "kept until erased";
    r->erase(3);
    EXPECT_EQ(r->get(3).error(), Error::generation_expired);
    EXPECT_TRUE(r->get(1)) << "skipped generations stay readable";
    // Asking for the same leaf again returns the same ratchet, not a re-derived one.
    EXPECT_EQ(tree.ratchet(tm::LeafIndex{1}, RatchetKind::application).value(), r);
}

TEST(SecretTree, RefusesLeavesOutsideTheTreeAndTheEmptyTree) {
    SecretTree tree = make_tree(4);
    EXPECT_EQ(tree.ratchet(tm::LeafIndex{4}, RatchetKind::handshake).error(), Error::invalid_leaf);
    EXPECT_EQ(SecretTree::create(suite(), Bytes(32, 1), tm::LeafCount::make(0).value()).error(),
              Error::invalid_leaf);
}

TEST(SecretTree, BoundsHowFarAheadAndHowManySkippedKeysAreKept) {
    SecretTree tree = make_tree(2, RatchetLimits{.max_forward = 10, .max_skipped_keys = 4});
    HashRatchet* r = tree.ratchet(tm::LeafIndex{0}, RatchetKind::application).value();
    EXPECT_EQ(r->get(11).error(), Error::generation_too_far);
    EXPECT_EQ(r->next_generation(), 0u) << "a refused jump does not move the ratchet";
    ASSERT_TRUE(r->get(10));
    // Generations 0..10 were derived; only the 4 newest keys are kept.
    EXPECT_EQ(r->get(6).error(), Error::generation_expired);
    EXPECT_TRUE(r->get(7));
    EXPECT_TRUE(r->get(10));
    // The bound counts from the next expected generation, now 11.
    EXPECT_EQ(r->get(22).error(), Error::generation_too_far);
    EXPECT_TRUE(r->get(21));
}

TEST(SecretTree, PeekGivesTheKeyOfGetAndChangesNothing) {
    SecretTree tree = make_tree(2, RatchetLimits{.max_forward = 10, .max_skipped_keys = 16});
    HashRatchet* r = tree.ratchet(tm::LeafIndex{1}, RatchetKind::handshake).value();
    ASSERT_TRUE(r->get(2));  // 0 and 1 kept, next expected 3
    const RatchetKey ahead = r->peek(8).value();
    EXPECT_EQ(r->next_generation(), 3u);
    EXPECT_EQ(r->peek(14).error(), Error::generation_too_far);  // 3 + max_forward is the last
    const RatchetKey kept = r->peek(1).value();
    r->erase(2);
    EXPECT_EQ(r->peek(2).error(), Error::generation_expired);
    // What peek showed is what get gives; the skipped keys 0 and 1 were not pushed out.
    EXPECT_EQ(r->get(8).value().key, ahead.key);
    EXPECT_EQ(r->get(8).value().nonce, ahead.nonce);
    EXPECT_EQ(r->get(1).value().key, kept.key);
}

TEST(KeySchedule, ExportsDependOnLabelContextAndLength) {
    const Bytes exporter(32, 9);
    const Bytes a =
        mls_export(suite(), exporter, "wardline attachment", to_bytes("ctx"), 32).value();
    EXPECT_NE(a, mls_export(suite(), exporter, "wardline other", to_bytes("ctx"), 32).value());
    EXPECT_NE(a,
              mls_export(suite(), exporter, "wardline attachment", to_bytes("ctx2"), 32).value());
    EXPECT_EQ(
        mls_export(suite(), exporter, "wardline attachment", to_bytes("ctx"), 16).value().size(),
        16u);
    // No PSKs: the PSK secret is Nh zero bytes (§8.4).
    EXPECT_EQ(psk_secret(suite(), {}).value(), Bytes(32, 0));
}

}  // namespace
}  // namespace wardline::mls
