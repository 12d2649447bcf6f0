// SPDX-License-Identifier: Apache-2.0
// The Delivery Service's leaf roster (server/delivery/leaf_roster.hpp) follows real MLS groups
// (common/mls Group API): after every commit the roster must name the leaves the members'
// own state names, through adds, removes with truncation, proposals by reference and
// external joins; and a commit that does not fit must be refused and change nothing.
#include "server/delivery/leaf_roster.hpp"

#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wardline::server::delivery {
namespace {

using namespace wardline::mls;

constexpr const char* kOrg = "0a000000-0000-4000-8000-000000000001";

template <class T>
T must(Result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string(what) + ": " + std::string(to_string(r.error())));
    return std::move(*r);
}

const CipherSuite& cs() {
    return *suite_for(kSuite3);
}

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string uuid(int user, int device) {
    char text[37];
    std::snprintf(text, sizeof text, "0b000000-0000-4000-8000-%06d%06d", user, device);
    return text;
}

struct Device {
    DeviceCredentialIds ids;
    KeyPackageBundle bundle;
};

Device device(int user, int number, std::string identity = {}) {
    DeviceCredentialIds ids{kOrg, uuid(user, 0), uuid(user, number)};
    if (identity.empty())
        identity = device_credential_identity(ids.org_id, ids.user_id, ids.device_id);
    Credential credential{CredentialType::basic, Bytes(identity.begin(), identity.end()), {}};
    const KeyPair key = cs().generate_signature_key_pair();
    const auto now = now_seconds();
    auto bundle = must(make_key_package(cs(), std::move(credential), key, now - 60, now + 86400),
                       "make_key_package");
    return Device{std::move(ids), std::move(bundle)};
}

MLSMessage wire(const MLSMessage& m) {
    return must(deserialize_mls_message(must(serialize(m), "serialize")), "deserialize");
}

PublicMessage public_of(const MLSMessage& m) {
    return std::get<PublicMessage>(wire(m).body);
}

