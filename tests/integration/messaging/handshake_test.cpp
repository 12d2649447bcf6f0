// SPDX-License-Identifier: Apache-2.0
// handshake.submit and group_info.get (issue #5) with real MLS commits: the epoch check
// (stale_epoch, then a retry at the current epoch), the server's membership check of Adds, the
// Welcome routed to the added device, GroupInfo for a new device's external commit, and the
// refusals with nothing stored.
#include "common/core/device_credential.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/key_package_builder.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

class Handshake : public StreamFixture {
protected:
    json submit(Client& c, const std::string& conv, const mls::MLSMessage& message,
                const std::optional<mls::MLSMessage>& welcome = std::nullopt,
                const std::optional<mls::MLSMessage>& info = std::nullopt,
                const std::string& client_msg_id = "") {
        json body{{"conversation_id", conv},
                  {"client_msg_id", client_msg_id.empty() ? new_uuid() : client_msg_id},
                  {"message", base64(message)}};
        if (welcome) body["welcome"] = base64(*welcome);
        if (info) body["group_info"] = base64(*info);
        return c.ws->request("handshake.submit", body);
    }
    std::int64_t epoch_of(const std::string& conv) {
        return count("SELECT epoch FROM conversations WHERE id = '" + conv + "'");
    }
};

TEST_F(Handshake, StaleEpochCommitIsRefusedAndARetryAtTheCurrentEpochIsAccepted) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    ASSERT_EQ(epoch_of(conv), 1);

    // Both commit at epoch 1; alice is first.
    auto alice_commit = alice.group->commit({});
    auto bob_commit = bob.group->commit({});
    ASSERT_TRUE(alice_commit && bob_commit);
    const auto accepted = ok("handshake.submit", submit(alice, conv, alice_commit->commit));
    EXPECT_EQ(accepted["epoch"], 2);
    EXPECT_EQ(accepted["seq"], 2);
    alice.group.emplace(std::move(alice_commit->next));

    const auto stale = submit(bob, conv, bob_commit->commit);
    EXPECT_EQ(code(stale), "stale_epoch");
    EXPECT_EQ(epoch_of(conv), 2);
    EXPECT_EQ(rows("messages", conv), 2);

    // Bob processes the commit that won (pushed to him) and retries at epoch 2.
    const auto pushed = next_event(*bob.ws, "message.new")["body"];
    EXPECT_EQ(pushed["kind"], "commit");
    EXPECT_EQ(pushed["seq"], 2);
    ASSERT_TRUE(bob.group->process(parse(pushed["message"].get<std::string>())));
    EXPECT_EQ(bob.group->epoch(), 2u);
    auto retry = bob.group->commit({});
    ASSERT_TRUE(retry);
    const std::string retry_id = new_uuid();
    const auto retried = ok("handshake.submit",
                            submit(bob, conv, retry->commit, std::nullopt, std::nullopt, retry_id));
    EXPECT_EQ(retried["epoch"], 3);
    EXPECT_EQ(retried["seq"], 3);
    bob.group.emplace(std::move(retry->next));
    // A retry of the accepted commit (lost answer) gets the original seq, nothing new.
    const auto again = ok("handshake.submit",
                          submit(bob, conv, retry->commit, std::nullopt, std::nullopt, retry_id));
    EXPECT_EQ(again["seq"], 3);
    EXPECT_EQ(again["duplicate"], true);
    EXPECT_EQ(epoch_of(conv), 3);
    // Alice follows, and messages flow at the new epoch.
    const auto to_alice = next_event(*alice.ws, "message.new")["body"];
    ASSERT_TRUE(alice.group->process(parse(to_alice["message"].get<std::string>())));
    ok("messages.send", send(alice, conv, "epoch three"));
    EXPECT_EQ(open(bob, next_event(*bob.ws, "message.new")["body"]), "epoch three");
    EXPECT_EQ(audit_count("handshake.commit", "success"), 3);
}

