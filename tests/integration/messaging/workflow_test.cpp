// SPDX-License-Identifier: Apache-2.0
// The clinical workflow (issue #5; docs/architecture.md, "Clinical workflow") over TLS against a
// real server and database, with real MLS groups: receipts, acknowledgements, recall and
// typing, each refusal from the side of the user who must be refused.
#include "tests/integration/messaging/stream_fixture.hpp"

#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

class Workflow : public StreamFixture {
protected:
    /// Sends `text` with `priority`; returns its seq.
    std::int64_t send_priority(Client& c, const std::string& conv, const std::string& text,
                               const std::string& priority) {
        json body = send_body(c, conv, text, "");
        body["priority"] = priority;
        return ok("messages.send", c.ws->request("messages.send", body))["seq"].get<std::int64_t>();
    }
    /// Whether an event of `type` has reached `ws` (the ping's answer comes after any event
    /// queued before it on the connection).
    bool has_event(WsClient& ws, const std::string& type) {
        ws.request("system.ping");
        for (const auto& e : ws.events())
            if (e.value("event", "") == type) return true;
        return false;
    }
    static json at(const std::string& conv, std::int64_t seq) {
        return json{{"conversation_id", conv}, {"seq", seq}};
    }
    static const json* member(const json& receipts, const std::string& user_id) {
        for (const auto& m : receipts["members"])
            if (m["user_id"] == user_id) return &m;
        return nullptr;
    }
};

TEST_F(Workflow, DeliveredAndReadReceiptsReachTheSenderAndReceiptsGetListsEveryMember) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client carol = client(carol_user);
    const std::string conv = group_of(alice, {&bob, &carol});
    const auto seq = send_priority(alice, conv, "labs are back", "routine");
    ASSERT_EQ(seq, 2);
    next_event(*bob.ws, "message.new");

    auto before = ok("receipts.get", alice.ws->request("receipts.get", at(conv, seq)));
    EXPECT_EQ(before["members"].size(), 2u) << "every member but the sender";
    ASSERT_NE(member(before, bob_user.id), nullptr);
    EXPECT_EQ((*member(before, bob_user.id))["delivered"], false);
    EXPECT_EQ((*member(before, bob_user.id))["read"], false);
    EXPECT_FALSE(member(before, bob_user.id)->contains("acknowledged")) << "routine: no ack asked";

    ok("messages.delivered", bob.ws->request("messages.delivered", at(conv, seq)));
    const auto delivered = next_event(*alice.ws, "receipt.delivered")["body"];
    EXPECT_EQ(delivered["conversation_id"], conv);
    EXPECT_EQ(delivered["user_id"], bob_user.id);
    EXPECT_EQ(delivered["seq"], seq);
    const auto read = ok("messages.read", bob.ws->request("messages.read", at(conv, seq)));
    EXPECT_EQ(read["read_seq"], seq);
    const auto read_event = next_event(*alice.ws, "receipt.read")["body"];
    EXPECT_EQ(read_event["user_id"], bob_user.id);
    EXPECT_EQ(read_event["seq"], seq);

    // Monotonic: reading an earlier seq does not move the receipt back, and tells no one.
    EXPECT_EQ(ok("messages.read", bob.ws->request("messages.read", at(conv, 1)))["read_seq"], seq);
    // The reader's own messages give no receipts to the reader; carol sent nothing.
    EXPECT_FALSE(has_event(*carol.ws, "receipt.read"));
    EXPECT_FALSE(has_event(*bob.ws, "receipt.read"));

    auto after = ok("receipts.get", carol.ws->request("receipts.get", at(conv, seq)));
    EXPECT_EQ((*member(after, bob_user.id))["delivered"], true);
    EXPECT_EQ((*member(after, bob_user.id))["read"], true);
    EXPECT_EQ((*member(after, carol_user.id))["delivered"], false);
    EXPECT_EQ((*member(after, carol_user.id))["read"], false);
    EXPECT_EQ(after["sender_user_id"], alice_user.id);
    EXPECT_EQ(after["recalled"], false);
    EXPECT_EQ(count("SELECT read_seq FROM conversation_members WHERE conversation_id = '" + conv +
                    "' AND user_id = '" + bob_user.id + "'"),
              seq);
}