std::vector<std::uint32_t> indices(const std::vector<RosterLeaf>& leaves) {
    std::vector<std::uint32_t> out;
    for (const auto& l : leaves) out.push_back(l.index);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::uint32_t> values(const std::vector<tree_math::LeafIndex>& leaves) {
    std::vector<std::uint32_t> out;
    for (auto l : leaves) out.push_back(l.value);
    std::sort(out.begin(), out.end());
    return out;
}

RosterChange applied(LeafRoster& roster, const MLSMessage& commit,
                     const ProposalsByRef& stored = {}) {
    auto result = roster.apply_commit(public_of(commit), stored);
    if (auto* refusal = std::get_if<std::string>(&result)) throw std::runtime_error(*refusal);
    return std::get<RosterChange>(std::move(result));
}

// A group of `founder` and the roster the server keeps beside it.
struct Tracked {
    Group group;
    LeafRoster roster;
};

Tracked found(const Device& founder) {
    Bytes group_id(32);
    randombytes_buf(group_id.data(), group_id.size());
    return Tracked{must(Group::create(cs(), std::move(group_id), founder.bundle), "create"),
                   LeafRoster::founded_by(founder.ids)};
}

TEST(LeafRoster, FollowsAddsRemovesTruncationAndRefillsTheLeftmostBlankLeaf) {
    const Device a = device(1, 1), b = device(2, 1), c = device(3, 1), d = device(4, 1),
                 e = device(5, 1);
    Tracked t = found(a);

    std::vector<Proposal> adds{Proposal{Add{b.bundle.key_package}},
                               Proposal{Add{c.bundle.key_package}},
                               Proposal{Add{d.bundle.key_package}}};
    auto out = must(t.group.commit(adds), "commit adds");
    RosterChange change = applied(t.roster, out.commit);
    EXPECT_EQ(indices(change.added), values(out.effect.added));
    EXPECT_EQ(t.roster.leaf_of(c.ids.device_id), 2u);
    t.group = std::move(out.next);

    // Removing the two rightmost leaves truncates the tree; the next Add lands in leaf 2.
    std::vector<Proposal> removes{Proposal{Remove{2}}, Proposal{Remove{3}}};
    out = must(t.group.commit(removes), "commit removes");
    change = applied(t.roster, out.commit);
    EXPECT_EQ(indices(change.removed), values(out.effect.removed));
    ASSERT_EQ(change.removed.size(), 2u);
    EXPECT_EQ(change.removed[0].device, c.ids);
    EXPECT_EQ(t.roster.width(), 2u);
    EXPECT_FALSE(t.roster.leaf_of(d.ids.device_id));
    t.group = std::move(out.next);

    std::vector<Proposal> add_e{Proposal{Add{e.bundle.key_package}}};
    out = must(t.group.commit(add_e), "commit add e");
    change = applied(t.roster, out.commit);
    EXPECT_EQ(indices(change.added), values(out.effect.added));
    EXPECT_EQ(t.roster.leaf_of(e.ids.device_id), 2u);

    // A blank leaf in the middle is refilled before the tree grows.
    t.group = std::move(out.next);
    std::vector<Proposal> remove_b{Proposal{Remove{1}}};
    out = must(t.group.commit(remove_b), "commit remove b");
    applied(t.roster, out.commit);
    t.group = std::move(out.next);
    std::vector<Proposal> add_d{Proposal{Add{d.bundle.key_package}}};
    out = must(t.group.commit(add_d), "commit add d");
    change = applied(t.roster, out.commit);
    EXPECT_EQ(indices(change.added), values(out.effect.added));
    EXPECT_EQ(t.roster.leaf_of(d.ids.device_id), 1u);
}

TEST(LeafRoster, FollowsProposalsByReference) {
    const Device a = device(1, 1), b = device(2, 1), c = device(3, 1);
    Tracked t = found(a);
    std::vector<Proposal> adds{Proposal{Add{b.bundle.key_package}},
                               Proposal{Add{c.bundle.key_package}}};
    auto out = must(t.group.commit(adds), "commit adds");
    applied(t.roster, out.commit);
    Group alice = std::move(out.next);
    Group bob =
        must(Group::join(cs(), std::get<Welcome>(wire(*out.welcome).body), b.bundle, std::nullopt),
             "bob joins");

    // Bob proposes his own Update and the Remove of Carol; Alice commits both by reference.
    const MLSMessage update = must(bob.propose_update(), "propose update");
    const MLSMessage remove = must(bob.propose(Proposal{Remove{2}}), "propose remove");
    ProposalsByRef stored;
    for (const MLSMessage* m : {&update, &remove}) {
        const PublicMessage pm = public_of(*m);
        const auto ref = proposal_ref(cs(), pm);
        ASSERT_TRUE(ref);
        auto processed = must(alice.process(wire(*m)), "alice stores the proposal");
        ASSERT_TRUE(std::holds_alternative<ProposalStored>(processed));
        EXPECT_EQ(*ref, std::get<ProposalStored>(processed).reference);
        stored.emplace(*ref, StoredProposal{std::get<Proposal>(pm.content.content), 1u});
    }
    out = must(alice.commit({}), "commit by reference");
    ASSERT_TRUE(std::holds_alternative<ProposalRef>(
        std::get<Commit>(public_of(out.commit).content.content).proposals.at(0).content));

    // Without the stored proposals the commit names refs the server does not know.
    const LeafRoster before = t.roster;
    EXPECT_TRUE(
        std::holds_alternative<std::string>(t.roster.apply_commit(public_of(out.commit), {})));
    EXPECT_EQ(t.roster, before);

    const RosterChange change = applied(t.roster, out.commit, stored);
    ASSERT_EQ(change.removed.size(), 1u);
    EXPECT_EQ(change.removed[0].device, c.ids);
    EXPECT_EQ(t.roster.leaf_of(b.ids.device_id), 1u);
}

TEST(LeafRoster, PlacesAnExternalJoinerAndFollowsAResync) {
    const Device a = device(1, 1), b = device(2, 1);
    Tracked t = found(a);
    std::vector<Proposal> add_b{Proposal{Add{b.bundle.key_package}}};
    auto out = must(t.group.commit(add_b), "commit add b");
    applied(t.roster, out.commit);
    Group alice = std::move(out.next);
    std::vector<Proposal> remove_b{Proposal{Remove{1}}};
    out = must(alice.commit(remove_b), "remove b");
    applied(t.roster, out.commit);
    alice = std::move(out.next);

    // Alice's second device joins from the GroupInfo.
    const Device a2 = device(1, 2);
    const GroupInfo info = std::get<GroupInfo>(wire(must(alice.group_info(), "group_info")).body);
    ExternalJoin joined = must(Group::join_external(cs(), info, std::nullopt, a2.bundle), "join");
    RosterChange change = applied(t.roster, joined.commit);
    ASSERT_EQ(change.added.size(), 1u);
    EXPECT_EQ(change.added[0].device, a2.ids);
    EXPECT_EQ(t.roster.leaf_of(a2.ids.device_id), 1u);
    must(alice.process(wire(joined.commit)), "alice processes the join");

    // The same device, having lost its state, rejoins in place of its old leaf.
    const GroupInfo info2 = std::get<GroupInfo>(wire(must(alice.group_info(), "group_info")).body);
    Device again = device(1, 2);
    ExternalJoin rejoined =
        must(Group::join_external(cs(), info2, std::nullopt, again.bundle), "rejoin");
    change = applied(t.roster, rejoined.commit);
    ASSERT_EQ(change.removed.size(), 1u);
    ASSERT_EQ(change.added.size(), 1u);
    EXPECT_EQ(change.added[0].device, a2.ids);
    EXPECT_EQ(t.roster.leaves().size(), 2u);
}

// A commit built by hand from member `sender` with these proposals by value.
PublicMessage hand_commit(std::uint32_t sender, std::vector<Proposal> proposals) {
    Commit commit;
    for (auto& p : proposals) commit.proposals.push_back(ProposalOrRef{std::move(p)});
    PublicMessage message;
    message.content.sender = Sender{SenderType::member, sender, 0};
    message.content.content = std::move(commit);
    return message;
}

TEST(LeafRoster, RefusesCommitsThatDoNotFitAndChangesNothing) {
    const Device a = device(1, 1), b = device(2, 1);
    LeafRoster roster = LeafRoster::founded_by(a.ids);
    ASSERT_TRUE(std::holds_alternative<RosterChange>(
        roster.apply_commit(hand_commit(0, {Proposal{Add{b.bundle.key_package}}}), {})));
    const LeafRoster before = roster;

    const auto refused = [&](const PublicMessage& m) {
        const auto result = roster.apply_commit(m, {});
        return std::holds_alternative<std::string>(result) && roster == before;
    };
    EXPECT_TRUE(refused(hand_commit(0, {Proposal{Remove{5}}})));  // beyond the tree
    EXPECT_TRUE(refused(hand_commit(0, {Proposal{Remove{1}}, Proposal{Remove{1}}})));  // twice
    EXPECT_TRUE(refused(hand_commit(3, {})));  // a blank committer
    EXPECT_TRUE(refused(hand_commit(0, {Proposal{Add{b.bundle.key_package}}})));  // b is in already
    const Device stranger = device(9, 1, "dr-who");
    EXPECT_TRUE(refused(hand_commit(0, {Proposal{Add{stranger.bundle.key_package}}})));
    const Device other_org = device(9, 2, "wardline-device/1 not-a-uuid");
    EXPECT_TRUE(refused(hand_commit(0, {Proposal{Add{other_org.bundle.key_package}}})));

    // An Update that would hand Bob's leaf to another device.
    const Device c = device(3, 1);
    ProposalsByRef stored;
    stored.emplace(Bytes{1, 2, 3},
                   StoredProposal{Proposal{Update{c.bundle.key_package.leaf_node}}, 1u});
    PublicMessage by_ref = hand_commit(0, {});
    std::get<Commit>(by_ref.content.content)
        .proposals.push_back(ProposalOrRef{ProposalRef{1, 2, 3}});
    EXPECT_TRUE(std::holds_alternative<std::string>(roster.apply_commit(by_ref, stored)));
    EXPECT_EQ(roster, before);

    // Not a commit at all.
    PublicMessage proposal;
    proposal.content.content = Proposal{Remove{1}};
    EXPECT_TRUE(refused(proposal));
    EXPECT_FALSE(proposal_ref(cs(), hand_commit(0, {})));
}

TEST(LeafRoster, TextFormRoundTripsAndRefusesAnythingElse) {
    const Device a = device(1, 1), b = device(2, 1), c = device(3, 1);
    LeafRoster roster = LeafRoster::founded_by(a.ids);
    ASSERT_TRUE(std::holds_alternative<RosterChange>(roster.apply_commit(
        hand_commit(0, {Proposal{Add{b.bundle.key_package}}, Proposal{Add{c.bundle.key_package}}}),
        {})));
    ASSERT_TRUE(std::holds_alternative<RosterChange>(
        roster.apply_commit(hand_commit(0, {Proposal{Remove{1}}}), {})));
    const auto text = roster.to_text();
    EXPECT_EQ(LeafRoster::from_text(text), roster);
    EXPECT_EQ(roster.leaf_of(c.ids.device_id), 2u);

    EXPECT_FALSE(LeafRoster::from_text("no newline"));
    EXPECT_FALSE(LeafRoster::from_text("garbage\n"));
    EXPECT_FALSE(LeafRoster::from_text(text + "\n"));  // a trailing blank leaf
    const auto one = device_credential_identity(a.ids.org_id, a.ids.user_id, a.ids.device_id);
    EXPECT_FALSE(LeafRoster::from_text(one + "\n" + one + "\n"));  // one device, two leaves
    EXPECT_EQ(LeafRoster::from_text(""), LeafRoster{});
}

}  // namespace
}  // namespace wardline::server::delivery
