// SPDX-License-Identifier: Apache-2.0
// Proposals sent on their own (Group::propose) and proposals from an external sender (the
// server as Delivery Service, RFC 9420 §12.1.8.1), committed later by reference: what every
// member concludes, and the refusals — an unknown reference, a sender not in the group's
// external_senders, a forged signature, a proposal an external sender may not make.
#include "common/mls/external_sender.hpp"
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

namespace wardline::mls {
namespace {

const CipherSuite& suite() {
    return *suite_for(kSuite3);
}

KeyPackageBundle device(std::string_view name) {
    const std::uint64_t now =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    Credential credential;
    credential.identity = to_bytes(name);
    return make_key_package(suite(), std::move(credential), suite().generate_signature_key_pair(),
                            now - 3600, now + 3600)
        .value();
}

MLSMessage wire(const MLSMessage& m) {
    return deserialize_mls_message(serialize(m).value()).value();
}

// alice (leaf 0), bob (1) and carol (2); the group names `server` as its external sender.
struct Ward {
    KeyPair server = suite().generate_signature_key_pair();
    std::vector<Group> members;

    explicit Ward(bool with_external_sender = true) {
        std::vector<Extension> extensions;
        if (with_external_sender) {
            Credential credential;
            credential.identity = to_bytes("wardline-server");
            extensions.push_back(
                external_senders_extension({ExternalSender{server.public_key, credential}})
                    .value());
        }
        members.push_back(
            Group::create(suite(), to_bytes("ward-3"), device("alice"), {}, extensions).value());
        const KeyPackageBundle bob = device("bob");
        const KeyPackageBundle carol = device("carol");
        const std::vector<Proposal> adds{Proposal{Add{bob.key_package}},
                                         Proposal{Add{carol.key_package}}};
        CommitOutput out = members[0].commit(adds).value();
        const MLSMessage welcome_message = wire(*out.welcome);
        const Welcome& welcome = std::get<Welcome>(welcome_message.body);
        members[0] = std::move(out.next);
        members.push_back(Group::join(suite(), welcome, bob, std::nullopt).value());
        members.push_back(Group::join(suite(), welcome, carol, std::nullopt).value());
    }

    // Every member but `except` processes the message.
    void deliver(const MLSMessage& m, std::size_t except = SIZE_MAX) {
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i == except) continue;
            auto r = members[i].process(wire(m));
            ASSERT_TRUE(r) << "member " << i << ": " << to_string(r.error());
        }
    }

    MLSMessage external_remove(std::uint32_t leaf, std::uint32_t sender_index = 0) const {
        return make_external_proposal(suite(), members[0].group_id(), members[0].epoch(),
                                      sender_index, Proposal{Remove{leaf}}, server.private_key)
            .value();
    }
};

TEST(GroupProposals, AMemberProposesAnotherCommitsEveryoneAgrees) {
    Ward w;
    const MLSMessage proposal = w.members[1].propose(Proposal{Remove{2}}).value();
    w.deliver(proposal, 1);  // bob keeps its own
    CommitOutput out = w.members[0].commit({}).value();
    ASSERT_EQ(
        std::get<Commit>(std::get<PublicMessage>(out.commit.body).content.content).proposals.size(),
        1u);
    EXPECT_EQ(out.effect.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{2}});
    const NewEpoch bob = std::get<NewEpoch>(w.members[1].process(wire(out.commit)).value());
    EXPECT_EQ(bob.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{2}});
    const NewEpoch carol = std::get<NewEpoch>(w.members[2].process(wire(out.commit)).value());
    EXPECT_TRUE(carol.removed_me);
    w.members[0] = std::move(out.next);
    EXPECT_EQ(w.members[0].epoch_authenticator(), w.members[1].epoch_authenticator());
    EXPECT_EQ(w.members[0].members().size(), 2u);
}

