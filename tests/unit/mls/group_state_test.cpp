// SPDX-License-Identifier: Apache-2.0
// A member's stored group state (Group::serialize_state / Group::restore): a restored member
// carries on in the group exactly as the original would, including messages it has already
// read, and corrupted or inconsistent state is refused.
#include "common/mls/group.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

KeyPackageBundle device(const CipherSuite& cs, std::string_view name) {
    Credential credential;
    credential.identity = to_bytes(name);
    return make_key_package(cs, std::move(credential), cs.generate_signature_key_pair(), 0,
                            UINT64_MAX)
        .value();
}

struct ThreeMembers {
    Group alice;
    Group bob;
    Group carol;
};

ThreeMembers three_members(const CipherSuite& cs) {
    Group alice = Group::create(cs, to_bytes("ward-7"), device(cs, "alice")).value();
    const KeyPackageBundle bob_kp = device(cs, "bob");
    const KeyPackageBundle carol_kp = device(cs, "carol");
    const std::vector<Proposal> adds{Proposal{Add{bob_kp.key_package}},
                                     Proposal{Add{carol_kp.key_package}}};
    CommitOutput out = alice.commit(adds).value();
    const Welcome& welcome = std::get<Welcome>(out.welcome->body);
    Group bob = Group::join(cs, welcome, bob_kp, std::nullopt).value();
    Group carol = Group::join(cs, welcome, carol_kp, std::nullopt).value();
    return {std::move(out.next), std::move(bob), std::move(carol)};
}

Bytes read_text(Group& g, const MLSMessage& m) {
    auto processed = g.process(m);
    EXPECT_TRUE(processed.has_value());
    if (!processed) return {};
    return std::get<ApplicationMessage>(*processed).data;
}

class GroupState : public ::testing::TestWithParam<std::uint16_t> {
protected:
    const CipherSuite& cs = *suite_for(GetParam());
};

TEST_P(GroupState, RestoredMemberCarriesOnAsTheOriginal) {
    ThreeMembers g = three_members(cs);
    const MLSMessage first = g.alice.encrypt(to_bytes("obs at 14:00")).value();
    const MLSMessage second = g.alice.encrypt(to_bytes("obs at 14:15")).value();
    EXPECT_EQ(read_text(g.bob, second), to_bytes("obs at 14:15"));  // out of order: first kept

    Group restored = Group::restore(g.bob.serialize_state().value()).value();
    EXPECT_EQ(restored.epoch(), g.bob.epoch());
    EXPECT_EQ(restored.epoch_authenticator(), g.bob.epoch_authenticator());
    EXPECT_EQ(restored.own_leaf(), g.bob.own_leaf());
    EXPECT_EQ(restored.members(), g.bob.members());
    EXPECT_EQ(restored.export_secret("attachment", {}, 32).value(),
              g.alice.export_secret("attachment", {}, 32).value());
    // The skipped key of the first message survived; the used key of the second did not.
    EXPECT_EQ(read_text(restored, first), to_bytes("obs at 14:00"));
    EXPECT_EQ(restored.process(second).error(), Error::generation_expired);

    // It commits, and the others follow; it reads what they send in the new epoch.
    CommitOutput out = restored.commit({}).value();
    ASSERT_TRUE(g.alice.process(out.commit).has_value());
    ASSERT_TRUE(g.carol.process(out.commit).has_value());
    restored = std::move(out.next);
    EXPECT_EQ(restored.epoch_authenticator(), g.alice.epoch_authenticator());
    EXPECT_EQ(restored.epoch_authenticator(), g.carol.epoch_authenticator());
    EXPECT_EQ(read_text(restored, g.carol.encrypt(to_bytes("bed 4")).value()), to_bytes("bed 4"));
    EXPECT_EQ(read_text(g.alice, restored.encrypt(to_bytes("on my way")).value()),
              to_bytes("on my way"));
}

TEST_P(GroupState, RestoredSenderDoesNotReuseGenerations) {
    ThreeMembers g = three_members(cs);
    EXPECT_EQ(read_text(g.bob, g.alice.encrypt(to_bytes("one")).value()), to_bytes("one"));
    Group alice = Group::restore(g.alice.serialize_state().value()).value();
    // A restored sender continues its ratchet: the receiver accepts its next message, which it
    // would refuse as a replay (generation_expired) had the generation been reused.
    EXPECT_EQ(read_text(g.bob, alice.encrypt(to_bytes("two")).value()), to_bytes("two"));
}

TEST_P(GroupState, EveryTruncationIsRefused) {
    ThreeMembers g = three_members(cs);
    const Bytes state = g.carol.serialize_state().value();
    for (std::size_t n = 0; n < state.size(); n += 7) {
        EXPECT_FALSE(Group::restore(ByteView(state).first(n)).has_value()) << n;
    }
    Bytes longer = state;
    longer.push_back(0);
    EXPECT_EQ(Group::restore(longer).error(), Error::trailing_data);
}

TEST_P(GroupState, InconsistentStateIsRefusedWithItsReason) {
    ThreeMembers g = three_members(cs);
    const Bytes state = g.carol.serialize_state().value();

    Bytes wrong_format = state;
    wrong_format[1] = 9;  // formats 1 and 2 exist
    EXPECT_EQ(Group::restore(wrong_format).error(), Error::invalid_value);
    Bytes unknown_suite = state;
    unknown_suite[3] = 0x07;
    EXPECT_EQ(Group::restore(unknown_suite).error(), Error::invalid_value);

    // Another member's state with this member's signature key: the key does not match the leaf.
    const Bytes alice_state = g.alice.serialize_state().value();
    const Bytes carol_state = g.carol.serialize_state().value();
    // Both states are laid out alike up to the own leaf; swap in alice's leaf index (0).
    // Find the own_leaf field: it follows the ratchet tree, which both share.
    std::size_t differ = 0;
    while (alice_state[differ] == carol_state[differ]) ++differ;
    Bytes mixed = carol_state;
    mixed[differ] = alice_state[differ];  // own_leaf's last byte: carol's index becomes alice's
    EXPECT_EQ(Group::restore(mixed).error(), Error::invalid_key);

    // A GroupContext whose tree hash is not the tree's. Layout: format, suite (4 bytes), then
    // the GroupContext: version, suite (4), group_id "ward-7" (1 + 6), epoch (8), tree_hash
    // length (1): its first byte is at 24.
    Bytes altered_tree_hash = state;
    ASSERT_EQ(altered_tree_hash[23], cs.hash_length());
    altered_tree_hash[24] ^= 0x01;
    EXPECT_EQ(Group::restore(altered_tree_hash).error(), Error::invalid_tree);
}

INSTANTIATE_TEST_SUITE_P(Suites1And3, GroupState, ::testing::Values(kSuite1, kSuite3));

}  // namespace
}  // namespace wardline::mls
