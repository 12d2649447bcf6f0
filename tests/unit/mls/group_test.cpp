// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the Group API (common/mls/group.hpp) over real crypto, suites 1 and 3:
// creating, adding, joining, removing, updating and messaging in groups of 2 to 200 members,
// with every member processing every commit and agreeing
// on the epoch, its authenticator, the roster and the exporter; and the refusals, each of which
// must leave the receiving group as it was and still able to read a genuine message.
//
// Every message crosses a simulated wire (serialize, then deserialize_mls_message), as it would
// between devices.
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wardline::mls {
namespace {

namespace tm = tree_math;

constexpr std::uint64_t kDay = 24 * 3600;

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// A failed Result ends the test with the error's name (gtest reports the exception).
template <class T>
T must(Result<T> r, std::string_view what) {
    if (!r) {
        throw std::runtime_error(std::string(what) + ": " + std::string(to_string(r.error())));
    }
    return std::move(*r);
}

template <class T>
::testing::AssertionResult fails_with(const Result<T>& r, Error expected) {
    if (r) {
        return ::testing::AssertionFailure() << "succeeded; expected " << to_string(expected);
    }
    if (r.error() != expected) {
        return ::testing::AssertionFailure()
               << "failed with " << to_string(r.error()) << "; expected " << to_string(expected);
    }
    return ::testing::AssertionSuccess();
}

NewEpoch expect_new_epoch(Result<Processed> r, std::string_view who) {
    Processed p = must(std::move(r), who);
    if (!std::holds_alternative<NewEpoch>(p)) {
        throw std::runtime_error(std::string(who) + ": processed a commit, got no NewEpoch");
    }
    return std::get<NewEpoch>(std::move(p));
}

ApplicationMessage expect_application(Result<Processed> r, std::string_view who) {
    Processed p = must(std::move(r), who);
    if (!std::holds_alternative<ApplicationMessage>(p)) {
        throw std::runtime_error(std::string(who) + ": no ApplicationMessage");
    }
    return std::get<ApplicationMessage>(std::move(p));
}

// The message as the receiving device gets it.
MLSMessage over_the_wire(const MLSMessage& m) {
    const Bytes bytes = must(serialize(m), "serialize MLSMessage");
    return must(deserialize_mls_message(bytes), "deserialize MLSMessage");
}

std::vector<std::uint32_t> values(std::vector<tm::LeafIndex> leaves) {
    std::vector<std::uint32_t> out;
    out.reserve(leaves.size());
    for (tm::LeafIndex l : leaves) out.push_back(l.value);
    std::sort(out.begin(), out.end());
    return out;
}

struct Device {
    std::string name;
    KeyPair signature_key;
    KeyPackageBundle bundle;
};

Device make_device(const CipherSuite& cs, std::string name, std::uint64_t not_before,
                   std::uint64_t not_after) {
    KeyPair signature_key = cs.generate_signature_key_pair();
    Credential credential{CredentialType::basic, to_bytes(name), {}};
    KeyPackageBundle bundle =
        must(make_key_package(cs, std::move(credential), signature_key, not_before, not_after),
             "make_key_package " + name);
    return Device{std::move(name), std::move(signature_key), std::move(bundle)};
}

Device make_device(const CipherSuite& cs, std::string name) {
    const std::uint64_t now = now_seconds();
    return make_device(cs, std::move(name), now - kDay, now + 90 * kDay);
}

Proposal add_of(const Device& d) {
    return Proposal{Add{d.bundle.key_package}};
}

// What a refusal must leave as it was.
struct Snapshot {
    std::uint64_t epoch = 0;
    Bytes epoch_authenticator;
    std::vector<std::uint32_t> members;
    Bytes tree_hash;
    Bytes confirmed_transcript_hash;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const Group& g) {
    return Snapshot{g.epoch(), g.epoch_authenticator(), values(g.members()), g.context().tree_hash,
                    g.context().confirmed_transcript_hash};
}

struct Member {
    std::string name;
    Group group;
};

// A commit made but not yet delivered: what every member should see when it is.
struct PendingCommit {
    std::optional<CommitOutput> out;  // set by Session::prepare
    std::string committer;
    std::set<std::string> removed;
    std::vector<std::uint32_t> expected_added;
    std::vector<std::uint32_t> expected_removed;
    std::vector<Device> joiners;
    std::map<std::uint32_t, std::string> next_roster;
    std::uint64_t old_epoch = 0;
    Bytes old_authenticator;
    Bytes committer_old_encryption_key;
};

// A group and all its members' states, with a model of the roster (leaf -> identity) that every
// member's view is checked against after each commit.
class Session {
public:
    Session(const CipherSuite& cs, std::string_view group_id, GroupConfig config = {})
        : cs_(&cs), config_(std::move(config)) {
        Device creator = make_device(cs, "m0");
        members_.push_back(
            Member{creator.name,
                   must(Group::create(cs, to_bytes(group_id), creator.bundle, config_), "create")});
        roster_[0] = creator.name;
    }

    [[nodiscard]] std::size_t size() const { return members_.size(); }
    Group& group(std::size_t position) { return members_.at(position).group; }
    [[nodiscard]] const std::string& name_at(std::size_t position) const {
        return members_.at(position).name;
    }
    /// The config the next device named `name` joins with (default: the session's).
    void set_config_for(const std::string& name, GroupConfig config) {
        overrides_[name] = std::move(config);
    }
    [[nodiscard]] std::string next_name() const { return "m" + std::to_string(next_id_); }

    /// members_[committer] commits the removal of the members at `removed` (positions) and the
    /// addition of `added` fresh devices; nobody has processed it yet.
    PendingCommit prepare(std::size_t committer, const std::vector<std::size_t>& removed,
                          std::size_t added, ByteView authenticated_data = {}) {
        PendingCommit p;
        p.committer = members_.at(committer).name;
        std::vector<Proposal> proposals;
        p.next_roster = roster_;
        for (std::size_t pos : removed) {
            const Member& m = members_.at(pos);
            p.removed.insert(m.name);
            p.expected_removed.push_back(m.group.own_leaf().value);
            p.next_roster.erase(m.group.own_leaf().value);
            proposals.push_back(Proposal{Remove{m.group.own_leaf().value}});
        }
        for (std::size_t i = 0; i < added; ++i) {
            p.joiners.push_back(make_device(*cs_, "m" + std::to_string(next_id_++)));
            proposals.push_back(add_of(p.joiners.back()));
            // RFC 9420 §12.3: removes before adds; §7.7: each add takes the leftmost blank leaf
            // (the tree grows to the right when there is none).
            std::uint32_t leaf = 0;
            while (p.next_roster.contains(leaf)) ++leaf;
            p.next_roster[leaf] = p.joiners.back().name;
            p.expected_added.push_back(leaf);
        }
        std::sort(p.expected_added.begin(), p.expected_added.end());
        std::sort(p.expected_removed.begin(), p.expected_removed.end());
        const Group& g = members_.at(committer).group;
        p.old_epoch = g.epoch();
        p.old_authenticator = g.epoch_authenticator();
        p.committer_old_encryption_key = g.tree().leaf(g.own_leaf())->encryption_key;
        p.out.emplace(must(g.commit(proposals, authenticated_data), "commit"));
        return p;
    }

    /// Every member processes the commit, the committer adopts its next state, the new
    /// members join; then everyone's view is checked. Returns the removed members as they are
    /// after processing their removal.
    std::vector<Member> deliver(PendingCommit p) {
        const MLSMessage commit = over_the_wire(p.out->commit);
        EXPECT_EQ(commit.wire_format(), WireFormat::public_message);
        check_effect(p.out->effect, p, "committer " + p.committer);
        EXPECT_FALSE(p.out->effect.removed_me);
        for (Member& m : members_) {
            if (m.name == p.committer) continue;
            if (p.removed.contains(m.name)) {
                // group.hpp: NewEpoch::removed_me. Checked without ending the test, so that
                // the rest of the scenario still runs when this fails.
                const Result<Processed> r = m.group.process(commit);
                EXPECT_TRUE(r && std::holds_alternative<NewEpoch>(*r) &&
                            std::get<NewEpoch>(*r).removed_me)
                    << m.name << " at leaf " << m.group.own_leaf().value
                    << " processing its removal: "
                    << (r ? "no NewEpoch with removed_me" : to_string(r.error()))
                    << (p.joiners.empty() ? "" : " (the commit also adds members)");
                continue;
            }
            const NewEpoch e = expect_new_epoch(m.group.process(commit), m.name);
            EXPECT_FALSE(e.removed_me) << m.name;
            check_effect(e, p, m.name);
        }
        for (Member& m : members_) {
            if (m.name == p.committer) m.group = std::move(p.out->next);
        }
        std::vector<Member> removed;
        std::vector<Member> kept;
        for (Member& m : members_) {
            (p.removed.contains(m.name) ? removed : kept).push_back(std::move(m));
        }
        members_ = std::move(kept);
        roster_ = std::move(p.next_roster);
        if (p.joiners.empty()) {
            EXPECT_FALSE(p.out->welcome) << "a Welcome for a commit without adds";
        } else {
            if (!p.out->welcome) throw std::runtime_error("no Welcome for a commit with adds");
            const MLSMessage welcome = over_the_wire(*p.out->welcome);
            EXPECT_EQ(welcome.wire_format(), WireFormat::welcome);
            for (const Device& d : p.joiners) {
                const auto it = overrides_.find(d.name);
                const GroupConfig& config = it == overrides_.end() ? config_ : it->second;
                members_.push_back(
                    Member{d.name, must(Group::join(*cs_, std::get<Welcome>(welcome.body), d.bundle,
                                                    std::nullopt, config),
                                        "join " + d.name)});
            }
        }
        check_agreement();
        const Group& g = members_.front().group;
        EXPECT_EQ(g.epoch(), p.old_epoch + 1);
        EXPECT_NE(g.epoch_authenticator(), p.old_authenticator);
        // Every commit has an UpdatePath: the committer's leaf has a fresh encryption key.
        for (const auto& [leaf, name] : roster_) {
            if (name != p.committer) continue;
            const LeafNode* l = g.tree().leaf(tm::LeafIndex{leaf});
            if (l == nullptr) throw std::runtime_error("committer's leaf is blank");
            EXPECT_NE(l->encryption_key, p.committer_old_encryption_key);
            EXPECT_EQ(l->leaf_node_source, LeafNodeSource::commit);
        }
        return removed;
    }

    std::vector<Member> commit(std::size_t committer, const std::vector<std::size_t>& removed,
                               std::size_t added) {
        return deliver(prepare(committer, removed, added));
    }

    /// members_[sender] sends an application message; everyone else reads it.
    void send(std::size_t sender, std::string_view text, std::string_view aad = "aad") {
        Member& s = members_.at(sender);
        const MLSMessage wire =
            over_the_wire(must(s.group.encrypt(to_bytes(text), to_bytes(aad)), "encrypt"));
        EXPECT_EQ(wire.wire_format(), WireFormat::private_message);
        for (std::size_t j = 0; j < members_.size(); ++j) {
            if (j == sender) continue;
            const ApplicationMessage msg = expect_application(
                members_[j].group.process(wire), members_[j].name + " reading " + s.name);
            EXPECT_EQ(msg.sender.value, s.group.own_leaf().value) << members_[j].name;
            EXPECT_EQ(msg.data, to_bytes(text)) << members_[j].name;
            EXPECT_EQ(msg.authenticated_data, to_bytes(aad)) << members_[j].name;
        }
    }

    /// Every member's state goes through serialize_state() and restore(), as a device
    /// stores it between sessions.
    void restore_all() {
        for (Member& m : members_) {
            const Bytes state = must(m.group.serialize_state(), "serialize_state " + m.name);
            const auto it = overrides_.find(m.name);
            Group restored =
                must(Group::restore(state, it == overrides_.end() ? config_ : it->second),
                     "restore " + m.name);
            EXPECT_EQ(snapshot(restored), snapshot(m.group)) << m.name;
            EXPECT_EQ(restored.own_leaf().value, m.group.own_leaf().value) << m.name;
            m.group = std::move(restored);
        }
    }

    /// All members agree on the epoch, its authenticator, the group context, the roster and
    /// the exporter, and the roster is the model's.
    void check_agreement() const {
        ASSERT_FALSE(members_.empty());
        ASSERT_EQ(members_.size(), roster_.size());
        const Group& ref = members_.front().group;
        std::vector<std::uint32_t> leaves;
        for (const auto& [leaf, name] : roster_) leaves.push_back(leaf);
        const Bytes exported =
            must(ref.export_secret("wardline group test", to_bytes("context"), 32), "export");
        EXPECT_EQ(exported.size(), 32u);
        for (const Member& m : members_) {
            const Group& g = m.group;
            EXPECT_EQ(g.epoch(), ref.epoch()) << m.name;
            EXPECT_EQ(g.group_id(), ref.group_id()) << m.name;
            EXPECT_EQ(g.epoch_authenticator(), ref.epoch_authenticator()) << m.name;
            EXPECT_EQ(g.context().tree_hash, ref.context().tree_hash) << m.name;
            EXPECT_EQ(g.context().confirmed_transcript_hash,
                      ref.context().confirmed_transcript_hash)
                << m.name;
            EXPECT_EQ(values(g.members()), leaves) << m.name;
            const auto own = roster_.find(g.own_leaf().value);
            EXPECT_TRUE(own != roster_.end() && own->second == m.name)
                << m.name << " at leaf " << g.own_leaf().value;
            EXPECT_EQ(must(g.export_secret("wardline group test", to_bytes("context"), 32),
                           "export " + m.name),
                      exported)
                << m.name;
        }
        for (const auto& [leaf, name] : roster_) {
            const LeafNode* l = ref.tree().leaf(tm::LeafIndex{leaf});
            ASSERT_NE(l, nullptr) << "leaf " << leaf;
            EXPECT_EQ(l->credential.identity, to_bytes(name)) << "leaf " << leaf;
        }
    }

private:
    static void check_effect(const NewEpoch& e, const PendingCommit& p, const std::string& who) {
        EXPECT_EQ(e.epoch, p.old_epoch + 1) << who;
        EXPECT_EQ(values(e.added), p.expected_added) << who;
        EXPECT_EQ(values(e.removed), p.expected_removed) << who;
    }

    const CipherSuite* cs_;
    GroupConfig config_;
    std::map<std::string, GroupConfig> overrides_;
    std::vector<Member> members_;
    std::map<std::uint32_t, std::string> roster_;
    std::uint32_t next_id_ = 1;
};

// A seeded sequence of adds, removes, adds and removes in one commit, empty commits and
// messages, by random members; the group's size stays within [2, max_size].
void run_random_steps(Session& s, std::uint32_t seed, int steps, std::size_t max_size) {
    std::mt19937 rng(seed);
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const auto others = [&](std::size_t committer, std::size_t count) {
        std::vector<std::size_t> positions;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (i != committer) positions.push_back(i);
        }
        std::shuffle(positions.begin(), positions.end(), rng);
        positions.resize(std::min(count, positions.size()));
        return positions;
    };
    for (int step = 0; step < steps; ++step) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
        const std::size_t n = s.size();
        const std::size_t committer = pick(n);
        switch (pick(5)) {
            case 0:  // adds
                if (n < max_size)
                    s.commit(committer, {}, 1 + pick(std::min<std::size_t>(3, max_size - n)));
                break;
            case 1:  // removes
                if (n > 2)
                    s.commit(committer,
                             others(committer, 1 + pick(std::min<std::size_t>(2, n - 2))), 0);
                break;
            case 2:  // both in one commit
                if (n > 2 && n < max_size) s.commit(committer, others(committer, 1), 1 + pick(2));
                break;
            case 3:  // an update: a commit without proposals
                s.commit(committer, {}, 0);
                break;
            default:  // messages
                for (std::size_t k = 1 + pick(3); k > 0; --k) {
                    s.send(pick(s.size()),
                           "message " + std::to_string(step) + "/" + std::to_string(k));
                }
                break;
        }
        if (::testing::Test::HasFatalFailure()) return;
    }
}

