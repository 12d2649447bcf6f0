// SPDX-License-Identifier: Apache-2.0
// Every server event crosses server processes (issues #3 and #5; docs/architecture.md,
// "Several server processes"): two real wardline-server processes on one database, a user on
// each, and every kind of event pushed on one process reaches the device on the other, once;
// sessions ended on one process end on the other within a second; bodies too large for a
// NOTIFY payload still arrive; junk on the channel changes nothing.
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/key_package_builder.hpp"

#include "common/mls/external_sender.hpp"

#include <sodium.h>

#include <chrono>
#include <functional>

namespace wardline::test {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

class CrossNode : public StreamFixture {
protected:
    /// Starts the first process and waits until it listens on both channels.
    void start_nodes(std::map<std::string, std::string> config = {}) {
        start_stream(config);
        ASSERT_TRUE(wait_for(
            [&] {
                return server().log().find("listening on wardline_events") != std::string::npos;
            },
            10s))
            << server().log();
        node2_ = second_node(std::move(config));
    }
    ServerProcess& node2() { return *node2_; }

    /// The frames read on `ws` until the first event of `type` whose body satisfies `pred`
    /// (included), starting after the last one read by this or next_event(); throws after 5 s
    /// without one.
    std::vector<json> until(WsClient& ws, const std::string& type,
                            const std::function<bool(const json&)>& pred = {}) {
        std::vector<json> frames;
        auto matches = [&](const json& f) {
            return f.value("event", "") == type && (!pred || pred(f["body"]));
        };
        auto& seen = seen_events_[&ws];
        const auto& stashed = ws.events();
        for (; seen < stashed.size();) {
            frames.push_back(stashed[seen++]);
            if (matches(frames.back())) return frames;
        }
        for (;;) {
            frames.push_back(ws.read_json(5s));
            if (matches(frames.back())) {
                const auto problem = protocol_.check_event(type, frames.back()["body"]);
                EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
                return frames;
            }
        }
    }
    json event(WsClient& ws, const std::string& type,
               const std::function<bool(const json&)>& pred = {}) {
        return until(ws, type, pred).back()["body"];
    }
    static std::size_t count_of(const std::vector<json>& frames, const std::string& type,
                                const std::function<bool(const json&)>& pred) {
        std::size_t n = 0;
        for (const auto& f : frames)
            if (f.value("event", "") == type && pred(f["body"])) ++n;
        return n;
    }
    /// Waits at most `limit` for auth.session_ended on `ws`; returns its reason ("" if none).
    std::string session_ended_within(WsClient& ws, std::chrono::milliseconds limit) {
        std::string reason;
        wait_for(
            [&] {
                const auto r = ws.read(50ms);
                if (r.kind != ReadResult::Kind::text) return false;
                const auto frame = json::parse(r.data);
                if (frame.value("event", "") != "auth.session_ended") return false;
                reason = frame["body"].value("reason", "");
                return true;
            },
            limit);
        return reason;
    }
    /// A fresh KeyPackage of the user's device, base64.
    std::string key_package(TestUser& u) {
        return key_package_base64(client(u).bundle.key_package);
    }
    /// alice's message reaches bob and opens in bob's group.
    void exchange_check(Client& from, Client& to, const std::string& conv) {
        const auto sent = ok("messages.send", send(from, conv, "after the large welcome"));
        const auto pushed = event(*to.ws, "message.new");
        EXPECT_EQ(pushed["seq"], sent["seq"]);
        EXPECT_EQ(open(to, pushed), "after the large welcome");
    }
    static json at(const std::string& conv, std::int64_t seq) {
        return json{{"conversation_id", conv}, {"seq", seq}};
    }