TEST_F(Workflow, ReadReceiptBeyondTheLastSeqAndBadBodiesAreRefusedAndTheServerKeepsServing) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    EXPECT_EQ(code(bob.ws->request("messages.read", at(conv, 2))), "bad_request");
    EXPECT_EQ(count("SELECT read_seq FROM conversation_members WHERE conversation_id = '" + conv +
                    "' AND user_id = '" + bob_user.id + "'"),
              0);
    const std::vector<std::pair<std::string, json>> bad{
        {"messages.read", {{"conversation_id", conv}}},
        {"messages.read", {{"conversation_id", conv}, {"seq", -1}}},
        {"messages.read", {{"conversation_id", conv}, {"seq", "2"}}},
        {"messages.read", {{"conversation_id", std::string(36, 'z')}, {"seq", 1}}},
        {"messages.read", {{"conversation_id", conv + "x"}, {"seq", 1}}},
        {"messages.read", {{"conversation_id", conv}, {"seq", 1}, {"extra", 1}}},
        {"receipts.get", {{"conversation_id", conv}, {"seq", 0}}},
        {"receipts.get", {{"conversation_id", 7}, {"seq", 1}}},
        {"messages.acknowledge", {{"conversation_id", conv}, {"seq", 1.5}}},
        {"messages.acknowledge", {{"conversation_id", conv}}},
        {"messages.recall", {{"conversation_id", conv}, {"seq", 0}}},
        {"messages.recall", {{"conversation_id", std::string(36, 'z')}, {"seq", 1}}},
        {"messages.typing", {{"conversation_id", conv}, {"seq", 1}}},
        {"messages.typing", json::object()},
    };
    for (const auto& [type, body] : bad) {
        SCOPED_TRACE(type + " " + body.dump());
        EXPECT_EQ(code(bob.ws->request(type, body)), "bad_request");
    }
    // Routine messages and handshake messages are not acknowledged.
    const auto routine = send_priority(alice, conv, "fyi", "routine");
    EXPECT_EQ(code(bob.ws->request("messages.acknowledge", at(conv, routine))), "bad_request");
    EXPECT_EQ(code(bob.ws->request("messages.acknowledge", at(conv, 1))), "bad_request");
    EXPECT_EQ(code(bob.ws->request("messages.acknowledge", at(conv, 99))), "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM message_acks"), 0);
    // The connection and the server still serve.
    ok("messages.read", bob.ws->request("messages.read", at(conv, routine)));
    ok("receipts.get", alice.ws->request("receipts.get", at(conv, routine)));
}

TEST_F(Workflow, RecipientsAcknowledgeUrgentAndCriticalMessagesOnceAndTheSenderIsTold) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client carol = client(carol_user);
    const std::string conv = group_of(alice, {&bob, &carol});
    const auto seq = send_priority(alice, conv, "K+ 6.9, repeat ECG now", "critical");

    const auto acked =
        ok("messages.acknowledge", bob.ws->request("messages.acknowledge", at(conv, seq)));
    EXPECT_EQ(acked["duplicate"], false);
    const auto told = next_event(*alice.ws, "message.acknowledged")["body"];
    EXPECT_EQ(told["conversation_id"], conv);
    EXPECT_EQ(told["seq"], seq);
    EXPECT_EQ(told["user_id"], bob_user.id);
    EXPECT_EQ(told["acknowledged_at"], acked["acknowledged_at"]);

    // Idempotent: the same time, one row, one audit record, the sender is not told again.
    const auto again =
        ok("messages.acknowledge", bob.ws->request("messages.acknowledge", at(conv, seq)));
    EXPECT_EQ(again["duplicate"], true);
    EXPECT_EQ(again["acknowledged_at"], acked["acknowledged_at"]);
    EXPECT_EQ(count("SELECT count(*) FROM message_acks WHERE conversation_id = '" + conv + "'"), 1);
    EXPECT_EQ(audit_count("messages.acknowledge", "success"), 1);
    std::size_t acks_seen = 0;
    alice.ws->request("system.ping");
    for (const auto& e : alice.ws->events())
        if (e.value("event", "") == "message.acknowledged") ++acks_seen;
    EXPECT_LE(acks_seen, 1u);

    const auto receipts = ok("receipts.get", alice.ws->request("receipts.get", at(conv, seq)));
    EXPECT_EQ(receipts["priority"], "critical");
    EXPECT_EQ((*member(receipts, bob_user.id))["acknowledged"], true);
    EXPECT_EQ((*member(receipts, bob_user.id))["acknowledged_at"], acked["acknowledged_at"]);
    EXPECT_EQ((*member(receipts, carol_user.id))["acknowledged"], false);

    // Urgent asks for acknowledgement too.
    const auto urgent = send_priority(alice, conv, "call me", "urgent");
    ok("messages.acknowledge", carol.ws->request("messages.acknowledge", at(conv, urgent)));
}