const CipherSuite& suite3() {
    return *suite_for(kSuite3);
}

// ---- Two members, both suites ---------------------------------------------------------------

class GroupSuite : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(GroupSuite, CreateAddJoinExchangeMessagesAndExport) {
    const CipherSuite* cs = suite_for(GetParam());
    ASSERT_NE(cs, nullptr);
    const Device alice_dev = make_device(*cs, "alice");
    const Device bob_dev = make_device(*cs, "bob");

    Group alice = must(Group::create(*cs, to_bytes("two"), alice_dev.bundle), "create");
    EXPECT_EQ(alice.epoch(), 0u);
    EXPECT_EQ(alice.group_id(), to_bytes("two"));
    EXPECT_EQ(alice.own_leaf().value, 0u);
    EXPECT_EQ(values(alice.members()), std::vector<std::uint32_t>{0});
    EXPECT_EQ(alice.context().cipher_suite, GetParam());
    const Bytes epoch0_authenticator = alice.epoch_authenticator();
    EXPECT_EQ(epoch0_authenticator.size(), cs->hash_length());

    const Proposal add_bob = add_of(bob_dev);
    CommitOutput out = must(alice.commit({&add_bob, 1}), "commit add bob");
    EXPECT_EQ(out.effect.epoch, 1u);
    EXPECT_EQ(values(out.effect.added), std::vector<std::uint32_t>{1});
    EXPECT_TRUE(out.effect.removed.empty());
    EXPECT_FALSE(out.effect.removed_me);
    EXPECT_EQ(out.commit.wire_format(), WireFormat::public_message);
    ASSERT_TRUE(out.welcome);
    ASSERT_EQ(out.welcome->wire_format(), WireFormat::welcome);
    EXPECT_EQ(alice.epoch(), 0u) << "commit() must not change the committer's state";
    alice = std::move(out.next);