    std::unique_ptr<ServerProcess> node2_;
};

TEST_F(CrossNode, ConversationWelcomeAndWorkflowEventsReachADeviceOnTheOtherProcess) {
    start_nodes({{"messaging.recall_window_seconds", "600"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    bob.ws = resume_on(node2(), bob_user);  // alice on the first process, bob on the second

    // conversation.member_added: made on the first process, told to bob on the second.
    const mls::Bytes gid = random_group_id();
    const json created =
        ok("conversations.create",
           alice.ws->request("conversations.create", {{"kind", "group"},
                                                      {"title", "Ward round"},
                                                      {"mls_group_id", to_base64(gid)},
                                                      {"members", {bob_user.id}}}));
    const std::string conv = created["conversation"]["id"];
    const auto added = event(*bob.ws, "conversation.member_added",
                             [&](const json& b) { return b["conversation_id"] == conv; });
    EXPECT_EQ(added["conversation_id"], conv);
    // welcome.new: form_group waits for it on bob's connection (the second process) and joins.
    form_group(alice, {&bob}, conv, gid);
    ASSERT_TRUE(bob.group);

    // message.new crosses by the stream's own NOTIFY, as before.
    json body = send_body(alice, conv, "K+ 6.9, repeat ECG", "");
    body["priority"] = "critical";
    const auto seq = ok("messages.send", alice.ws->request("messages.send", body))["seq"];
    EXPECT_EQ(event(*bob.ws, "message.new")["seq"], seq);

    // Receipts and acknowledgement: made on the second process, told to alice on the first.
    ok("messages.delivered", bob.ws->request("messages.delivered", at(conv, seq)));
    EXPECT_EQ(event(*alice.ws, "receipt.delivered")["user_id"], bob_user.id);
    ok("messages.read", bob.ws->request("messages.read", at(conv, seq)));
    const auto read = event(*alice.ws, "receipt.read");
    EXPECT_EQ(read["user_id"], bob_user.id);
    EXPECT_EQ(read["seq"], seq);
    const auto acked =
        ok("messages.acknowledge", bob.ws->request("messages.acknowledge", at(conv, seq)));
    const auto ack_event = event(*alice.ws, "message.acknowledged");
    EXPECT_EQ(ack_event["user_id"], bob_user.id);
    EXPECT_EQ(ack_event["acknowledged_at"], acked["acknowledged_at"]);

    // Typing, both ways.
    ok("messages.typing", alice.ws->request("messages.typing", {{"conversation_id", conv}}));
    EXPECT_EQ(event(*bob.ws, "typing")["user_id"], alice_user.id);
    ok("messages.typing", bob.ws->request("messages.typing", {{"conversation_id", conv}}));
    EXPECT_EQ(event(*alice.ws, "typing")["user_id"], bob_user.id);

    // Presence set on the second process reaches the peer on the first.
    ok("presence.set", bob.ws->request("presence.set", {{"status", "busy"}}));
    const auto presence = event(*alice.ws, "presence.changed", [&](const json& b) {
        return b["user_id"] == bob_user.id && b["status"] == "busy";
    });
    EXPECT_EQ(presence["status"], "busy");

    // Recall on the first process, told on the second.
    const auto recalled =
        ok("messages.recall", alice.ws->request("messages.recall", at(conv, seq)));
    const auto told = event(*bob.ws, "message.recalled");
    EXPECT_EQ(told["seq"], seq);
    EXPECT_EQ(told["recalled_at"], recalled["recalled_at"]);
}

TEST_F(CrossNode, ALocalRecipientGetsExactlyOneCopyOfAnEventThatAlsoCrosses) {
    start_nodes();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client carol = client(carol_user);
    bob.ws = resume_on(node2(), bob_user);
    const std::string conv = group_of(alice, {&bob, &carol});

    // carol types on the first process: alice there (local) and bob on the second are told.
    ok("messages.typing", carol.ws->request("messages.typing", {{"conversation_id", conv}}));
    auto from_carol = [&](const json& b) { return b["user_id"] == carol_user.id; };
    EXPECT_EQ(event(*bob.ws, "typing", from_carol)["conversation_id"], conv);
    // Then bob types on the second. The first process's listener gets notifications in commit
    // order, so by the time bob's typing reaches alice, its own notification of carol's typing
    // has come back to it too; had it pushed that again, alice would have it twice by now.
    ok("messages.typing", bob.ws->request("messages.typing", {{"conversation_id", conv}}));
    const auto frames =
        until(*alice.ws, "typing", [&](const json& b) { return b["user_id"] == bob_user.id; });
    // And nothing more comes after: what arrives before the ping's answer is kept in events().
    alice.ws->request("system.ping");
    const auto& stashed = alice.ws->events();
    const std::vector<json> later(
        stashed.begin() + static_cast<std::ptrdiff_t>(seen_events_[alice.ws.get()]), stashed.end());
    EXPECT_EQ(count_of(frames, "typing", from_carol) + count_of(later, "typing", from_carol), 1u);
    carol.ws->request("system.ping");
    EXPECT_EQ(count_of(carol.ws->events(), "typing", from_carol), 0u) << "not to the typist";
}

TEST_F(CrossNode,
       SuspendingAUserOrRevokingADeviceOnOneProcessEndsTheSessionOnTheOtherWithinASecond) {
    start_nodes();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser victim_user = enroll("General", "dr.quinn", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto admin = session(admin_user);  // on the first process
    auto victim = resume_on(node2(), victim_user);
    auto bob = resume_on(node2(), bob_user);

    auto started = SteadyClock::now();
    ASSERT_EQ(admin->request("users.suspend", {{"user_id", victim_user.id}}).value("status", ""),
              "ok");
    EXPECT_EQ(session_ended_within(*victim, 1s), "user_suspended");
    EXPECT_LT(SteadyClock::now() - started, 1s);
    EXPECT_EQ(code(victim->request("auth.logout")), "unauthenticated");

    started = SteadyClock::now();
    ASSERT_EQ(
        admin->request("devices.revoke", {{"device_id", bob_user.device_id}}).value("status", ""),
        "ok");
    EXPECT_EQ(session_ended_within(*bob, 1s), "device_revoked");
    EXPECT_LT(SteadyClock::now() - started, 1s);
    EXPECT_EQ(code(bob->request("auth.logout")), "unauthenticated");
    // The admin's own session on the first process is untouched.
    EXPECT_EQ(admin->request("system.ping").value("status", ""), "ok");
}

TEST_F(CrossNode, KeyPackagesLowAndEscalationsReachTheOtherProcess) {
    start_nodes({{"messaging.escalation_scan_ms", "200"}});
    TestUser admin_user = enroll("General", "adam.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser dave_user = enroll("General", "dave.backup", "physician");
    auto admin = session(admin_user);
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    auto dave = resume_on(node2(), dave_user);

    // key_packages.low: dave's device on the second process uploads one KeyPackage; alice's
    // claim on the first process leaves none.
    ok("key_packages.upload",
       dave->request("key_packages.upload", {{"key_packages", {key_package(dave_user)}}}));
    ok("key_packages.claim", alice.ws->request("key_packages.claim", {{"user_id", dave_user.id}}));
    EXPECT_EQ(event(*dave, "key_packages.low"), json({{"available", 0}}));

    // message.escalated: dave, the backup on call, connected to the second process.
    const std::string conv = group_of(alice, {&bob});
    const auto team =
        ok("oncall.teams.create",
           admin->request("oncall.teams.create", {{"name", "Cardiology"}}))["team"]["id"]
            .get<std::string>();
    owner().exec(
        "INSERT INTO oncall_shifts (org_id, team_id, user_id, role, start_at, end_at) "
        "VALUES ('" +
        org_id(dave_user) + "', '" + team + "', '" + dave_user.id +
        "', 'backup', now() - interval '1 hour', now() + interval '1 hour')");
    ok("escalation_rules.set",
       admin->request(
           "escalation_rules.set",
           {{"conversation_id", conv},
            {"levels",
             {{{"after_minutes", 0.03}, {"target", "oncall_backup"}, {"team_id", team}}}}}));
    json body = send_body(alice, conv, "VF on monitor bed 4", "");
    body["priority"] = "critical";
    const auto seq = ok("messages.send", alice.ws->request("messages.send", body))["seq"];
    const auto to_dave = event(*dave, "message.escalated");
    EXPECT_EQ(to_dave["seq"], seq);
    EXPECT_EQ(to_dave["targets"], json({dave_user.id}));
    EXPECT_EQ(event(*alice.ws, "message.escalated")["seq"], seq);
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 1);
}

TEST_F(CrossNode, TwoProcessesFireEachLevelOfAnEscalationChainExactlyOnce) {
    // Both processes scan every 200 ms for the same database; each level is recorded by one of
    // them and pushed once, wherever its targets are connected.
    start_nodes({{"messaging.escalation_scan_ms", "200"}});
    TestUser admin_user = enroll("General", "adam.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser dave_user = enroll("General", "dave.backup", "physician");
    TestUser erin_user = enroll("General", "erin.manager", "compliance_officer");
    auto admin = session(admin_user);
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    auto dave = resume_on(node2(), dave_user);
    auto erin = resume_on(node2(), erin_user);
    const std::string conv = group_of(alice, {&bob});
    const auto team =
        ok("oncall.teams.create",
           admin->request("oncall.teams.create", {{"name", "Cardiology"}}))["team"]["id"]
            .get<std::string>();
    owner().exec(
        "INSERT INTO oncall_shifts (org_id, team_id, user_id, role, start_at, end_at) "
        "VALUES ('" +
        org_id(dave_user) + "', '" + team + "', '" + dave_user.id +
        "', 'backup', now() - interval '1 hour', now() + interval '1 hour')");
    ok("escalation_rules.set",
       admin->request(
           "escalation_rules.set",
           {{"conversation_id", conv},
            {"levels",
             {{{"after_minutes", 0.02}, {"target", "oncall_backup"}, {"team_id", team}},
              {{"after_minutes", 0.02}, {"target", "role"}, {"role", "compliance_officer"}}}}}));
    json body = send_body(alice, conv, "VF on monitor bed 4", "");
    body["priority"] = "critical";
    const auto seq = ok("messages.send", alice.ws->request("messages.send", body))["seq"];
    auto level = [&](int n) {
        return [n, seq](const json& b) { return b["seq"] == seq && b["level"] == n; };
    };
    EXPECT_EQ(event(*dave, "message.escalated", level(1))["targets"], json({dave_user.id}));
    EXPECT_EQ(event(*erin, "message.escalated", level(2))["targets"], json({erin_user.id}));
    const auto to_alice = until(*alice.ws, "message.escalated", level(2));
    EXPECT_EQ(count_of(to_alice, "message.escalated", level(1)), 1u);
    EXPECT_EQ(count_of(to_alice, "message.escalated", level(2)), 1u);

    // A second (10 scans of each process): no level is pushed or recorded again.
    std::size_t again = 0;
    const auto until_time = SteadyClock::now() + 1s;
    while (SteadyClock::now() < until_time) {
        for (WsClient* ws : {alice.ws.get(), dave.get(), erin.get()}) {
            const auto r = ws->read(20ms);
            if (r.kind == ReadResult::Kind::text &&
                json::parse(r.data).value("event", "") == "message.escalated")
                ++again;
        }
    }
    EXPECT_EQ(again, 0u);
    // The sender sees every level that fired, in order.
    const auto receipts =
        ok("receipts.get",
           alice.ws->request("receipts.get", {{"conversation_id", conv}, {"seq", seq}}));
    ASSERT_EQ(receipts["escalations"].size(), 2u);
    EXPECT_EQ(receipts["escalations"][0]["level"], 1);
    EXPECT_EQ(receipts["escalations"][0]["targets"], json({dave_user.id}));
    EXPECT_EQ(receipts["escalations"][1]["level"], 2);
    EXPECT_EQ(receipts["escalations"][1]["targets"], json({erin_user.id}));
    EXPECT_EQ(receipts["escalations"][1]["pending_users"], json({bob_user.id}));
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM escalations WHERE level = 2 AND status = 'escalated'"),
              1);
    EXPECT_EQ(audit_count("messages.escalate", "success"), 2);
}

TEST_F(CrossNode, AWelcomeTooLargeForANotifyPayloadArrivesThroughTheRelayedEventsTable) {
    start_nodes();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    bob.ws = resume_on(node2(), bob_user);
    // A GroupContext naming many external senders makes a Welcome of more than 8000 bytes
    // (its GroupInfo carries the GroupContext), so its welcome.new cannot travel in a NOTIFY.
    std::vector<mls::ExternalSender> senders;
    for (int i = 0; i < 24; ++i) {
        mls::ExternalSender sender;
        sender.signature_key.resize(32);
        randombytes_buf(sender.signature_key.data(), sender.signature_key.size());
        sender.credential.credential_type = mls::CredentialType::basic;
        const std::string identity =
            "wardline-test-external-sender/" + std::to_string(i) + "/" + std::string(250, 'x');
        sender.credential.identity.assign(identity.begin(), identity.end());
        senders.push_back(std::move(sender));
    }
    auto extension = mls::external_senders_extension(senders);
    ASSERT_TRUE(extension);
    // group_of waits for welcome.new on bob's connection to the second process and joins.
    const std::string conv = group_of(alice, {&bob}, {*extension});
    ASSERT_TRUE(bob.group);
    EXPECT_GE(count("SELECT count(*) FROM relayed_events WHERE octet_length(events) > 8000"), 1);
    exchange_check(alice, bob, conv);
}

TEST_F(CrossNode, JunkOnTheEventsChannelIsIgnoredAndBothProcessesKeepServing) {
    start_nodes();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    bob.ws = resume_on(node2(), bob_user);
    const std::string conv = group_of(alice, {&bob});
    const std::vector<std::string> junks{
        "junk",
        "v1",
        "v1 zz [{}]",
        "v1 0123 [",
        "v1 0123 @0",
        "v1 0123 @999999",
        R"(v1 0123 [{"k":"end_user","t":"x","r":"bored"}])",
        "v1 0123 [" + std::string(100, '[') + std::string(100, ']') + "]"};
    for (const auto& junk : junks) owner().exec("NOTIFY wardline_events, '" + junk + "'");
    owner().exec("NOTIFY wardline_stream, 'junk'");
    // Both processes still relay and serve.
    ok("messages.typing", alice.ws->request("messages.typing", {{"conversation_id", conv}}));
    EXPECT_EQ(event(*bob.ws, "typing")["user_id"], alice_user.id);
    ok("messages.typing", bob.ws->request("messages.typing", {{"conversation_id", conv}}));
    EXPECT_EQ(event(*alice.ws, "typing")["user_id"], bob_user.id);
    EXPECT_EQ(alice.ws->request("system.ping").value("status", ""), "ok");
    EXPECT_NE(node2().log().find("malformed notification on wardline_events"), std::string::npos);
}

}  // namespace
}  // namespace wardline::test