TEST_F(Handshake, CommitAddingANonMemberOrAForeignUserIsRefusedAndNothingIsStored) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");  // not a member
    TestUser fred_user = enroll("Other", "fred.foreign", "nurse");
    Client alice = client(alice_user);
    Client carol = client(carol_user);
    Client fred = client(fred_user);
    const std::string conv = group_of(alice, {});
    const auto clean = alice.group->serialize_state();  // before proposals are cached
    ASSERT_TRUE(clean);
    for (auto* outsider : {&carol, &fred}) {
        SCOPED_TRACE(outsider->user->username);
        const mls::Proposal add{mls::Add{outsider->bundle.key_package}};
        auto out = alice.group->commit({&add, 1});
        ASSERT_TRUE(out && out->welcome);
        const auto r = submit(alice, conv, out->commit, out->welcome);
        EXPECT_EQ(code(r), "forbidden");
        // The same as a lone Add proposal.
        auto proposal = alice.group->propose(add);
        ASSERT_TRUE(proposal);
        EXPECT_EQ(code(submit(alice, conv, *proposal)), "forbidden");
    }
    EXPECT_EQ(rows("messages", conv), 0);
    EXPECT_EQ(rows("welcomes", conv), 0);
    EXPECT_EQ(epoch_of(conv), 0);
    EXPECT_EQ(audit_count("handshake.submit", "denied"), 4);
    EXPECT_THROW(carol.ws->read_json(300ms), std::exception);  // no welcome.new

    // Once carol is a member, the same kind of commit goes through and her device is welcomed.
    owner().exec(
        "INSERT INTO conversation_members (conversation_id, org_id, user_id, role, added_by) "
        "SELECT '" +
        conv + "', org_id, id, 'member', '" + alice_user.id + "' FROM users WHERE id = '" +
        carol_user.id + "'");
    Client carol2 = client(carol_user);
    const mls::Proposal add{mls::Add{carol2.bundle.key_package}};
    // Alice's group still holds the refused Add proposals: a commit carries them by reference,
    // and references pass only if they name proposals the server accepted.
    auto sneaky = alice.group->commit({&add, 1});
    ASSERT_TRUE(sneaky && sneaky->welcome);
    const auto refused = submit(alice, conv, sneaky->commit, sneaky->welcome);
    EXPECT_EQ(code(refused), "forbidden") << refused.dump();
    EXPECT_EQ(rows("messages", conv), 0);
    alice.group.emplace(*mls::Group::restore(*clean));
    auto out = alice.group->commit({&add, 1});
    ASSERT_TRUE(out && out->welcome);
    EXPECT_EQ(code(submit(alice, conv, out->commit)), "bad_request");  // its welcome is missing
    const auto accepted = ok("handshake.submit", submit(alice, conv, out->commit, out->welcome));
    EXPECT_EQ(accepted["epoch"], 1);
    const auto welcome = next_event(*carol2.ws, "welcome.new")["body"];
    EXPECT_EQ(welcome["conversation_id"], conv);
    EXPECT_EQ(welcome["commit_seq"], accepted["seq"]);
    EXPECT_TRUE(
        mls::Group::join(*mls::suite_for(mls::kSuite3),
                         std::get<mls::Welcome>(parse(welcome["welcome"].get<std::string>()).body),
                         carol2.bundle, std::nullopt));
    // Until acknowledged, the Welcome is also in every sync page.
    const auto page = ok("messages.sync", carol2.ws->request("messages.sync"));
    ASSERT_EQ(page["welcomes"].size(), 1u);
    EXPECT_EQ(page["welcomes"][0]["welcome"], welcome["welcome"]);
    EXPECT_EQ(page["messages"].size(), 0u);  // her stream starts after the commit
    ok("messages.delivered", carol2.ws->request("messages.delivered", {{"conversation_id", conv},
                                                                       {"seq", accepted["seq"]}}));
    EXPECT_EQ(ok("messages.sync", carol2.ws->request("messages.sync"))["welcomes"].size(), 0u);
}