    const MLSMessage welcome = over_the_wire(*out.welcome);
    Group bob = must(
        Group::join(*cs, std::get<Welcome>(welcome.body), bob_dev.bundle, std::nullopt), "join");
    EXPECT_EQ(bob.epoch(), 1u);
    EXPECT_EQ(alice.epoch(), 1u);
    EXPECT_EQ(bob.group_id(), alice.group_id());
    EXPECT_EQ(bob.epoch_authenticator(), alice.epoch_authenticator());
    EXPECT_NE(alice.epoch_authenticator(), epoch0_authenticator);
    EXPECT_EQ(values(bob.members()), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(values(alice.members()), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(bob.own_leaf().value, 1u);
    EXPECT_EQ(bob.context().tree_hash, alice.context().tree_hash);
    ASSERT_NE(bob.tree().leaf(tm::LeafIndex{0}), nullptr);
    EXPECT_EQ(bob.tree().leaf(tm::LeafIndex{0})->credential.identity, to_bytes("alice"));
    EXPECT_EQ(alice.tree().leaf(tm::LeafIndex{1})->credential.identity, to_bytes("bob"));

    // Both directions, with authenticated data, several messages each.
    for (int i = 0; i < 3; ++i) {
        const std::string text = "hello bob " + std::to_string(i);
        const MLSMessage m =
            over_the_wire(must(alice.encrypt(to_bytes(text), to_bytes("ad")), "encrypt"));
        EXPECT_EQ(m.wire_format(), WireFormat::private_message);
        const ApplicationMessage got = expect_application(bob.process(m), "bob");
        EXPECT_EQ(got.sender.value, 0u);
        EXPECT_EQ(got.data, to_bytes(text));
        EXPECT_EQ(got.authenticated_data, to_bytes("ad"));
    }
    const MLSMessage reply = over_the_wire(must(bob.encrypt(to_bytes("hello alice")), "encrypt"));
    const ApplicationMessage got = expect_application(alice.process(reply), "alice");
    EXPECT_EQ(got.sender.value, 1u);
    EXPECT_EQ(got.data, to_bytes("hello alice"));
    EXPECT_TRUE(got.authenticated_data.empty());
    // The plaintext is not on the wire.
    const Bytes wire = must(serialize(reply), "serialize");
    const Bytes plain = to_bytes("hello alice");
    EXPECT_EQ(std::search(wire.begin(), wire.end(), plain.begin(), plain.end()), wire.end());

    // The exporter: equal on both sides, and depends on label, context and length.
    const Bytes a = must(alice.export_secret("attachments", to_bytes("c1"), 32), "export");
    EXPECT_EQ(a, must(bob.export_secret("attachments", to_bytes("c1"), 32), "export"));
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, must(alice.export_secret("attachments", to_bytes("c2"), 32), "export"));
    EXPECT_NE(a, must(alice.export_secret("other", to_bytes("c1"), 32), "export"));
    EXPECT_EQ(must(alice.export_secret("attachments", to_bytes("c1"), 64), "export").size(), 64u);

    // An update by the joiner, processed by the creator.
    CommitOutput update = must(bob.commit({}), "update");
    EXPECT_EQ(update.effect.epoch, 2u);
    EXPECT_FALSE(update.welcome);
    const NewEpoch e = expect_new_epoch(alice.process(over_the_wire(update.commit)), "alice");
    bob = std::move(update.next);
    EXPECT_EQ(e.epoch, 2u);
    EXPECT_TRUE(e.added.empty());
    EXPECT_TRUE(e.removed.empty());
    EXPECT_EQ(alice.epoch_authenticator(), bob.epoch_authenticator());
    EXPECT_NE(must(alice.export_secret("attachments", to_bytes("c1"), 32), "export"), a);
    EXPECT_EQ(must(alice.export_secret("attachments", to_bytes("c1"), 32), "export"),
              must(bob.export_secret("attachments", to_bytes("c1"), 32), "export"));
}

INSTANTIATE_TEST_SUITE_P(Group, GroupSuite, ::testing::Values(kSuite1, kSuite3),
                         [](const ::testing::TestParamInfo<std::uint16_t>& param_info) {
                             return "suite" + std::to_string(param_info.param);
                         });

// ---- Larger groups ---------------------------------------------------------------------------

TEST(Group, TenMembersBySuccessiveAddsThenRandomChanges) {
    Session s(suite3(), "ten");
    for (std::size_t i = 1; i < 10; ++i) {
        s.commit((i * 3) % s.size(), {}, 1);
        ASSERT_FALSE(HasFailure()) << "adding member " << i;
    }
    ASSERT_EQ(s.size(), 10u);
    s.send(9, "from the last one");
    s.send(0, "from the first one");
    run_random_steps(s, 0x5eed0010, 20, 12);
    // Mid-epoch (ratchets advanced by the messages above), every device stores and restores.
    s.restore_all();
    s.send(0, "after the restore");
    run_random_steps(s, 0x5eed0011, 20, 12);
}

TEST(Group, SeveralAddsAndRemovesInOneCommit) {
    Session s(suite3(), "batch");
    s.commit(0, {}, 5);  // leaves 0..5
    ASSERT_EQ(s.size(), 6u);
    s.commit(3, {1, 4}, 0);  // positions 1 and 4: leaves 1 and 4
    ASSERT_EQ(s.size(), 4u);
    // Three adds: into leaves 1 and 4, then 6.
    s.commit(1, {}, 3);
    ASSERT_EQ(s.size(), 7u);
    s.commit(6, {0, 2}, 2);
    s.send(2, "after the batches");
}

TEST(Group, FiftyMembersInBatchesThenRandomChanges) {
    Session s(suite3(), "fifty");
    s.commit(0, {}, 1);
    while (s.size() < 50) {
        s.commit(s.size() / 2, {}, std::min<std::size_t>(7, 50 - s.size()));
        ASSERT_FALSE(HasFailure()) << "at size " << s.size();
    }
    s.send(49, "fifty");
    run_random_steps(s, 0x5eed0050, 15, 54);
}

TEST(Group, TwoHundredMembers) {
    Session s(suite3(), "two hundred");
    while (s.size() < 200) {
        s.commit(s.size() - 1, {}, std::min<std::size_t>(25, 200 - s.size()));
        ASSERT_FALSE(HasFailure()) << "at size " << s.size();
    }
    s.send(100, "two hundred");
    run_random_steps(s, 0x5eed0200, 6, 205);
}

// ---- Removal ---------------------------------------------------------------------------------

TEST(Group, RemovedMemberLearnsItAndCannotReadTheNewEpoch) {
    Session s(suite3(), "removal");
    s.commit(0, {}, 2);  // m0, m1, m2
    const Group m2_before = s.group(2);
    std::vector<Member> removed = s.commit(1, {2}, 0);  // asserts removed_me for m2
    ASSERT_EQ(removed.size(), 1u);
    Group& gone = removed.front().group;
    EXPECT_EQ(removed.front().name, "m2");

    const MLSMessage after =
        over_the_wire(must(s.group(0).encrypt(to_bytes("not for m2")), "encrypt"));
    const Result<Processed> read = gone.process(after);
    EXPECT_FALSE(read) << "the removed member read a message of the epoch it was removed in";
    Group stale = m2_before;
    EXPECT_FALSE(stale.process(after)) << "the removed member's old state read a new message";
    // Whatever the removed member can still export is not the group's secret.
    const Bytes exported = must(s.group(0).export_secret("x", {}, 32), "export");
    const Result<Bytes> gone_export = gone.export_secret("x", {}, 32);
    EXPECT_TRUE(!gone_export || *gone_export != exported);
    EXPECT_NE(gone.epoch_authenticator(), s.group(0).epoch_authenticator());

    // The next commit is not readable by it either, and the others go on.
    PendingCommit next = s.prepare(0, {}, 0);
    EXPECT_FALSE(gone.process(over_the_wire(next.out->commit)));
    s.deliver(std::move(next));
    s.send(1, "still here");
}

// A member removed by a commit that also adds someone into its (now blank) leaf must learn it
// was removed (regression: removed_me was once decided by whether the leaf was blank after the
// proposals, and the member went on to decrypt the UpdatePath as the new leaf).
TEST(Group, MemberRemovedAndReplacedInOneCommitLearnsItWasRemoved) {
    Session s(suite3(), "removed and replaced");
    s.commit(0, {}, 2);                                 // m0, m1, m2 at leaves 0, 1, 2
    std::vector<Member> removed = s.commit(0, {1}, 1);  // m1 out, m3 into leaf 1
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(s.group(2).own_leaf().value, 1u) << "the new member takes the removed leaf";
    s.send(2, "from the new member at leaf 1");
}

// The contrast: removed while the commit's Add goes into another blank leaf.
TEST(Group, MemberRemovedWhileAnotherLeafIsFilledLearnsIt) {
    Session s(suite3(), "removed, other leaf filled");
    s.commit(0, {}, 3);                                 // leaves 0..3
    s.commit(0, {1}, 0);                                // leaf 1 blank
    std::vector<Member> removed = s.commit(0, {2}, 1);  // m3 (leaf 3) out, the new one into 1
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed.front().name, "m3");
    s.send(2, "from the new member at leaf 1");
}

