// SPDX-License-Identifier: Apache-2.0
// The server as MLS external sender (server/messaging/removal_sweeper.hpp) with real groups: a
// revoked device and a suspended user are proposed for removal by a Remove the server signs,
// which the members' own MLS state accepts, once per leaf and epoch; the next member's commit
// applies it and the server's view of the group's leaves (group_leaves) follows.
#include "common/mls/external_sender.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"

#include <sodium.h>

#include <chrono>
#include <thread>

namespace wardline::test {
namespace {

using nlohmann::json;

class Removals : public StreamFixture {
protected:
    /// The extension that names the server as external sender, as delivery.external_sender
    /// describes it.
    mls::Extension server_as_external_sender(WsClient& ws) {
        const json d =
            ok("delivery.external_sender", ws.request("delivery.external_sender", json::object()));
        const auto text = d["signature_key"].get<std::string>();
        mls::Bytes key(32);
        std::size_t length = 0;
        if (sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &length,
                              nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
            length != 32)
            throw std::runtime_error("signature_key is not a 32-byte base64 key");
        mls::Credential credential;
        credential.credential_type = mls::CredentialType::basic;
        const auto identity = d["credential_identity"].get<std::string>();
        credential.identity.assign(identity.begin(), identity.end());
        auto extension = mls::external_senders_extension({mls::ExternalSender{key, credential}});
        if (!extension) throw std::runtime_error("external_senders_extension failed");
        return *extension;
    }

    /// The next message.new of kind proposal on the connection.
    json next_proposal(WsClient& ws) {
        for (;;) {
            json event = next_event(ws, "message.new");
            if (event["body"].value("kind", "") == "proposal") return event["body"];
        }
    }

    long long proposals(const std::string& conversation) {
        return count(
            "SELECT count(*) FROM messages WHERE kind = 'proposal' AND conversation_id = '" +
            conversation + "'");
    }
    long long leaves_of(const std::string& device_id) {
        return count("SELECT count(*) FROM group_leaves WHERE device_id = '" + device_id + "'");
    }

    /// Alice commits every proposal her group holds; the server must accept it.
    mls::NewEpoch commit_pending(Client& alice, const std::string& conversation) {
        auto out = alice.group->commit({});
        if (!out) throw std::runtime_error("commit failed");
        const auto r = alice.ws->request("handshake.submit", {{"conversation_id", conversation},
                                                              {"client_msg_id", new_uuid()},
                                                              {"message", base64(out->commit)}});
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        alice.group.emplace(std::move(out->next));
        return out->effect;
    }
};

TEST_F(Removals, ARevokedDeviceIsProposedForRemovalOnceAndTheNextCommitTakesItOut) {
    start_stream({{"messaging.removal_sweep_ms", "100"}});
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto conversation = group_of(alice, {&bob}, {server_as_external_sender(*alice.ws)});
    EXPECT_EQ(rows("group_leaves", conversation), 2);
    EXPECT_EQ(leaves_of(bob_user.device_id), 1);
    EXPECT_EQ(proposals(conversation), 0);

    auto admin_ws = logged_in(admin);
    ok("devices.revoke", admin_ws->request("devices.revoke", {{"device_id", bob_user.device_id}}));

    const json proposal = next_proposal(*alice.ws);
    EXPECT_EQ(proposal.value("sender_user_id", "x"), "");
    auto processed = alice.group->process(parse(proposal["message"].get<std::string>()));
    ASSERT_TRUE(processed) << "the member's group refused the server's Remove";
    EXPECT_TRUE(std::holds_alternative<mls::ProposalStored>(*processed));

    // Later sweeps of the same epoch propose nothing more.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_EQ(proposals(conversation), 1);
    EXPECT_EQ(count("SELECT count(*) FROM server_removals WHERE device_id = '" +
                    bob_user.device_id + "'"),
              1);

    const mls::NewEpoch effect = commit_pending(alice, conversation);
    ASSERT_EQ(effect.removed.size(), 1u);
    EXPECT_EQ(effect.removed[0].value, 1u);
    EXPECT_EQ(leaves_of(bob_user.device_id), 0);
    EXPECT_EQ(rows("group_leaves", conversation), 1);

    // Bob's leaf is gone: the next epoch needs no Remove.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_EQ(proposals(conversation), 1);
    EXPECT_EQ(audit_count("mls.server_remove_proposed"), 1);
}

TEST_F(Removals, ASuspendedUsersDevicesAreProposedForRemovalInEachOfTheirGroups) {
    start_stream({{"messaging.removal_sweep_ms", "100"}});
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client carol = client(carol_user);
    const auto extension = server_as_external_sender(*alice.ws);
    const auto ward = group_of(alice, {&bob, &carol}, {extension});

    auto admin_ws = logged_in(admin);
    ok("users.suspend", admin_ws->request("users.suspend", {{"user_id", bob_user.id}}));

    // Carol, who stays, receives the server's Remove too, and her group accepts it.
    const json for_carol = next_proposal(*carol.ws);
    auto processed = carol.group->process(parse(for_carol["message"].get<std::string>()));
    ASSERT_TRUE(processed);
    EXPECT_TRUE(std::holds_alternative<mls::ProposalStored>(*processed));
    const json for_alice = next_proposal(*alice.ws);
    EXPECT_EQ(for_alice["seq"], for_carol["seq"]);
    ASSERT_TRUE(alice.group->process(parse(for_alice["message"].get<std::string>())));

    const mls::NewEpoch effect = commit_pending(alice, ward);
    ASSERT_EQ(effect.removed.size(), 1u);
    EXPECT_EQ(leaves_of(bob_user.device_id), 0);
    EXPECT_EQ(rows("group_leaves", ward), 2);
}

TEST_F(Removals, EveryDeviceOfADeactivatedUserLosesItsSessionsAndIsProposedForRemoval) {
    start_stream({{"messaging.removal_sweep_ms", "100"}});
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto ward = group_of(alice, {&bob}, {server_as_external_sender(*alice.ws)});
    // A second connection of Bob's device on another server process.
    auto node = second_node();
    auto bob_there = resume_on(*node, bob_user);

    auto admin_ws = logged_in(admin);
    ok("users.deactivate", admin_ws->request("users.deactivate", {{"user_id", bob_user.id}}));
    EXPECT_EQ(next_event(*bob.ws, "auth.session_ended")["body"]["reason"], "user_deactivated");
    EXPECT_EQ(next_event(*bob_there, "auth.session_ended")["body"]["reason"], "user_deactivated");
    EXPECT_EQ(code(bob.ws->request("messages.sync", json::object())), "unauthenticated");
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE user_id = '" + bob_user.id + "' AND ended_at IS NULL"), 0);
    auto again = connect();
    EXPECT_EQ(code(again->request("auth.resume", {{"token", bob_user.token}, {"device_id", bob_user.device_id}})),
              "unauthenticated");

    const json proposal = next_proposal(*alice.ws);
    ASSERT_TRUE(alice.group->process(parse(proposal["message"].get<std::string>())));
    const mls::NewEpoch effect = commit_pending(alice, ward);
    ASSERT_EQ(effect.removed.size(), 1u);
    EXPECT_EQ(leaves_of(bob_user.device_id), 0);
}

}  // namespace
}  // namespace wardline::test