TEST_F(Handshake, GroupInfoIsServedToMembersForANewDevicesExternalCommit) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    Client alice = client(alice_user);
    Client carol = client(carol_user);
    const std::string conv = group_of(alice, {});
    EXPECT_EQ(code(alice.ws->request("group_info.get", {{"conversation_id", conv}})), "not_found");
    auto update = alice.group->commit({});
    ASSERT_TRUE(update);
    auto info = update->next.group_info();
    ASSERT_TRUE(info);
    // A GroupInfo of the wrong epoch is refused, and nothing is stored.
    auto old_info = alice.group->group_info();
    EXPECT_EQ(code(submit(alice, conv, update->commit, std::nullopt, *old_info)), "bad_request");
    EXPECT_EQ(rows("messages", conv), 0);
    ok("handshake.submit", submit(alice, conv, update->commit, std::nullopt, *info));
    alice.group.emplace(std::move(update->next));
    const auto got =
        ok("group_info.get", alice.ws->request("group_info.get", {{"conversation_id", conv}}));
    EXPECT_EQ(got["epoch"], 1);
    EXPECT_EQ(got["group_info"], base64(*info));
    // Not a member: the same not_found as an unknown conversation.
    EXPECT_EQ(code(carol.ws->request("group_info.get", {{"conversation_id", conv}})), "not_found");

    // Alice's second device joins by external commit from the GroupInfo.
    const auto second = alice_user;  // same user, new device
    TestUser alice2 = second;
    new_device_key(alice2);
    alice2.device_id.clear();
    {
        auto ws = connect();
        auto r = ws->request("auth.login", login_body(*ws, alice2, alice2.password));
        ASSERT_EQ(r["body"].value("next", ""), "mfa_verify") << r.dump();
        r = ws->request("auth.mfa_verify", {{"recovery_code", alice2.recovery_codes.back()}});
        ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
        alice2.device_id = r["body"]["session"]["device_id"];
        alice2.token = r["body"]["session"]["token"];
    }
    Client device2 = client(alice2);
    const auto fetched = parse(got["group_info"].get<std::string>());
    auto joined = mls::Group::join_external(*mls::suite_for(mls::kSuite3),
                                            std::get<mls::GroupInfo>(fetched.body), std::nullopt,
                                            device2.bundle);
    ASSERT_TRUE(joined);
    // Carol (not a member) cannot use it; alice's first device cannot pass off another device's
    // join.
    EXPECT_EQ(code(submit(alice, conv, joined->commit)), "forbidden");
    const auto accepted = ok("handshake.submit", submit(device2, conv, joined->commit));
    EXPECT_EQ(accepted["epoch"], 2);
    ASSERT_TRUE(alice.group->process(
        parse(next_event(*alice.ws, "message.new")["body"]["message"].get<std::string>())));
    EXPECT_EQ(alice.group->epoch(), 2u);
}

TEST_F(Handshake, MalformedAndMisdirectedHandshakesAreRefused) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    const mls::Bytes hello{'h', 'i'};
    // An application message is not a handshake message.
    EXPECT_EQ(code(submit(alice, conv, *alice.group->encrypt(hello))), "bad_request");
    json body{{"conversation_id", conv}, {"client_msg_id", new_uuid()}, {"message", "@@@@"}};
    EXPECT_EQ(code(alice.ws->request("handshake.submit", body)), "bad_request");
    body["message"] = "AAAA";
    EXPECT_EQ(code(alice.ws->request("handshake.submit", body)), "bad_request");
    auto commit = alice.group->commit({});
    ASSERT_TRUE(commit);
    body["message"] = base64(commit->commit);
    body["welcome"] = base64(commit->commit);  // not a Welcome
    EXPECT_EQ(code(alice.ws->request("handshake.submit", body)), "bad_request");
    body.erase("welcome");
    body["group_info"] = "AAAA";
    EXPECT_EQ(code(alice.ws->request("handshake.submit", body)), "bad_request");
    body.erase("group_info");
    // Another group's commit.
    auto other = mls::Group::create(*mls::suite_for(mls::kSuite3), random_group_id(), alice.bundle);
    auto other_commit = other->commit({});
    EXPECT_EQ(code(submit(alice, conv, other_commit->commit)), "bad_request");
    // Unknown conversation: not_found.
    EXPECT_EQ(code(submit(alice, new_uuid(), commit->commit)), "not_found");
    // Archived.
    owner().exec("UPDATE conversations SET archived_at = now() WHERE id = '" + conv + "'");
    EXPECT_EQ(code(submit(alice, conv, commit->commit)), "archived");
    EXPECT_EQ(rows("messages", conv), 0);
    EXPECT_EQ(epoch_of(conv), 0);
}

}  // namespace
}  // namespace wardline::test