// ---- Refusals: each leaves the group as it was ---------------------------------------------

TEST(Group, RefusesAReplayedCommit) {
    Session s(suite3(), "replay commit");
    s.commit(0, {}, 2);
    PendingCommit p = s.prepare(2, {}, 0);
    const MLSMessage commit = over_the_wire(p.out->commit);
    s.deliver(std::move(p));
    const Snapshot before = snapshot(s.group(0));
    EXPECT_TRUE(fails_with(s.group(0).process(commit), Error::wrong_epoch));
    EXPECT_EQ(snapshot(s.group(0)), before);
    s.send(1, "after the replay");
    s.send(0, "from the one that refused");
}

TEST(Group, RefusesAReplayedApplicationMessageAndReadsOutOfOrder) {
    Session s(suite3(), "replay message");
    s.commit(0, {}, 2);
    std::vector<MLSMessage> sent;
    for (int i = 0; i < 4; ++i) {
        sent.push_back(
            over_the_wire(must(s.group(0).encrypt(to_bytes("m" + std::to_string(i))), "encrypt")));
    }
    Group& bob = s.group(1);
    for (int i : {2, 0, 3, 1}) {
        const ApplicationMessage got = expect_application(bob.process(sent[i]), "bob");
        EXPECT_EQ(got.data, to_bytes("m" + std::to_string(i)));
    }
    const Snapshot before = snapshot(bob);
    for (int i : {1, 3, 0}) {
        EXPECT_TRUE(fails_with(bob.process(sent[i]), Error::generation_expired)) << "message " << i;
    }
    EXPECT_EQ(snapshot(bob), before);
    // Another member's copy is untouched by bob's reading.
    EXPECT_EQ(expect_application(s.group(2).process(sent[3]), "m2").data, to_bytes("m3"));
    EXPECT_EQ(expect_application(s.group(2).process(sent[0]), "m2").data, to_bytes("m0"));
    for (int i : {1, 2}) {
        EXPECT_EQ(expect_application(s.group(2).process(sent[i]), "m2").data,
                  to_bytes("m" + std::to_string(i)));
    }
    s.send(0, "after the replay");
}

TEST(Group, RefusesMessagesOfAnOlderOrALaterEpoch) {
    GroupConfig no_past_epochs;
    no_past_epochs.past_epochs_kept = 0;
    Session s(suite3(), "epochs", no_past_epochs);
    s.commit(0, {}, 2);
    const MLSMessage old_message =
        over_the_wire(must(s.group(0).encrypt(to_bytes("epoch 1")), "encrypt"));
    PendingCommit first = s.prepare(1, {}, 0);
    const MLSMessage old_commit = over_the_wire(first.out->commit);
    // A commit made on top of `first`, before anyone processed `first`: of the next epoch.
    const CommitOutput second = must(first.out->next.commit({}), "second commit");
    const MLSMessage future_commit = over_the_wire(second.commit);
    {
        Group& m2 = s.group(2);
        const Snapshot before = snapshot(m2);
        EXPECT_TRUE(fails_with(m2.process(future_commit), Error::wrong_epoch));
        EXPECT_EQ(snapshot(m2), before);
    }
    s.deliver(std::move(first));
    Group& m2 = s.group(2);
    const Snapshot before = snapshot(m2);
    EXPECT_TRUE(fails_with(m2.process(old_message), Error::wrong_epoch));
    EXPECT_TRUE(fails_with(m2.process(old_commit), Error::wrong_epoch));
    EXPECT_EQ(snapshot(m2), before);
    s.send(0, "in the new epoch");
    s.send(2, "from the one that refused");
}