TEST(GroupProposals, TheProposerCommitsItsOwnAdd) {
    Ward w;
    const KeyPackageBundle dave = device("dave");
    const MLSMessage proposal = w.members[1].propose(Proposal{Add{dave.key_package}}).value();
    w.deliver(proposal, 1);
    CommitOutput out = w.members[1].commit({}).value();
    ASSERT_TRUE(out.welcome);
    w.members[1] = std::move(out.next);
    for (const std::size_t i : {0u, 2u}) {
        const NewEpoch e = std::get<NewEpoch>(w.members[i].process(wire(out.commit)).value());
        EXPECT_EQ(e.added, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{3}});
    }
    Group joined =
        Group::join(suite(), std::get<Welcome>(wire(*out.welcome).body), dave, std::nullopt)
            .value();
    EXPECT_EQ(joined.epoch_authenticator(), w.members[0].epoch_authenticator());
}

TEST(GroupProposals, ACommitReferencingAnUnseenProposalIsRefusedUntilItArrives) {
    Ward w;
    const MLSMessage proposal = w.members[1].propose(Proposal{Remove{2}}).value();
    CommitOutput out = w.members[1].commit({}).value();
    const std::uint64_t epoch = w.members[0].epoch();
    const Bytes authenticator = w.members[0].epoch_authenticator();
    auto refused = w.members[0].process(wire(out.commit));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), Error::unknown_proposal);
    EXPECT_EQ(w.members[0].epoch(), epoch);
    EXPECT_EQ(w.members[0].epoch_authenticator(), authenticator);
    // Once the proposal has arrived, the same commit goes through.
    ASSERT_TRUE(w.members[0].process(wire(proposal)));
    const NewEpoch e = std::get<NewEpoch>(w.members[0].process(wire(out.commit)).value());
    EXPECT_EQ(e.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{2}});
    EXPECT_EQ(w.members[0].epoch_authenticator(), out.next.epoch_authenticator());
}

TEST(GroupProposals, AProposalThatBecameInvalidIsLeftOutOfTheCommit) {
    Ward w;
    w.deliver(w.members[1].propose(Proposal{Remove{2}}).value(), 1);
    // alice removes carol herself: bob's proposal would remove her twice, so it is left out.
    const Proposal remove_carol{Remove{2}};
    CommitOutput out = w.members[0].commit({&remove_carol, 1}).value();
    const auto& commit = std::get<Commit>(std::get<PublicMessage>(out.commit.body).content.content);
    ASSERT_EQ(commit.proposals.size(), 1u);
    EXPECT_EQ(commit.proposals[0].type(), ProposalOrRefType::proposal);
    const NewEpoch bob = std::get<NewEpoch>(w.members[1].process(wire(out.commit)).value());
    EXPECT_EQ(bob.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{2}});
    EXPECT_EQ(w.members[1].epoch_authenticator(), out.next.epoch_authenticator());
}

TEST(GroupProposals, AMemberUpdatesItsLeafByProposalAndAnotherCommits) {
    Ward w;
    const Bytes old_key = w.members[1].tree().leaf(tree_math::LeafIndex{1})->encryption_key;
    const Bytes before_proposal = w.members[1].serialize_state().value();
    const MLSMessage proposal = w.members[1].propose_update().value();
    w.deliver(proposal, 1);
    // bob's stored state keeps the new private key until the commit arrives.
    Group bob = Group::restore(w.members[1].serialize_state().value()).value();
    CommitOutput out = w.members[0].commit({}).value();
    EXPECT_EQ(out.effect.updated, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{1}});
    // A bob that lost the key (state from before it proposed) cannot follow, and says so.
    Group forgetful = Group::restore(before_proposal).value();
    ASSERT_TRUE(forgetful.process(wire(proposal)));
    EXPECT_EQ(forgetful.process(wire(out.commit)).error(), Error::invalid_proposal);

    const NewEpoch e = std::get<NewEpoch>(bob.process(wire(out.commit)).value());
    EXPECT_EQ(e.updated, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{1}});
    ASSERT_TRUE(w.members[2].process(wire(out.commit)));
    w.members[0] = std::move(out.next);
    EXPECT_NE(bob.tree().leaf(tree_math::LeafIndex{1})->encryption_key, old_key);
    EXPECT_EQ(bob.epoch_authenticator(), w.members[0].epoch_authenticator());
    EXPECT_EQ(bob.epoch_authenticator(), w.members[2].epoch_authenticator());
    // The next commit encrypts to bob's new leaf key: bob can follow it.
    CommitOutput next = w.members[2].commit({}).value();
    ASSERT_TRUE(bob.process(wire(next.commit)));
    EXPECT_EQ(bob.epoch_authenticator(), next.next.epoch_authenticator());
    // bob's own commit leaves its own pending Update out (its path updates it anyway).
    const MLSMessage again = bob.propose_update().value();
    CommitOutput own = bob.commit({}).value();
    EXPECT_TRUE(own.effect.updated.empty());
    (void)again;
}