TEST_F(Workflow, SenderOutsiderAndOtherOrganizationCannotAcknowledgeOrReadReceipts) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    TestUser fred_user = enroll("Other", "fred.foreign", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    Client carol = client(carol_user);
    Client fred = client(fred_user);
    const std::string conv = group_of(alice, {&bob});
    const auto seq = send_priority(alice, conv, "critical result", "critical");

    // The sender does not acknowledge their own message.
    EXPECT_EQ(code(alice.ws->request("messages.acknowledge", at(conv, seq))), "forbidden");
    EXPECT_EQ(audit_count("messages.acknowledge", "denied"), 1);

    // A non-member, another organization and an unknown conversation: one not_found.
    const std::string unknown = new_uuid();
    std::set<std::string> answers;
    for (auto* c : {&carol, &fred}) {
        for (const std::string& target : {conv, unknown}) {
            for (const std::string type : {"messages.acknowledge", "receipts.get", "messages.read",
                                           "messages.recall", "messages.typing"}) {
                SCOPED_TRACE(c->user->username + " " + type + " " + target);
                json body =
                    type == "messages.typing" ? json{{"conversation_id", target}} : at(target, seq);
                const auto r = c->ws->request(type, body);
                EXPECT_EQ(code(r), "not_found");
                answers.insert(r["error"]["message"].get<std::string>());
            }
        }
    }
    EXPECT_EQ(answers.size(), 1u) << "the answers must not tell the cases apart";
    // Nothing changed: no acknowledgement, no read receipt, no recall; the denials are audited.
    EXPECT_EQ(count("SELECT count(*) FROM message_acks"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE recalled_at IS NOT NULL"), 0);
    EXPECT_EQ(audit_count("messages.acknowledge", "denied"), 5);
    EXPECT_EQ(audit_count("messages.recall", "denied"), 4);
    EXPECT_FALSE(has_event(*alice.ws, "message.acknowledged"));
    EXPECT_FALSE(has_event(*alice.ws, "typing"));
}

TEST_F(Workflow, SenderRecallsWithinTheWindowAndEveryMemberIsToldAndSyncHidesTheCiphertext) {
    start_stream({{"messaging.recall_window_seconds", "600"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    const auto seq = send_priority(alice, conv, "wrong patient, ignore", "routine");
    const auto kept = send_priority(alice, conv, "the right one", "routine");

    // Only the sender: bob's attempt is refused, audited, and changes nothing.
    EXPECT_EQ(code(bob.ws->request("messages.recall", at(conv, seq))), "forbidden");
    EXPECT_EQ(audit_count("messages.recall", "denied"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE recalled_at IS NOT NULL"), 0);
    // Handshake messages are not recalled.
    EXPECT_EQ(code(alice.ws->request("messages.recall", at(conv, 1))), "bad_request");

    const auto recalled =
        ok("messages.recall", alice.ws->request("messages.recall", at(conv, seq)));
    const auto told = next_event(*bob.ws, "message.recalled")["body"];
    EXPECT_EQ(told["seq"], seq);
    EXPECT_EQ(told["recalled_at"], recalled["recalled_at"]);
    EXPECT_EQ(audit_count("messages.recall", "success"), 1);
    // Idempotent inside the window.
    EXPECT_EQ(
        ok("messages.recall", alice.ws->request("messages.recall", at(conv, seq)))["recalled_at"],
        recalled["recalled_at"]);

    const auto page = ok("messages.sync", bob.ws->request("messages.sync"));
    bool saw_recalled = false, saw_kept = false;
    for (const auto& m : page["messages"]) {
        if (m["seq"] == seq) {
            saw_recalled = true;
            EXPECT_EQ(m["recalled_at"], recalled["recalled_at"]);
            EXPECT_EQ(m["message"], "") << "a recalled message's ciphertext is not handed out";
        }
        if (m["seq"] == kept) {
            saw_kept = true;
            EXPECT_FALSE(m.contains("recalled_at"));
            EXPECT_FALSE(m["message"].get<std::string>().empty());
        }
    }
    EXPECT_TRUE(saw_recalled);
    EXPECT_TRUE(saw_kept);
    EXPECT_EQ(ok("receipts.get", bob.ws->request("receipts.get", at(conv, seq)))["recalled"], true);
    // The stored row keeps its sealed body for retention.
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv +
                    "' AND seq = " + std::to_string(seq) + " AND octet_length(body_sealed) > 0"),
              1);

    // Outside the window: refused, audited, nothing changed.
    owner().exec(
        "UPDATE messages SET created_at = now() - interval '11 minutes' WHERE "
        "conversation_id = '" +
        conv + "' AND seq = " + std::to_string(kept));
    EXPECT_EQ(code(alice.ws->request("messages.recall", at(conv, kept))), "conflict");
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE recalled_at IS NOT NULL"), 1);
    EXPECT_EQ(audit_count("messages.recall", "denied"), 2);
}

TEST_F(Workflow, TypingReachesTheOtherMembersIsNeverStoredAndIsRateLimited) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    const auto audit_before = count("SELECT count(*) FROM audit_records");
    ok("messages.typing", bob.ws->request("messages.typing", {{"conversation_id", conv}}));
    const auto typing = next_event(*alice.ws, "typing")["body"];
    EXPECT_EQ(typing["conversation_id"], conv);
    EXPECT_EQ(typing["user_id"], bob_user.id);
    EXPECT_FALSE(has_event(*bob.ws, "typing")) << "not to the typist";
    EXPECT_EQ(count("SELECT count(*) FROM audit_records"), audit_before) << "never stored";
    EXPECT_EQ(rows("messages", conv), 1);
    bool limited = false;
    for (int i = 0; i < 10 && !limited; ++i)
        limited =
            code(bob.ws->request("messages.typing", {{"conversation_id", conv}})) == "rate_limited";
    EXPECT_TRUE(limited);
    // Another user's bucket is untouched.
    ok("messages.typing", alice.ws->request("messages.typing", {{"conversation_id", conv}}));
}

}  // namespace
}  // namespace wardline::test