// GroupConfig::past_epochs_kept: a message sent just before a commit and delivered after it.
TEST(Group, ReadsALateMessageOfARecentEpochOnce) {
    Session s(suite3(), "late message");  // keeps 2 past epochs by default
    s.commit(0, {}, 2);
    const MLSMessage late =
        over_the_wire(must(s.group(0).encrypt(to_bytes("BP 90/60")), "encrypt"));
    PendingCommit first = s.prepare(1, {}, 0);
    const MLSMessage old_commit = over_the_wire(first.out->commit);
    s.deliver(std::move(first));

    Group& m2 = s.group(2);
    const ApplicationMessage read = expect_application(m2.process(late), "m2");
    EXPECT_EQ(read.data, to_bytes("BP 90/60"));
    EXPECT_EQ(read.sender.value, s.group(0).own_leaf().value);
    EXPECT_EQ(read.credential.identity, to_bytes(s.name_at(0)));
    EXPECT_TRUE(fails_with(m2.process(late), Error::generation_expired));
    // Handshake messages of an ended epoch change nothing.
    EXPECT_TRUE(fails_with(m2.process(old_commit), Error::wrong_epoch));
    // The committer, whose state is the one it made, reads it too.
    EXPECT_EQ(expect_application(s.group(1).process(late), "m1").data, to_bytes("BP 90/60"));
    s.send(2, "current epoch still fine");
}

TEST(Group, ALateMessageOfARemovedMemberNamesThatMember) {
    Session s(suite3(), "late from removed");
    s.commit(0, {}, 2);
    const std::string leaving = s.name_at(2);
    const std::uint32_t leaving_leaf = s.group(2).own_leaf().value;
    const MLSMessage late = over_the_wire(must(s.group(2).encrypt(to_bytes("handover")), "e"));
    s.commit(0, {2}, 1);  // the leaver's leaf is taken by a newcomer in the same commit
    ASSERT_NE(s.group(0).tree().leaf(tm::LeafIndex{leaving_leaf}), nullptr);
    const ApplicationMessage read = expect_application(s.group(1).process(late), "m1");
    EXPECT_EQ(read.data, to_bytes("handover"));
    EXPECT_EQ(read.sender.value, leaving_leaf);
    EXPECT_EQ(read.credential.identity, to_bytes(leaving));
    EXPECT_NE(s.group(1).tree().leaf(tm::LeafIndex{leaving_leaf})->credential.identity,
              to_bytes(leaving));
}

TEST(Group, ForgetsEpochsBeyondThoseKept) {
    Session s(suite3(), "forgotten epochs");
    s.commit(0, {}, 1);  // epoch 1
    const MLSMessage from_epoch_1 = over_the_wire(must(s.group(0).encrypt(to_bytes("one")), "e1"));
    s.commit(1, {}, 0);  // epoch 2
    const MLSMessage from_epoch_2 = over_the_wire(must(s.group(0).encrypt(to_bytes("two")), "e2"));
    s.commit(0, {}, 0);  // epoch 3
    const MLSMessage from_epoch_3 =
        over_the_wire(must(s.group(0).encrypt(to_bytes("three")), "e3"));
    s.commit(1, {}, 0);  // epoch 4: epochs 2 and 3 are kept, epoch 1 is gone
    Group& bob = s.group(1);
    ASSERT_EQ(bob.epoch(), 4u);
    EXPECT_TRUE(fails_with(bob.process(from_epoch_1), Error::wrong_epoch));
    EXPECT_EQ(expect_application(bob.process(from_epoch_3), "bob").data, to_bytes("three"));
    EXPECT_EQ(expect_application(bob.process(from_epoch_2), "bob").data, to_bytes("two"));
}

TEST(Group, RefusesAnAlteredLateMessage) {
    Session s(suite3(), "altered late message");
    s.commit(0, {}, 1);
    const MLSMessage late = over_the_wire(must(s.group(0).encrypt(to_bytes("K+ 3.1")), "encrypt"));
    s.commit(0, {}, 0);
    Group& bob = s.group(1);
    const auto& original = std::get<PrivateMessage>(late.body);
    for (std::size_t i = 0; i < original.ciphertext.size(); i += 7) {
        MLSMessage altered = late;
        std::get<PrivateMessage>(altered.body).ciphertext[i] ^= 0x01;
        EXPECT_FALSE(bob.process(altered)) << "ciphertext byte " << i;
    }
    for (std::size_t i = 0; i < original.encrypted_sender_data.size(); ++i) {
        MLSMessage altered = late;
        std::get<PrivateMessage>(altered.body).encrypted_sender_data[i] ^= 0x01;
        EXPECT_FALSE(bob.process(altered)) << "sender data byte " << i;
    }
    // An epoch number that was never this group's, and one of another group.
    MLSMessage unknown_epoch = late;
    std::get<PrivateMessage>(unknown_epoch.body).epoch = 0;
    EXPECT_TRUE(fails_with(bob.process(unknown_epoch), Error::wrong_epoch));
    MLSMessage other_group = late;
    std::get<PrivateMessage>(other_group.body).group_id = to_bytes("another group");
    EXPECT_TRUE(fails_with(bob.process(other_group), Error::wrong_group));
    EXPECT_EQ(expect_application(bob.process(late), "bob").data, to_bytes("K+ 3.1"));
}

TEST(Group, PastEpochsSurviveARestore) {
    Session s(suite3(), "late after restart");
    s.commit(0, {}, 2);
    const MLSMessage late = over_the_wire(must(s.group(0).encrypt(to_bytes("SpO2 94%")), "e"));
    s.commit(1, {}, 0);
    s.restore_all();
    EXPECT_EQ(expect_application(s.group(2).process(late), "m2").data, to_bytes("SpO2 94%"));
    // What was used before the restore stays used after it.
    const Bytes state = must(s.group(2).serialize_state(), "serialize");
    Group again = must(Group::restore(state), "restore");
    EXPECT_TRUE(fails_with(again.process(late), Error::generation_expired));
    // A restore with fewer epochs kept drops the older ones.
    GroupConfig none;
    none.past_epochs_kept = 0;
    Group without = must(Group::restore(must(s.group(1).serialize_state(), "serialize"), none),
                         "restore without past epochs");
    EXPECT_TRUE(fails_with(without.process(late), Error::wrong_epoch));
}

TEST(Group, RestoresAStateOfTheFormerFormatWithoutPastEpochs) {
    Session s(suite3(), "format 1");
    s.commit(0, {}, 1);
    const MLSMessage late = over_the_wire(must(s.group(0).encrypt(to_bytes("old format")), "e"));
    s.commit(0, {}, 0);
    GroupConfig none;
    none.past_epochs_kept = 0;
    // Bob's state with no past epochs ends with an empty past_epochs<V> (one zero byte); format
    // 1 is the same without it.
    Group bob_without = must(Group::restore(must(s.group(1).serialize_state(), "s"), none), "r");
    Bytes state = must(bob_without.serialize_state(), "serialize");
    ASSERT_EQ(state.at(1), 2u);
    ASSERT_EQ(state.back(), 0u);
    state[1] = 1;
    state.pop_back();
    Group restored = must(Group::restore(state), "restore format 1");
    EXPECT_EQ(snapshot(restored), snapshot(s.group(1)));
    EXPECT_TRUE(fails_with(restored.process(late), Error::wrong_epoch));
    // Format 3 does not exist.
    state[1] = 3;
    EXPECT_TRUE(fails_with(Group::restore(state), Error::invalid_value));
}