TEST(GroupProposals, ProposeRefusesWhatACommitWouldRefuse) {
    Ward w;
    EXPECT_EQ(w.members[0].propose(Proposal{Remove{7}}).error(), Error::invalid_proposal);
    const LeafNode leaf = *w.members[0].tree().leaf(tree_math::LeafIndex{0});
    EXPECT_EQ(w.members[0].propose(Proposal{Update{leaf}}).error(), Error::invalid_proposal);
    KeyPackageBundle bad = device("eve");
    bad.key_package.signature.back() ^= 1;
    EXPECT_EQ(w.members[0].propose(Proposal{Add{bad.key_package}}).error(),
              Error::invalid_signature);
}

TEST(GroupProposals, TheServerRemovesADeviceAsExternalSender) {
    Ward w;
    const MLSMessage proposal = w.external_remove(1);
    const auto& pub = std::get<PublicMessage>(proposal.body);
    EXPECT_EQ(pub.content.sender.sender_type, SenderType::external);
    EXPECT_FALSE(pub.membership_tag);  // the server holds no group secret
    w.deliver(proposal);
    CommitOutput out = w.members[2].commit({}).value();
    EXPECT_EQ(out.effect.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{1}});
    const NewEpoch alice = std::get<NewEpoch>(w.members[0].process(wire(out.commit)).value());
    EXPECT_EQ(alice.removed, std::vector<tree_math::LeafIndex>{tree_math::LeafIndex{1}});
    EXPECT_TRUE(std::get<NewEpoch>(w.members[1].process(wire(out.commit)).value()).removed_me);
    EXPECT_EQ(w.members[0].epoch_authenticator(), out.next.epoch_authenticator());
}

TEST(GroupProposals, ExternalProposalsFromOutsideTheListOrForgedAreRefused) {
    Ward w;
    Group& alice = w.members[0];
    // A sender index the extension does not have.
    EXPECT_EQ(alice.process(wire(w.external_remove(1, 1))).error(), Error::invalid_sender);
    // Signed by someone else than the listed server.
    const KeyPair impostor = suite().generate_signature_key_pair();
    const MLSMessage forged = make_external_proposal(suite(), alice.group_id(), alice.epoch(), 0,
                                                     Proposal{Remove{1}}, impostor.private_key)
                                  .value();
    EXPECT_EQ(alice.process(wire(forged)).error(), Error::invalid_signature);
    // An external sender may not propose an Update (§12.1.8.1).
    const LeafNode leaf = *alice.tree().leaf(tree_math::LeafIndex{1});
    EXPECT_EQ(make_external_proposal(suite(), alice.group_id(), alice.epoch(), 0,
                                     Proposal{Update{leaf}}, w.server.private_key)
                  .error(),
              Error::invalid_proposal);
    // Another epoch.
    const MLSMessage old = make_external_proposal(suite(), alice.group_id(), alice.epoch() - 1, 0,
                                                  Proposal{Remove{1}}, w.server.private_key)
                               .value();
    EXPECT_EQ(alice.process(wire(old)).error(), Error::wrong_epoch);
    // Nothing was stored: alice's next commit removes nobody.
    CommitOutput out = alice.commit({}).value();
    EXPECT_TRUE(out.effect.removed.empty());
}

