// SPDX-License-Identifier: Apache-2.0
// Joining by external commit (RFC 9420 §12.4.3.2), suites 1 and 3: a member exports the
// epoch's GroupInfo, a new device commits itself into the group, every member agrees with it;
// and the refusals — a forged GroupInfo, a stale one, an altered commit, a commit breaking the
// rules of §12.2, an application that does not want the joiner — each of which leaves the
// member as it was, able to process the genuine message afterwards.
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/welcome.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace wardline::mls {
namespace {

namespace tm = tree_math;

KeyPackageBundle device(const CipherSuite& cs, std::string_view name) {
    const std::uint64_t now =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    Credential credential;
    credential.identity = to_bytes(name);
    return make_key_package(cs, std::move(credential), cs.generate_signature_key_pair(), now - 3600,
                            now + 3600)
        .value();
}

MLSMessage wire(const MLSMessage& m) {
    return deserialize_mls_message(serialize(m).value()).value();
}

GroupInfo info_of(const MLSMessage& m) {
    return std::get<GroupInfo>(wire(m).body);
}

std::string name_of(const Group& g, tm::LeafIndex leaf) {
    const Bytes& id = g.tree().leaf(leaf)->credential.identity;
    return std::string(id.begin(), id.end());
}

struct Snapshot {
    std::uint64_t epoch;
    Bytes epoch_authenticator;
    std::vector<tm::LeafIndex> members;
    Bytes tree_hash;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const Group& g) {
    return Snapshot{g.epoch(), g.epoch_authenticator(), g.members(), g.context().tree_hash};
}

// alice (leaf 0), bob (1) and carol (2), each with `config`.
class External : public ::testing::TestWithParam<std::uint16_t> {
protected:
    const CipherSuite& cs() const { return *suite_for(GetParam()); }

    void make_ward(const GroupConfig& config = {}) {
        bundles = {device(cs(), "alice"), device(cs(), "bob"), device(cs(), "carol")};
        members.clear();
        members.push_back(Group::create(cs(), to_bytes("ward-ext"), bundles[0], config).value());
        const std::vector<Proposal> adds{Proposal{Add{bundles[1].key_package}},
                                         Proposal{Add{bundles[2].key_package}}};
        CommitOutput out = members[0].commit(adds).value();
        const Welcome welcome = std::get<Welcome>(wire(*out.welcome).body);
        members[0] = std::move(out.next);
        members.push_back(Group::join(cs(), welcome, bundles[1], std::nullopt, config).value());
        members.push_back(Group::join(cs(), welcome, bundles[2], std::nullopt, config).value());
    }

    // members[i] refuses `m` with `expected` and is left as it was.
    void expect_refused(std::size_t i, const MLSMessage& m, Error expected) {
        const Snapshot before = snapshot(members[i]);
        auto r = members[i].process(m);
        ASSERT_FALSE(r) << "member " << i << " accepted it";
        EXPECT_EQ(r.error(), expected) << to_string(r.error());
        EXPECT_EQ(snapshot(members[i]), before);
    }

    // Every member processes an external commit; dave's leaf is `leaf` for everyone.
    void deliver_join(const MLSMessage& commit, tm::LeafIndex leaf) {
        for (std::size_t i = 0; i < members.size(); ++i) {
            auto r = members[i].process(wire(commit));
            ASSERT_TRUE(r) << "member " << i << ": " << to_string(r.error());
            const NewEpoch& e = std::get<NewEpoch>(*r);
            EXPECT_EQ(e.added, std::vector<tm::LeafIndex>{leaf});
            EXPECT_TRUE(e.removed.empty());
        }
    }

    void expect_agree(const Group& joiner) {
        const Bytes exported = joiner.export_secret("attachments", to_bytes("x"), 32).value();
        for (const Group& g : members) {
            EXPECT_EQ(g.epoch(), joiner.epoch());
            EXPECT_EQ(g.epoch_authenticator(), joiner.epoch_authenticator());
            EXPECT_EQ(g.members(), joiner.members());
            EXPECT_EQ(g.context(), joiner.context());
            EXPECT_EQ(g.export_secret("attachments", to_bytes("x"), 32).value(), exported);
        }
    }

    // The external commit as a joiner holding `signature_private_key` would send it with
    // `change` applied to its Commit and signed again, so that only the change is wrong: the
    // confirmation tag is left as it was (members refuse the rule before they get to it).
    MLSMessage altered(const MLSMessage& commit, const Group& member,
                       ByteView signature_private_key,
                       const std::function<void(Commit&)>& change) const {
        FramedContent content = std::get<PublicMessage>(commit.body).content;
        const Bytes tag = *std::get<PublicMessage>(commit.body).auth.confirmation_tag;
        change(std::get<Commit>(content.content));
        AuthenticatedContent auth =
            sign_framed_content(cs(), WireFormat::public_message, std::move(content),
                                &member.context(), signature_private_key)
                .value();
        auth.auth.confirmation_tag = tag;
        return MLSMessage{ProtocolVersion::mls10,
                          protect_public(cs(), auth, member.context(), {}).value()};
    }

    std::vector<KeyPackageBundle> bundles;
    std::vector<Group> members;
};

TEST_P(External, ANewDeviceJoinsAndEveryoneAgrees) {
    make_ward();
    const KeyPackageBundle dave = device(cs(), "dave");
    ExternalJoin joined =
        Group::join_external(cs(), info_of(members[1].group_info().value()), std::nullopt, dave)
            .value();
    Group& d = joined.group;
    EXPECT_EQ(d.own_leaf(), tm::LeafIndex{3});
    EXPECT_EQ(d.epoch(), 2u);
    deliver_join(joined.commit, tm::LeafIndex{3});
    expect_agree(d);
    EXPECT_EQ(name_of(members[0], tm::LeafIndex{3}), "dave");

    // Messages both ways.
    const MLSMessage from_dave = d.encrypt(to_bytes("hello from dave")).value();
    for (Group& g : members) {
        const auto app = std::get<ApplicationMessage>(g.process(wire(from_dave)).value());
        EXPECT_EQ(app.data, to_bytes("hello from dave"));
        EXPECT_EQ(app.sender, tm::LeafIndex{3});
    }
    const MLSMessage from_carol = members[2].encrypt(to_bytes("hello dave")).value();
    EXPECT_EQ(std::get<ApplicationMessage>(d.process(wire(from_carol)).value()).data,
              to_bytes("hello dave"));

    // The joiner's state survives storage, and it follows and makes commits afterwards.
    Group restored = Group::restore(d.serialize_state().value()).value();
    EXPECT_EQ(snapshot(restored), snapshot(d));
    CommitOutput update = members[0].commit({}).value();
    members[0] = std::move(update.next);
    for (Group* g : {&members[1], &members[2], &restored}) {
        ASSERT_TRUE(g->process(wire(update.commit)));
    }
    CommitOutput by_dave = restored.commit({}).value();
    restored = std::move(by_dave.next);
    for (Group& g : members) ASSERT_TRUE(g.process(wire(by_dave.commit)));
    expect_agree(restored);

    // The restored joiner's GroupInfo (its confirmation tag included) lets the next one in.
    ExternalJoin erin = Group::join_external(cs(), info_of(restored.group_info().value()),
                                             std::nullopt, device(cs(), "erin"))
                            .value();
    members.push_back(std::move(restored));
    deliver_join(erin.commit, tm::LeafIndex{4});
    expect_agree(erin.group);
}

TEST_P(External, AGroupOfOneCanBeJoinedFromItsFirstEpoch) {
    const KeyPackageBundle alice = device(cs(), "alice");
    members.push_back(Group::create(cs(), to_bytes("solo"), alice).value());
    ExternalJoin joined = Group::join_external(cs(), info_of(members[0].group_info().value()),
                                               std::nullopt, device(cs(), "alice-laptop"))
                              .value();
    EXPECT_EQ(joined.group.own_leaf(), tm::LeafIndex{1});
    deliver_join(joined.commit, tm::LeafIndex{1});
    expect_agree(joined.group);
}

TEST_P(External, TheJoinerTakesTheLeftmostBlankLeafAndTheTreeMayComeSeparately) {
    make_ward();
    const Proposal remove_bob{Remove{1}};
    CommitOutput out = members[0].commit({&remove_bob, 1}).value();
    members[0] = std::move(out.next);
    ASSERT_TRUE(members[2].process(wire(out.commit)));
    members.erase(members.begin() + 1);

    // carol's GroupInfo without the tree; dave gets it from elsewhere (the server).
    const GroupInfo info = info_of(members[1].group_info(false).value());
    EXPECT_EQ(find_extension(info.extensions, kExtensionRatchetTree), nullptr);
    const KeyPackageBundle dave = device(cs(), "dave");
    auto no_tree = Group::join_external(cs(), info, std::nullopt, dave);
    ASSERT_FALSE(no_tree);
    EXPECT_EQ(no_tree.error(), Error::invalid_tree);
    ExternalJoin joined =
        Group::join_external(cs(), info, members[1].tree().to_nodes(), dave).value();
    EXPECT_EQ(joined.group.own_leaf(), tm::LeafIndex{1});
    deliver_join(joined.commit, tm::LeafIndex{1});
    expect_agree(joined.group);
}

TEST_P(External, ADeviceThatLostItsStateRejoinsInPlaceOfItsOldLeaf) {
    make_ward();
    ExternalJoin first = Group::join_external(cs(), info_of(members[0].group_info().value()),
                                              std::nullopt, device(cs(), "dave"))
                             .value();
    deliver_join(first.commit, tm::LeafIndex{3});
    // dave's device loses its state and rejoins with a new KeyPackage of the same identity.
    ExternalJoin again = Group::join_external(cs(), info_of(members[1].group_info().value()),
                                              std::nullopt, device(cs(), "dave"))
                             .value();
    const auto& commit =
        std::get<Commit>(std::get<PublicMessage>(again.commit.body).content.content);
    ASSERT_EQ(commit.proposals.size(), 2u);  // ExternalInit and the Remove of the old leaf
    for (Group& g : members) {
        const NewEpoch e = std::get<NewEpoch>(g.process(wire(again.commit)).value());
        EXPECT_EQ(e.removed, std::vector<tm::LeafIndex>{tm::LeafIndex{3}});
        EXPECT_EQ(e.added, std::vector<tm::LeafIndex>{tm::LeafIndex{3}});
    }
    EXPECT_EQ(members[0].members().size(), 4u);
    expect_agree(again.group);
    // The old state of the device is out: it cannot follow the commit that replaced it.
    auto stale = first.group.process(wire(again.commit));
    EXPECT_TRUE(!stale || std::get<NewEpoch>(*stale).removed_me);
}

TEST_P(External, AGroupInfoWithAnAlteredSignatureIsRefusedByTheJoiner) {
    make_ward();
    GroupInfo info = info_of(members[1].group_info().value());
    info.signature[3] ^= 0x01;
    auto r = Group::join_external(cs(), info, std::nullopt, device(cs(), "dave"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::invalid_signature);

    // Another field changed under the genuine signature is refused as well.
    info = info_of(members[1].group_info().value());
    info.group_context.epoch += 1;
    r = Group::join_external(cs(), info, std::nullopt, device(cs(), "dave"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::invalid_signature);
}

TEST_P(External, AGroupInfoWithoutExternalPubCannotBeJoined) {
    make_ward();
    GroupInfo info = info_of(members[1].group_info().value());
    std::erase_if(info.extensions,
                  [](const Extension& e) { return e.extension_type == kExtensionExternalPub; });
    ASSERT_TRUE(sign_group_info(cs(), info, bundles[1].signature_private_key));
    auto r = Group::join_external(cs(), info, std::nullopt, device(cs(), "dave"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::missing_external_pub);
}

TEST_P(External, ACommitFromAStaleGroupInfoIsRefusedByTheMembers) {
    make_ward();
    const GroupInfo stale = info_of(members[1].group_info().value());
    CommitOutput update = members[2].commit({}).value();
    members[2] = std::move(update.next);
    ASSERT_TRUE(members[0].process(wire(update.commit)));
    ASSERT_TRUE(members[1].process(wire(update.commit)));

    ExternalJoin joined =
        Group::join_external(cs(), stale, std::nullopt, device(cs(), "dave")).value();
    for (std::size_t i = 0; i < members.size(); ++i) {
        expect_refused(i, wire(joined.commit), Error::wrong_epoch);
    }
    // A genuine commit of the current epoch still goes through.
    ExternalJoin fresh = Group::join_external(cs(), info_of(members[0].group_info().value()),
                                              std::nullopt, device(cs(), "dave"))
                             .value();
    deliver_join(fresh.commit, tm::LeafIndex{3});
    expect_agree(fresh.group);
}

TEST_P(External, AnAlteredCommitIsRefused) {
    make_ward();
    const KeyPackageBundle dave = device(cs(), "dave");
    ExternalJoin joined =
        Group::join_external(cs(), info_of(members[1].group_info().value()), std::nullopt, dave)
            .value();
    const Bytes bytes = serialize(joined.commit).value();
    std::size_t refused = 0;
    for (std::size_t at = 0; at < bytes.size(); at += 1 + bytes.size() / 48) {
        Bytes flipped = bytes;
        flipped[at] ^= 0x20;
        auto message = deserialize_mls_message(flipped);
        if (!message) continue;  // refused at the codec
        const Snapshot before = snapshot(members[0]);
        EXPECT_FALSE(members[0].process(*message)) << "byte " << at;
        EXPECT_EQ(snapshot(members[0]), before);
        ++refused;
    }
    EXPECT_GT(refused, 10u);
    // The kem_output changed, the commit signed again: the init secret differs, and with it
    // the confirmation tag.
    const MLSMessage other_init =
        altered(joined.commit, members[0], dave.signature_private_key, [](Commit& c) {
            std::get<ExternalInit>(std::get<Proposal>(c.proposals.front().content).body)
                .kem_output[5] ^= 0x01;
        });
    for (std::size_t i = 0; i < members.size(); ++i) {
        expect_refused(i, wire(other_init), Error::invalid_confirmation_tag);
    }
    deliver_join(joined.commit, tm::LeafIndex{3});
    expect_agree(joined.group);
}

TEST_P(External, ACommitBreakingTheExternalCommitRulesIsRefused) {
    make_ward();
    const KeyPackageBundle dave = device(cs(), "dave");
    ExternalJoin joined =
        Group::join_external(cs(), info_of(members[1].group_info().value()), std::nullopt, dave)
            .value();
    const ByteView key = dave.signature_private_key;
    // bob's proposal, which every member has: a reference to it.
    const MLSMessage proposal = members[1].propose(Proposal{Remove{2}}).value();
    ASSERT_TRUE(members[0].process(wire(proposal)));
    ASSERT_TRUE(members[2].process(wire(proposal)));
    const Bytes ref = [&] {
        const PublicMessage& pub = std::get<PublicMessage>(proposal.body);
        const AuthenticatedContent auth{WireFormat::public_message, pub.content, pub.auth};
        return ref_hash(cs(), "MLS 1.0 Proposal Reference", serialize(auth).value()).value();
    }();
    const Proposal add_erin{Add{device(cs(), "erin").key_package}};
    const std::vector<std::pair<const char*, std::function<void(Commit&)>>> changes{
        {"by reference", [&](Commit& c) { c.proposals.push_back(ProposalOrRef{ref}); }},
        {"an Add", [&](Commit& c) { c.proposals.push_back(ProposalOrRef{add_erin}); }},
        {"two ExternalInit", [](Commit& c) { c.proposals.push_back(c.proposals.front()); }},
        {"two Removes",
         [](Commit& c) {
             c.proposals.push_back(ProposalOrRef{Proposal{Remove{1}}});
             c.proposals.push_back(ProposalOrRef{Proposal{Remove{2}}});
         }},
        {"a Remove of another member (not a resync of the joiner's own leaf)",
         [](Commit& c) { c.proposals.push_back(ProposalOrRef{Proposal{Remove{1}}}); }},
        {"no ExternalInit",
         [](Commit& c) { c.proposals.front() = ProposalOrRef{Proposal{Remove{2}}}; }},
    };
    for (const auto& [what, change] : changes) {
        SCOPED_TRACE(what);
        const MLSMessage bad = altered(joined.commit, members[0], key, change);
        for (std::size_t i = 0; i < members.size(); ++i) {
            expect_refused(i, wire(bad), Error::invalid_proposal);
        }
    }
    // Without a path there is no key to check the signature with.
    const MLSMessage no_path =
        altered(joined.commit, members[0], key, [](Commit& c) { c.path.reset(); });
    expect_refused(0, wire(no_path), Error::invalid_commit);

    // A member may not commit an ExternalInit (§12.2).
    const Proposal init{ExternalInit{Bytes(32, 1)}};
    auto member_commit = members[0].commit({&init, 1});
    ASSERT_FALSE(member_commit);
    EXPECT_EQ(member_commit.error(), Error::invalid_proposal);

    // The genuine commit goes through: the refusals changed nothing.
    deliver_join(joined.commit, tm::LeafIndex{3});
    expect_agree(joined.group);
}

TEST_P(External, TheApplicationDecidesWhoMayJoinExternally) {
    GroupConfig config;
    config.external_join_policy = [](const LeafNode& joiner) {
        return joiner.credential.identity == to_bytes("dave");
    };
    make_ward(config);
    const GroupInfo info = info_of(members[1].group_info().value());
    ExternalJoin mallory =
        Group::join_external(cs(), info, std::nullopt, device(cs(), "mallory")).value();
    for (std::size_t i = 0; i < members.size(); ++i) {
        expect_refused(i, wire(mallory.commit), Error::invalid_sender);
    }

    // The credential validator runs on the joiner's leaf too.
    Group strict = members[0];
    ExternalJoin dave =
        Group::join_external(cs(), info, std::nullopt, device(cs(), "dave")).value();
    GroupConfig refusing = config;
    refusing.credential_validator = [](const Credential& c, ByteView) {
        return c.identity != to_bytes("dave");
    };
    Group restored_strict = Group::restore(strict.serialize_state().value(), refusing).value();
    auto r = restored_strict.process(wire(dave.commit));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::invalid_key_package);

    deliver_join(dave.commit, tm::LeafIndex{3});
    expect_agree(dave.group);
}

INSTANTIATE_TEST_SUITE_P(Group, External, ::testing::Values(kSuite1, kSuite3),
                         [](const ::testing::TestParamInfo<std::uint16_t>& param_info) {
                             return "suite" + std::to_string(param_info.param);
                         });

}  // namespace
}  // namespace wardline::mls