TEST(Group, RefusesEveryAlteredByteOfACommit) {
    Session s(suite3(), "tamper commit");
    s.commit(0, {}, 2);
    PendingCommit p = s.prepare(0, {}, 1, to_bytes("commit ad"));  // with an Add and a path
    EXPECT_EQ(std::get<PublicMessage>(p.out->commit.body).content.authenticated_data,
              to_bytes("commit ad"));
    const Bytes genuine = must(serialize(p.out->commit), "serialize");
    Group& bob = s.group(1);
    const Group saved = bob;
    const Snapshot before = snapshot(bob);
    std::size_t decoded = 0;
    std::vector<std::string> accepted;
    for (std::size_t i = 0; i < genuine.size(); ++i) {
        for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
            Bytes altered = genuine;
            altered[i] ^= mask;
            const Result<MLSMessage> m = deserialize_mls_message(altered);
            if (!m) continue;  // refused by the decoder: fine
            ++decoded;
            if (bob.process(*m)) {
                accepted.push_back(std::to_string(i) + "^" + std::to_string(mask));
                bob = saved;
            }
        }
    }
    EXPECT_GT(decoded, genuine.size()) << "most alterations should decode and reach process()";
    EXPECT_TRUE(accepted.empty()) << "process() accepted " << accepted.size()
                                  << " altered commits of " << genuine.size()
                                  << " bytes, e.g. byte^mask " << accepted.front();
    EXPECT_EQ(snapshot(bob), before);
    s.deliver(std::move(p));
    s.send(1, "after the tampering");
}

TEST(Group, RefusesEveryAlteredByteOfAnApplicationMessage) {
    Session s(suite3(), "tamper message");
    s.commit(0, {}, 1);
    const MLSMessage genuine_message =
        must(s.group(0).encrypt(to_bytes("the genuine one"), to_bytes("ad")), "encrypt");
    const Bytes genuine = must(serialize(genuine_message), "serialize");
    Group& bob = s.group(1);
    const Snapshot before = snapshot(bob);
    std::vector<std::size_t> accepted;
    for (std::size_t i = 0; i < genuine.size(); ++i) {
        Bytes altered = genuine;
        altered[i] ^= 0x01;
        const Result<MLSMessage> m = deserialize_mls_message(altered);
        if (m && bob.process(*m)) accepted.push_back(i);
    }
    EXPECT_TRUE(accepted.empty()) << accepted.size() << " altered messages read, first at byte "
                                  << accepted.front();
    EXPECT_EQ(snapshot(bob), before);
    // The forgeries did not use up the genuine message's key.
    const ApplicationMessage got =
        expect_application(bob.process(over_the_wire(genuine_message)), "bob");
    EXPECT_EQ(got.data, to_bytes("the genuine one"));
}

TEST(Group, RefusesEveryAlteredByteOfAWelcome) {
    const CipherSuite& cs = suite3();
    const Device alice_dev = make_device(cs, "alice");
    const Device bob_dev = make_device(cs, "bob");
    const Device carol_dev = make_device(cs, "carol");
    Group alice = must(Group::create(cs, to_bytes("tamper welcome"), alice_dev.bundle), "create");
    const Proposal add_carol = add_of(carol_dev);
    alice = must(alice.commit({&add_carol, 1}), "add carol").next;  // a tree with a parent
    const Proposal add_bob = add_of(bob_dev);
    const CommitOutput out = must(alice.commit({&add_bob, 1}), "add bob");
    ASSERT_TRUE(out.welcome);
    // The Welcome alone (join() never sees the MLSMessage around it), with one recipient: a
    // Welcome to several holds entries that the others cannot check.
    const Bytes genuine = must(serialize(std::get<Welcome>(out.welcome->body)), "serialize");
    std::vector<std::size_t> accepted;
    std::size_t decoded = 0;
    for (std::size_t i = 0; i < genuine.size(); ++i) {
        for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
            Bytes altered = genuine;
            altered[i] ^= mask;
            const Result<Welcome> w = deserialize_welcome(altered);
            if (!w) continue;
            ++decoded;
            if (Group::join(cs, *w, bob_dev.bundle, std::nullopt)) accepted.push_back(i);
        }
    }
    EXPECT_GT(decoded, genuine.size());
    EXPECT_TRUE(accepted.empty()) << accepted.size() << " altered Welcomes joined, first at byte "
                                  << accepted.front() << " of " << genuine.size();
    const MLSMessage welcome = over_the_wire(*out.welcome);
    const Group bob = must(
        Group::join(cs, std::get<Welcome>(welcome.body), bob_dev.bundle, std::nullopt), "join");
    EXPECT_EQ(bob.epoch_authenticator(), out.next.epoch_authenticator());
}

TEST(Group, RefusesAWelcomeForAnotherKeyPackage) {
    const CipherSuite& cs = suite3();
    const Device alice_dev = make_device(cs, "alice");
    const Device bob_dev = make_device(cs, "bob");
    const Device carol_dev = make_device(cs, "carol");
    const Group alice = must(Group::create(cs, to_bytes("not for us"), alice_dev.bundle), "create");
    const Proposal add_bob = add_of(bob_dev);
    const CommitOutput out = must(alice.commit({&add_bob, 1}), "commit");
    ASSERT_TRUE(out.welcome);
    const Welcome& welcome = std::get<Welcome>(out.welcome->body);
    EXPECT_TRUE(
        fails_with(Group::join(cs, welcome, carol_dev.bundle, std::nullopt), Error::not_for_us));
    // Bob's identity with a KeyPackage the Welcome was not made for.
    const Device bob_again = make_device(cs, "bob");
    EXPECT_TRUE(
        fails_with(Group::join(cs, welcome, bob_again.bundle, std::nullopt), Error::not_for_us));
    EXPECT_TRUE(Group::join(cs, welcome, bob_dev.bundle, std::nullopt));
}

TEST(Group, RefusesAWelcomeOrAKeyPackageOfAnotherSuite) {
    const CipherSuite& cs3 = suite3();
    const CipherSuite& cs1 = *suite_for(kSuite1);
    const Device alice_dev = make_device(cs3, "alice");
    const Device bob_dev = make_device(cs3, "bob");
    const Device bob1_dev = make_device(cs1, "bob");
    const Group alice = must(Group::create(cs3, to_bytes("suites"), alice_dev.bundle), "create");
    const Proposal add_bob1 = add_of(bob1_dev);
    EXPECT_TRUE(fails_with(alice.commit({&add_bob1, 1}), Error::invalid_key_package));
    EXPECT_FALSE(Group::create(cs1, to_bytes("suites"), alice_dev.bundle))
        << "a group of suite 1 created from a KeyPackage of suite 3";
    const Proposal add_bob = add_of(bob_dev);
    const CommitOutput out = must(alice.commit({&add_bob, 1}), "commit");
    ASSERT_TRUE(out.welcome);
    EXPECT_FALSE(
        Group::join(cs1, std::get<Welcome>(out.welcome->body), bob_dev.bundle, std::nullopt))
        << "joined a suite-3 Welcome as suite 1";
}