TEST(GroupProposals, TheServerMayRemoveButNotAddUnlessTheApplicationAllowsIt) {
    Ward w;
    const KeyPackageBundle mallory = device("mallory");
    const MLSMessage add =
        make_external_proposal(suite(), w.members[0].group_id(), w.members[0].epoch(), 0,
                               Proposal{Add{mallory.key_package}}, w.server.private_key)
            .value();
    EXPECT_EQ(w.members[0].process(wire(add)).error(), Error::invalid_proposal);
    EXPECT_TRUE(w.members[0].commit({}).value().effect.added.empty());

    Ward permissive;
    GroupConfig config;
    config.external_proposal_policy = [](const Proposal& p, std::uint32_t sender) {
        return sender == 0 && p.proposal_type() == ProposalType::add;
    };
    Group bob = Group::restore(permissive.members[1].serialize_state().value(), config).value();
    const KeyPackageBundle dave = device("dave");
    const MLSMessage add_dave =
        make_external_proposal(suite(), bob.group_id(), bob.epoch(), 0,
                               Proposal{Add{dave.key_package}}, permissive.server.private_key)
            .value();
    ASSERT_TRUE(bob.process(wire(add_dave)));
    EXPECT_EQ(bob.commit({}).value().effect.added.size(), 1u);
}

// The KeyPackage re-signed after its leaf's capabilities were changed.
KeyPackageBundle with_capabilities(KeyPackageBundle b,
                                   const std::function<void(Capabilities&)>& f) {
    f(b.key_package.leaf_node.capabilities);
    LeafNode& leaf = b.key_package.leaf_node;
    leaf.signature = sign_with_label(suite(), b.signature_private_key, "LeafNodeTBS",
                                     leaf_node_tbs(leaf, {}, 0).value())
                         .value();
    b.key_package.signature = sign_with_label(suite(), b.signature_private_key, "KeyPackageTBS",
                                              key_package_tbs(b.key_package).value())
                                  .value();
    return b;
}

Extension required_extension_types(std::vector<std::uint16_t> types) {
    Writer w;
    w.vector_of([&](Writer& out) {
         for (const std::uint16_t t : types) out.u16(t);
     }).value();
    w.vector({}).value();  // proposal types
    w.vector({}).value();  // credential types
    return Extension{kExtensionRequiredCapabilities, w.take()};
}

TEST(GroupProposals, CapabilitiesAreChecked) {
    Ward w;
    // A device that does not list the group's cipher suite, or the basic credential in use.
    const KeyPackageBundle no_suite =
        with_capabilities(device("dave"), [](Capabilities& c) { c.cipher_suites = {kSuite1}; });
    const Proposal add_no_suite{Add{no_suite.key_package}};
    EXPECT_EQ(w.members[0].commit({&add_no_suite, 1}).error(), Error::invalid_key_package);
    const KeyPackageBundle no_basic =
        with_capabilities(device("erin"), [](Capabilities& c) { c.credentials = {2}; });
    const Proposal add_no_basic{Add{no_basic.key_package}};
    EXPECT_EQ(w.members[0].commit({&add_no_basic, 1}).error(), Error::invalid_key_package);

    // Requiring an extension type nobody lists is refused; once every member lists it (here: a
    // group of one whose creator does), a new member must list it too.
    const Proposal require_custom{GroupContextExtensions{{required_extension_types({0x0a0a})}}};
    EXPECT_EQ(w.members[0].commit({&require_custom, 1}).error(), Error::invalid_key_package);
    const KeyPackageBundle creator =
        with_capabilities(device("frank"), [](Capabilities& c) { c.extensions.push_back(0x0a0a); });
    Group g = Group::create(suite(), to_bytes("ward-9"), creator, {},
                            {required_extension_types({0x0a0a})})
                  .value();
    const KeyPackageBundle lists_it =
        with_capabilities(device("gina"), [](Capabilities& c) { c.extensions.push_back(0x0a0a); });
    const Proposal add_lists_it{Add{lists_it.key_package}};
    EXPECT_TRUE(g.commit({&add_lists_it, 1}));
    const Proposal add_plain{Add{device("hank").key_package}};
    EXPECT_EQ(g.commit({&add_plain, 1}).error(), Error::invalid_key_package);
}

