// SPDX-License-Identifier: Apache-2.0
// Break-glass and end-to-end encryption (docs/e2ee.md, "Break-glass and MLS") with real MLS
// groups: under a live grant its holder fetches the GroupInfo, joins their own device by
// external commit and reads what is sent from then on, never what came before; when the grant
// ends, delivery stops and the server proposes the Remove of the holder's leaf.
#include "common/mls/external_sender.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"

#include <sodium.h>

namespace wardline::test {
namespace {

using nlohmann::json;

class BreakGlassMls : public StreamFixture {
protected:
    /// The server as external sender, as delivery.external_sender describes it.
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
    json submit(Client& c, const std::string& conv, const mls::MLSMessage& message,
                const std::optional<mls::MLSMessage>& info = std::nullopt) {
        json body{
            {"conversation_id", conv}, {"client_msg_id", new_uuid()}, {"message", base64(message)}};
        if (info) body["group_info"] = base64(*info);
        return c.ws->request("handshake.submit", body);
    }
    /// The member processes the next message.new on its connection (a commit or proposal).
    void process_next(Client& c) {
        const json e = next_event(*c.ws, "message.new");
        ASSERT_TRUE(c.group->process(parse(e["body"]["message"].get<std::string>())));
    }
    /// The seqs of `conv` in the device's messages.sync (no delivery cursor stored: from the
    /// first seq it may receive).
    std::vector<std::int64_t> synced(Client& c, const std::string& conv) {
        const json page = ok("messages.sync", c.ws->request("messages.sync", json::object()));
        std::vector<std::int64_t> seqs;
        for (const auto& m : page["messages"])
            if (m["conversation_id"] == conv) seqs.push_back(m["seq"].get<std::int64_t>());
        return seqs;
    }
};

TEST_F(BreakGlassMls, TheHolderJoinsByExternalCommitReadsOnlyWhatFollowsAndIsRemovedAtTheEnd) {
    start_stream({{"messaging.removal_sweep_ms", "100"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser dora_user = enroll("General", "dora.physician", "physician");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client dora = client(dora_user);
    const auto conv = group_of(alice, {&bob}, {server_as_external_sender(*alice.ws)});
    // Alice publishes a GroupInfo with an update.
    auto update = alice.group->commit({});
    ASSERT_TRUE(update);
    auto info = update->next.group_info();
    ASSERT_TRUE(info);
    ok("handshake.submit", submit(alice, conv, update->commit, *info));
    alice.group.emplace(std::move(update->next));
    process_next(bob);
    const json before = ok("messages.send", send(alice, conv, "sent before the grant"));

    // Without a grant: the GroupInfo and an external commit are refused like an unknown id.
    EXPECT_EQ(code(dora.ws->request("group_info.get", {{"conversation_id", conv}})), "not_found");
    const auto fetched_early =
        parse(ok("group_info.get",
                 alice.ws->request("group_info.get", {{"conversation_id", conv}}))["group_info"]
                  .get<std::string>());
    auto early = mls::Group::join_external(*mls::suite_for(mls::kSuite3),
                                           std::get<mls::GroupInfo>(fetched_early.body),
                                           std::nullopt, dora.bundle);
    ASSERT_TRUE(early);
    EXPECT_EQ(code(submit(dora, conv, early->commit)), "not_found");
    EXPECT_EQ(rows("group_leaves", conv), 2);

    // Break-glass, then the external commit of Dora's own device.
    ok("break_glass.open",
       dora.ws->request("break_glass.open", {{"conversation_id", conv},
                                             {"reason", "Covering the ward tonight, pager down"},
                                             {"totp", unused_code(dora_user)}}));
    const json got =
        ok("group_info.get", dora.ws->request("group_info.get", {{"conversation_id", conv}}));
    auto joined = mls::Group::join_external(
        *mls::suite_for(mls::kSuite3),
        std::get<mls::GroupInfo>(parse(got["group_info"].get<std::string>()).body), std::nullopt,
        dora.bundle);
    ASSERT_TRUE(joined);
    // A grant holder may not commit anything else (e.g. a plain update of someone's group).
    auto not_a_join = alice.group->commit({});
    ASSERT_TRUE(not_a_join);
    EXPECT_EQ(code(submit(dora, conv, not_a_join->commit)), "forbidden");
    ok("handshake.submit", submit(dora, conv, joined->commit));
    dora.group.emplace(std::move(joined->group));
    process_next(alice);
    process_next(bob);
    EXPECT_EQ(rows("group_leaves", conv), 3);
    EXPECT_EQ(alice.group->epoch(), dora.group->epoch());

    // What follows reaches Dora, pushed and synced; what came before never does.
    const json after = ok("messages.send", send(alice, conv, "sent under the grant"));
    EXPECT_EQ(open(dora, next_event(*dora.ws, "message.new")["body"]), "sent under the grant");
    const auto seqs = synced(dora, conv);
    ASSERT_FALSE(seqs.empty());
    EXPECT_GT(seqs.front(), before["seq"].get<std::int64_t>()) << "nothing before the grant";
    EXPECT_EQ(seqs.back(), after["seq"].get<std::int64_t>());
    // Reading is all it grants: Dora cannot post.
    EXPECT_EQ(code(send(dora, conv, "may I?")), "not_found");
    // A recall reaches the holder too, so their client removes what it showed.
    ok("messages.recall",
       alice.ws->request("messages.recall", {{"conversation_id", conv}, {"seq", after["seq"]}}));
    EXPECT_EQ(next_event(*dora.ws, "message.recalled")["body"]["seq"], after["seq"]);

    // The grant ends: no more delivery, and the server proposes the Remove of Dora's leaf.
    owner().exec("UPDATE break_glass_grants SET expires_at = now() - interval '1 second'");
    const json proposal = [&] {
        for (;;) {
            json e = next_event(*alice.ws, "message.new");
            if (e["body"].value("kind", "") == "proposal") return e["body"];
        }
    }();
    EXPECT_EQ(count("SELECT count(*) FROM server_removals WHERE device_id = '" +
                    dora_user.device_id + "'"),
              1);
    auto processed = alice.group->process(parse(proposal["message"].get<std::string>()));
    ASSERT_TRUE(processed) << "the member's group refused the server's Remove";
    const json later = ok("messages.send", send(bob, conv, "sent after the grant"));
    EXPECT_EQ(synced(dora, conv), std::vector<std::int64_t>{})
        << "the conversation is no longer in Dora's sync";
    dora.ws->request("system.ping");
    for (const auto& e : dora.ws->events())
        if (e.value("event", "") == "message.new") {
            EXPECT_LT(e["body"]["seq"].get<std::int64_t>(), later["seq"].get<std::int64_t>());
        }
    EXPECT_EQ(code(dora.ws->request("group_info.get", {{"conversation_id", conv}})), "not_found");

    // Alice's next commit takes the leaf out.
    auto removing = alice.group->commit({});
    ASSERT_TRUE(removing);
    ok("handshake.submit", submit(alice, conv, removing->commit));
    EXPECT_EQ(removing->effect.removed.size(), 1u);
    EXPECT_EQ(
        count("SELECT count(*) FROM group_leaves WHERE device_id = '" + dora_user.device_id + "'"),
        0);
}

}  // namespace
}  // namespace wardline::test