TEST(Group, RefusesMessagesOfAnotherGroup) {
    Session a(suite3(), "group a");
    a.commit(0, {}, 1);
    Session b(suite3(), "group b");
    b.commit(0, {}, 1);
    const MLSMessage b_message =
        over_the_wire(must(b.group(0).encrypt(to_bytes("for group b")), "encrypt"));
    PendingCommit b_commit = b.prepare(0, {}, 0);
    const MLSMessage b_commit_message = over_the_wire(b_commit.out->commit);
    Group& a1 = a.group(1);
    const Snapshot before = snapshot(a1);
    EXPECT_EQ(a1.epoch(), b.group(1).epoch()) << "same epoch: only the group differs";
    EXPECT_TRUE(fails_with(a1.process(b_message), Error::wrong_group));
    EXPECT_TRUE(fails_with(a1.process(b_commit_message), Error::wrong_group));
    EXPECT_EQ(snapshot(a1), before);
    a.send(0, "group a goes on");
    // Group b's own member reads both.
    EXPECT_EQ(expect_application(b.group(1).process(b_message), "b m1").data,
              to_bytes("for group b"));
    b.deliver(std::move(b_commit));
}

TEST(Group, CommitRefusesProposalsThatBreakTheRules) {
    Session s(suite3(), "rules");
    s.commit(0, {}, 3);   // leaves 0..3
    s.commit(0, {1}, 0);  // leaf 1 is now blank
    const Group& g = s.group(0);
    const auto refuse = [&](std::vector<Proposal> proposals, const char* what) {
        EXPECT_TRUE(fails_with(g.commit(proposals), Error::invalid_proposal)) << what;
    };
    refuse({Proposal{Remove{1}}}, "removing a blank leaf");
    refuse({Proposal{Remove{100}}}, "removing a leaf outside the tree");
    refuse({Proposal{Remove{g.own_leaf().value}}}, "the committer removing itself");
    refuse({Proposal{Remove{2}}, Proposal{Remove{2}}}, "removing one leaf twice");
    const Device d = make_device(suite3(), "dave");
    refuse({add_of(d), add_of(d)}, "adding one KeyPackage twice");
    refuse({Proposal{Update{*g.tree().leaf(g.own_leaf())}}}, "the committer's own Update");
    refuse({Proposal{Remove{2}}, add_of(d), Proposal{Remove{2}}}, "a duplicate among others");
    // The group can still commit, and everyone follows.
    s.commit(0, {1}, 1);
    s.send(1, "after the refusals");
}

TEST(Group, CommitRefusesInvalidKeyPackages) {
    const CipherSuite& cs = suite3();
    Session s(cs, "key packages");
    s.commit(0, {}, 1);
    const Group& g = s.group(0);
    const auto refuse = [&](const KeyPackage& kp, const char* what,
                            Error expected = Error::invalid_key_package) {
        const Proposal add{Add{kp}};
        EXPECT_TRUE(fails_with(g.commit({&add, 1}), expected)) << what;
    };
    const auto resign = [&](KeyPackage& kp, const Device& d) {
        kp.signature = must(sign_with_label(cs, d.signature_key.private_key, "KeyPackageTBS",
                                            must(key_package_tbs(kp), "tbs")),
                            "sign");
    };
    const Device d = make_device(cs, "dave");
    {
        KeyPackage kp = d.bundle.key_package;
        kp.signature[0] ^= 0x01;
        // leaf_validation.hpp: invalid_signature for a signature that does not verify.
        refuse(kp, "a KeyPackage signature altered", Error::invalid_signature);
    }
    {
        KeyPackage kp = d.bundle.key_package;
        kp.init_key = kp.leaf_node.encryption_key;
        resign(kp, d);
        refuse(kp, "init_key equal to the leaf's encryption_key");
    }
    {
        KeyPackage kp = d.bundle.key_package;
        kp.leaf_node.credential.identity = to_bytes("eve");
        resign(kp, d);
        refuse(kp, "a leaf whose signature no longer verifies", Error::invalid_signature);
    }
    {
        KeyPackage kp = d.bundle.key_package;
        kp.cipher_suite = kSuite1;
        resign(kp, d);
        refuse(kp, "a KeyPackage claiming another suite");
    }
    {
        KeyPackage kp = d.bundle.key_package;
        kp.leaf_node.leaf_node_source = LeafNodeSource::update;
        kp.leaf_node.signature =
            must(sign_with_label(cs, d.signature_key.private_key, "LeafNodeTBS",
                                 must(leaf_node_tbs(kp.leaf_node, g.group_id(), 2), "tbs")),
                 "sign");
        resign(kp, d);
        refuse(kp, "a KeyPackage whose leaf's source is not key_package");
    }
    s.commit(1, {}, 1);
    s.send(2, "after the refusals");
}

// RFC 9420 §7.3 (leaf node validation): a client sending a LeafNode in a proposal or commit
// MUST check that the current time is within its lifetime (GroupConfig::clock).
TEST(Group, CommitRefusesAnExpiredKeyPackage) {
    const CipherSuite& cs = suite3();
    Session s(cs, "lifetime");
    const std::uint64_t now = now_seconds();
    const Device expired = make_device(cs, "old", now - 100 * kDay, now - 10 * kDay);
    const Device future = make_device(cs, "future", now + 10 * kDay, now + 100 * kDay);
    const Proposal add_expired = add_of(expired);
    EXPECT_TRUE(fails_with(s.group(0).commit({&add_expired, 1}), Error::invalid_key_package));
    const Proposal add_future = add_of(future);
    EXPECT_TRUE(fails_with(s.group(0).commit({&add_future, 1}), Error::invalid_key_package));
    s.commit(0, {}, 1);
}

TEST(Group, OwnCommitComingBackIsRefused) {
    Session s(suite3(), "own commit");
    s.commit(0, {}, 2);
    PendingCommit p = s.prepare(0, {}, 1);
    const MLSMessage commit = over_the_wire(p.out->commit);
    {
        // The committer before adopting its next state (group.hpp, Error::invalid_commit).
        Group& committer = s.group(0);
        const Snapshot before = snapshot(committer);
        EXPECT_TRUE(fails_with(committer.process(commit), Error::invalid_commit));
        EXPECT_EQ(snapshot(committer), before);
    }
    s.deliver(std::move(p));
    {
        // After adopting it: the commit is of the epoch before.
        Group& committer = s.group(0);
        const Snapshot before = snapshot(committer);
        EXPECT_TRUE(fails_with(committer.process(commit), Error::wrong_epoch));
        EXPECT_EQ(snapshot(committer), before);
    }
    s.send(0, "after my own commit came back");
    s.send(3, "and to me");
}