TEST(GroupProposals, ReInitEndsTheGroupAndItsSuccessorResumesFromIt) {
    Ward w;
    // A ReInit must be alone in its commit, and name a suite we speak.
    const Proposal to_suite_1{ReInit{to_bytes("ward-3b"), ProtocolVersion::mls10, kSuite1, {}}};
    const Proposal remove_carol{Remove{2}};
    const std::vector<Proposal> with_other{to_suite_1, remove_carol};
    EXPECT_EQ(w.members[0].commit(with_other).error(), Error::invalid_proposal);
    const Proposal to_unknown{ReInit{to_bytes("ward-3b"), ProtocolVersion::mls10, 0x0007, {}}};
    EXPECT_EQ(w.members[0].commit({&to_unknown, 1}).error(), Error::invalid_proposal);

    // bob proposes it, alice commits it; everyone learns the successor's parameters.
    w.deliver(w.members[1].propose(to_suite_1).value(), 1);
    CommitOutput out = w.members[0].commit({}).value();
    ASSERT_TRUE(out.effect.reinit);
    for (const std::size_t i : {1u, 2u}) {
        const NewEpoch e = std::get<NewEpoch>(w.members[i].process(wire(out.commit)).value());
        ASSERT_TRUE(e.reinit);
        EXPECT_EQ(e.reinit->group_id, to_bytes("ward-3b"));
        EXPECT_EQ(e.reinit->cipher_suite, kSuite1);
    }
    w.members[0] = std::move(out.next);
    // The old group is closed for everything, also after being stored and restored.
    Group alice = Group::restore(w.members[0].serialize_state().value()).value();
    ASSERT_TRUE(alice.reinit());
    EXPECT_EQ(alice.encrypt(to_bytes("late")).error(), Error::reinitialized);
    EXPECT_EQ(alice.commit({}).error(), Error::reinitialized);
    EXPECT_EQ(alice.propose_update().error(), Error::reinitialized);
    EXPECT_EQ(alice.process(wire(out.commit)).error(), Error::reinitialized);
    EXPECT_EQ(to_string(Error::reinitialized), "reinitialized");

    // alice starts the successor in suite 1, with the old group's last resumption PSK.
    const CipherSuite& cs1 = *suite_for(kSuite1);
    const auto reinit_psk = alice.reinit_psk().value();
    GroupConfig config;
    config.other_groups_resumption_psks.emplace(reinit_psk.key, reinit_psk.psk);
    const auto device1 = [&cs1](std::string_view name) {
        Credential credential;
        credential.identity = to_bytes(name);
        return make_key_package(cs1, std::move(credential), cs1.generate_signature_key_pair(), 0,
                                UINT64_MAX)
            .value();
    };
    Group next = Group::create(cs1, to_bytes("ward-3b"), device1("alice"), config, {}).value();
    const KeyPackageBundle bob = device1("bob");
    const std::vector<Proposal> first{Proposal{Add{bob.key_package}}, reinit_psk.proposal};
    CommitOutput started = next.commit(first).value();
    const MLSMessage welcome_message = wire(*started.welcome);
    const Welcome& welcome = std::get<Welcome>(welcome_message.body);
    // Without the predecessor's PSK bob cannot join; with it, he agrees with alice.
    EXPECT_EQ(Group::join(cs1, welcome, bob, std::nullopt).error(), Error::missing_psk);
    const auto bob_psk = w.members[1].reinit_psk().value();
    EXPECT_EQ(bob_psk.psk, reinit_psk.psk);
    GroupConfig bob_config;
    bob_config.other_groups_resumption_psks.emplace(bob_psk.key, bob_psk.psk);
    Group bob_next = Group::join(cs1, welcome, bob, std::nullopt, bob_config).value();
    EXPECT_EQ(bob_next.epoch_authenticator(), started.next.epoch_authenticator());
    // A reinit PSK is good for the successor's first commit only.
    EXPECT_EQ(started.next.commit({&reinit_psk.proposal, 1}).error(), Error::invalid_proposal);
}

TEST(GroupProposals, AGroupWithoutExternalSendersRefusesTheServer) {
    Ward w(false);
    EXPECT_EQ(w.members[0].process(wire(w.external_remove(1))).error(), Error::invalid_sender);
}

}  // namespace
}  // namespace wardline::mls
