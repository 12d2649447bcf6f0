// SPDX-License-Identifier: Apache-2.0
// The server's MLS external sender key (server/delivery/external_sender_key.hpp): its file, and
// its Remove proposals as real group members receive them — accepted by a group that names the
// server, refused by one that does not — with the leaf roster following the commit that
// applies the proposal.
#include "server/delivery/external_sender_key.hpp"

#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"
#include "server/delivery/leaf_roster.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wardline::server::delivery {
namespace {

using namespace wardline::mls;

template <class T>
T must(Result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string(what) + ": " + std::string(to_string(r.error())));
    return std::move(*r);
}

const CipherSuite& cs() {
    return *suite_for(kSuite3);
}

MLSMessage wire(const MLSMessage& m) {
    return must(deserialize_mls_message(must(serialize(m), "serialize")), "deserialize");
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "wl-esk-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(ExternalSenderKey, IsCreatedPrivateOnFirstUseAndTheSameAfterwards) {
    TempDir dir;
    const auto file = (dir.path / "external-sender.key").string();
    const auto first = ExternalSenderKey::load_or_create(file);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto again = ExternalSenderKey::load_or_create(file);
    EXPECT_EQ(first.external_sender(), again.external_sender());
    EXPECT_EQ(first.external_sender().signature_key.size(), 32u);
    EXPECT_NE(first.external_sender(), ExternalSenderKey::generate().external_sender());
    const auto identity = first.external_sender().credential.identity;
    EXPECT_EQ(std::string(identity.begin(), identity.end()), kExternalSenderIdentity);
}

TEST(ExternalSenderKey, RefusesAFileThatHoldsNoKeyWithoutQuotingIt) {
    TempDir dir;
    const auto file = (dir.path / "bad.key").string();
    const std::string secretish = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
    for (const std::string& content :
         {std::string("garbage\n"),
          std::string("# Wardline MLS external sender key (Ed25519 seed). Keep it secret.\n") +
              secretish + "\n",
          std::string("# Wardline MLS external sender key (Ed25519 seed). Keep it secret.\n")}) {
        std::ofstream(file, std::ios::trunc) << content;
        try {
            (void)ExternalSenderKey::load_or_create(file);
            ADD_FAILURE() << "accepted: " << content;
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()).find(secretish), std::string::npos);
            EXPECT_NE(std::string(e.what()).find(file), std::string::npos);
        }
    }
    EXPECT_THROW((void)ExternalSenderKey::load_or_create(""), std::runtime_error);
}

struct Member {
    DeviceCredentialIds ids;
    KeyPackageBundle bundle;
};

Member member(int n) {
    char device[37];
    std::snprintf(device, sizeof device, "0c000000-0000-4000-8000-%012d", n);
    DeviceCredentialIds ids{"0a000000-0000-4000-8000-000000000001",
                            "0b000000-0000-4000-8000-000000000001", device};
    const auto identity = device_credential_identity(ids.org_id, ids.user_id, ids.device_id);
    Credential credential{CredentialType::basic, Bytes(identity.begin(), identity.end()), {}};
    const auto now =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    return Member{
        ids, must(make_key_package(cs(), std::move(credential), cs().generate_signature_key_pair(),
                                   now - 60, now + 3600),
                  "key package")};
}

TEST(ExternalSenderKey, ItsRemoveIsAcceptedByAGroupThatNamesTheServerAndAppliedByTheNextCommit) {
    const auto server = ExternalSenderKey::generate();
    const Member a = member(1), b = member(2);
    std::vector<Extension> extensions{
        must(external_senders_extension({server.external_sender()}), "extension")};
    Group alice = must(Group::create(cs(), Bytes(16, 7), a.bundle, {}, extensions), "create");
    LeafRoster roster = LeafRoster::founded_by(a.ids);
    std::vector<Proposal> add{Proposal{Add{b.bundle.key_package}}};
    auto out = must(alice.commit(add), "add b");
    ASSERT_TRUE(std::holds_alternative<RosterChange>(
        roster.apply_commit(std::get<PublicMessage>(wire(out.commit).body), {})));
    alice = std::move(out.next);

    const auto leaf = roster.leaf_of(b.ids.device_id);
    ASSERT_EQ(leaf, 1u);
    const MLSMessage remove =
        must(server.propose_remove(alice.group_id(), alice.epoch(), 0, *leaf), "propose");
    const auto processed = must(alice.process(wire(remove)), "alice processes the server's Remove");
    ASSERT_TRUE(std::holds_alternative<ProposalStored>(processed));

    const PublicMessage proposal = std::get<PublicMessage>(wire(remove).body);
    const auto ref = proposal_ref(cs(), proposal);
    ASSERT_TRUE(ref);
    EXPECT_EQ(*ref, std::get<ProposalStored>(processed).reference);
    ProposalsByRef stored;
    stored.emplace(*ref,
                   StoredProposal{std::get<Proposal>(proposal.content.content), std::nullopt});

    out = must(alice.commit({}), "commit the server's Remove");
    EXPECT_EQ(out.effect.removed.size(), 1u);
    const auto change = roster.apply_commit(std::get<PublicMessage>(wire(out.commit).body), stored);
    ASSERT_TRUE(std::holds_alternative<RosterChange>(change));
    EXPECT_EQ(std::get<RosterChange>(change).removed.at(0).device, b.ids);
    EXPECT_FALSE(roster.leaf_of(b.ids.device_id));
}

TEST(ExternalSenderKey, ARemoveForAGroupThatDoesNotNameTheServerIsRefused) {
    const auto server = ExternalSenderKey::generate();
    const auto impostor = ExternalSenderKey::generate();
    const Member a = member(1), b = member(2);
    std::vector<Extension> extensions{
        must(external_senders_extension({server.external_sender()}), "extension")};
    Group alice = must(Group::create(cs(), Bytes(16, 8), a.bundle, {}, extensions), "create");
    std::vector<Proposal> add{Proposal{Add{b.bundle.key_package}}};
    alice = std::move(must(alice.commit(add), "add b").next);
    const auto forged =
        must(impostor.propose_remove(alice.group_id(), alice.epoch(), 0, 1), "forge");
    EXPECT_FALSE(alice.process(wire(forged)));
    const auto stale =
        must(server.propose_remove(alice.group_id(), alice.epoch() - 1, 0, 1), "stale");
    EXPECT_FALSE(alice.process(wire(stale)));
}

}  // namespace
}  // namespace wardline::server::delivery