TEST(Group, CredentialValidatorRefusesMallory) {
    const CipherSuite& cs = suite3();
    std::vector<std::pair<std::string, Bytes>> asked;
    GroupConfig guarded;
    guarded.credential_validator = [&asked](const Credential& c, ByteView signature_key) {
        std::string identity(c.identity.begin(), c.identity.end());
        asked.emplace_back(identity, Bytes(signature_key.begin(), signature_key.end()));
        return identity != "mallory";
    };
    const Device mallory = make_device(cs, "mallory");
    const Proposal add_mallory = add_of(mallory);

    // The committer's validator.
    {
        Session s(cs, "validator commit", guarded);
        const Device bob = make_device(cs, "bob");
        EXPECT_TRUE(fails_with(s.group(0).commit({&add_mallory, 1}), Error::invalid_key_package));
        asked.clear();
        const Proposal add_bob = add_of(bob);
        EXPECT_TRUE(s.group(0).commit({&add_bob, 1}));
        const auto bob_asked = std::find_if(asked.begin(), asked.end(),
                                            [](const auto& a) { return a.first == "bob"; });
        ASSERT_NE(bob_asked, asked.end()) << "the validator was not asked about bob";
        EXPECT_EQ(bob_asked->second, bob.signature_key.public_key);
    }
    // A receiver's validator: m1 refuses the commit that adds mallory and stays as it was.
    {
        Session s(suite3(), "validator receive");
        s.set_config_for(s.next_name(), guarded);
        s.commit(0, {}, 1);
        const CommitOutput out = must(s.group(0).commit({&add_mallory, 1}), "commit mallory");
        Group& m1 = s.group(1);
        const Snapshot before = snapshot(m1);
        EXPECT_TRUE(fails_with(m1.process(over_the_wire(out.commit)), Error::invalid_key_package));
        EXPECT_EQ(snapshot(m1), before);
        s.send(0, "the group without mallory goes on");
    }
    // A joiner's validator: the tree of the Welcome holds mallory. GroupConfig: the validator
    // is "asked for every new or changed leaf"; to a joiner, every leaf is new.
    {
        const Device alice = make_device(cs, "alice");
        const Device carol = make_device(cs, "carol");
        Group g = must(Group::create(cs, to_bytes("validator join"), alice.bundle), "create");
        g = must(g.commit({&add_mallory, 1}), "add mallory").next;
        const Proposal add_carol = add_of(carol);
        const CommitOutput out = must(g.commit({&add_carol, 1}), "add carol");
        ASSERT_TRUE(out.welcome);
        const Welcome& welcome = std::get<Welcome>(out.welcome->body);
        EXPECT_TRUE(fails_with(Group::join(cs, welcome, carol.bundle, std::nullopt, guarded),
                               Error::invalid_key_package));
        EXPECT_TRUE(Group::join(cs, welcome, carol.bundle, std::nullopt));
    }
}

TEST(Group, RatchetLimitsAndPaddingComeFromTheConfig) {
    const CipherSuite& cs = suite3();
    GroupConfig config;
    config.ratchet_limits.max_forward = 4;
    config.private_messages.padding_block = 256;
    Session s(cs, "limits", config);
    s.commit(0, {}, 1);
    std::vector<MLSMessage> sent;
    for (std::size_t len = 0; len < 12; ++len) {
        const MLSMessage m =
            over_the_wire(must(s.group(0).encrypt(Bytes(len * 17, 0x61)), "encrypt"));
        const auto& pm = std::get<PrivateMessage>(m.body);
        EXPECT_EQ((pm.ciphertext.size() - cs.aead().tag_length()) % 256, 0u)
            << "ciphertext of " << pm.ciphertext.size() << " bytes for " << len * 17
            << " bytes of data";
        sent.push_back(m);
    }
    Group& bob = s.group(1);
    EXPECT_TRUE(fails_with(bob.process(sent[11]), Error::generation_too_far));
    EXPECT_EQ(expect_application(bob.process(sent[3]), "bob").data.size(), 3u * 17);
    EXPECT_EQ(expect_application(bob.process(sent[7]), "bob").data.size(), 7u * 17);
    EXPECT_EQ(expect_application(bob.process(sent[11]), "bob").data.size(), 11u * 17);
    for (std::size_t i : {0, 1, 2, 4, 5, 6, 8, 9, 10}) {
        EXPECT_EQ(expect_application(bob.process(sent[i]), "bob").data.size(), i * 17);
    }
    EXPECT_TRUE(fails_with(bob.process(sent[5]), Error::generation_expired));

    // Without padding the ciphertext grows with the data.
    GroupConfig unpadded;
    unpadded.private_messages.padding_block = 1;
    Session u(cs, "unpadded", unpadded);
    u.commit(0, {}, 1);
    const auto ciphertext_size = [&](std::size_t len) {
        const MLSMessage m = must(u.group(0).encrypt(Bytes(len, 0x62)), "encrypt");
        return std::get<PrivateMessage>(m.body).ciphertext.size();
    };
    EXPECT_EQ(ciphertext_size(10) - ciphertext_size(0), 10u);
}

TEST(Group, ExternalPskCommitAndAMemberWithoutThePsk) {
    const CipherSuite& cs = suite3();
    const Bytes psk_id = to_bytes("shared psk");
    GroupConfig with_psk;
    with_psk.external_psks[psk_id] = Bytes(32, 0x42);
    Session s(cs, "psk", with_psk);
    s.set_config_for("m2", GroupConfig{});  // m2 has not got the PSK
    s.commit(0, {}, 2);
    ASSERT_EQ(s.name_at(2), "m2");
    PreSharedKeyID id;
    id.psktype = PSKType::external;
    id.psk_id = psk_id;
    id.psk_nonce = Bytes(cs.hash_length(), 0x07);
    const Proposal psk{PreSharedKey{id}};

    EXPECT_TRUE(fails_with(s.group(2).commit({&psk, 1}), Error::missing_psk));
    CommitOutput out = must(s.group(0).commit({&psk, 1}), "commit psk");
    const MLSMessage commit = over_the_wire(out.commit);
    const NewEpoch e = expect_new_epoch(s.group(1).process(commit), "m1");
    EXPECT_EQ(e.epoch, out.next.epoch());
    EXPECT_EQ(s.group(1).epoch_authenticator(), out.next.epoch_authenticator());
    Group& m2 = s.group(2);
    const Snapshot before = snapshot(m2);
    EXPECT_TRUE(fails_with(m2.process(commit), Error::missing_psk));
    EXPECT_EQ(snapshot(m2), before);
    // m2 still reads what m0 sends in the epoch before the PSK commit.
    const MLSMessage m = over_the_wire(must(s.group(0).encrypt(to_bytes("still epoch 3")), "e"));
    EXPECT_EQ(expect_application(m2.process(m), "m2").data, to_bytes("still epoch 3"));
}

TEST(Group, ResumptionPskOfAnEarlierEpoch) {
    const CipherSuite& cs = suite3();
    Session s(cs, "resumption");
    s.commit(0, {}, 2);
    for (int i = 0; i < 10; ++i) s.commit(static_cast<std::size_t>(i) % 3, {}, 0);
    const std::uint64_t epoch = s.group(0).epoch();
    ASSERT_EQ(epoch, 11u);
    const auto resumption = [&](std::uint64_t psk_epoch) {
        PreSharedKeyID id;
        id.psktype = PSKType::resumption;
        id.usage = ResumptionPSKUsage::application;
        id.psk_group_id = s.group(0).group_id();
        id.psk_epoch = psk_epoch;
        id.psk_nonce = Bytes(cs.hash_length(), 0x09);
        return Proposal{PreSharedKey{id}};
    };
    // Far older than GroupConfig::resumption_psks_kept (8) epochs: gone.
    const Proposal too_old = resumption(1);
    EXPECT_TRUE(fails_with(s.group(0).commit({&too_old, 1}), Error::missing_psk));
    // Of another group.
    Proposal other_group = resumption(epoch - 1);
    std::get<PreSharedKey>(other_group.body).psk.psk_group_id = to_bytes("another group");
    EXPECT_TRUE(fails_with(s.group(0).commit({&other_group, 1}), Error::missing_psk));

    const Proposal previous = resumption(epoch - 1);
    CommitOutput out = must(s.group(1).commit({&previous, 1}), "commit resumption psk");
    const MLSMessage commit = over_the_wire(out.commit);
    for (std::size_t j : {0u, 2u}) {
        const NewEpoch e = expect_new_epoch(s.group(j).process(commit), s.name_at(j));
        EXPECT_EQ(e.epoch, epoch + 1);
        EXPECT_EQ(s.group(j).epoch_authenticator(), out.next.epoch_authenticator());
    }
    s.group(1) = std::move(out.next);
    s.send(2, "after the resumption psk");
}

}  // namespace
}  // namespace wardline::mls
