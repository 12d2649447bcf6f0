// SPDX-License-Identifier: Apache-2.0
// The message stream (issue #5) over TLS against a real server and database, with real MLS
// groups: live exchange, offline catch-up in pages, duplicates, many concurrent senders, and
// the refusals of messages.send / sync / delivered with nothing stored.
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/key_package_builder.hpp"

#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

class Stream : public StreamFixture {};

TEST_F(Stream, TwoUsersExchangeMessagesPushedLiveAndSealedAtRest) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    // The commit that added bob is seq 1, at epoch 0; the conversation is at epoch 1 now.
    EXPECT_EQ(count("SELECT epoch FROM conversations WHERE id = '" + conv + "'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE kind = 'commit' AND seq = 1 AND "
                    "conversation_id = '" +
                    conv + "'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM welcomes WHERE device_id = '" + bob_user.device_id + "'"),
              1);

    const auto a1 = ok("messages.send", send(alice, conv, "BP 90/60, please come"));
    EXPECT_EQ(a1["seq"], 2);
    EXPECT_EQ(a1["duplicate"], false);
    const auto pushed = next_event(*bob.ws, "message.new")["body"];
    EXPECT_EQ(pushed["seq"], 2);
    EXPECT_EQ(pushed["kind"], "application");
    EXPECT_EQ(pushed["sender_user_id"], alice_user.id);
    EXPECT_EQ(pushed["sender_device_id"], alice_user.device_id);
    EXPECT_EQ(pushed["epoch"], 1);
    EXPECT_EQ(pushed["priority"], "routine");
    EXPECT_EQ(pushed["created_at"], a1["server_time"]);
    EXPECT_EQ(open(bob, pushed), "BP 90/60, please come");

    json reply = send_body(bob, conv, "on my way", "");
    reply["priority"] = "urgent";
    reply["reply_to"] = 2;
    reply["attachments"] = {"att-1", "att-2"};
    const auto b1 = ok("messages.send", bob.ws->request("messages.send", reply));
    EXPECT_EQ(b1["seq"], 3);
    const auto back = next_event(*alice.ws, "message.new")["body"];
    EXPECT_EQ(back["seq"], 3);
    EXPECT_EQ(back["priority"], "urgent");
    EXPECT_EQ(back["reply_to"], 2);
    EXPECT_EQ(back["attachments"], json({"att-1", "att-2"}));
    EXPECT_EQ(open(alice, back), "on my way");

    // Sealed at rest: the stored body is not the MLS message, and the row's seq is bound in.
    auto db = owner();
    for (const auto& m : {pushed, back})
        EXPECT_EQ(db.exec("SELECT count(*) FROM messages WHERE conversation_id = '" + conv +
                          "' AND position(decode('" + m["message"].get<std::string>() +
                          "', 'base64') IN body_sealed) > 0")
                      .int64(0, 0),
                  0);
    EXPECT_EQ(count("SELECT last_seq FROM conversations WHERE id = '" + conv + "'"), 3);
    EXPECT_EQ(audit_count("messages.send", "success"), 2);
    EXPECT_EQ(audit_count("handshake.commit", "success"), 1);
}

TEST_F(Stream, OfflineDeviceCatchesUpInPagesWithoutSkipping) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    bob.ws->close();  // offline
    for (int i = 0; i < 25; ++i) ok("messages.send", send(alice, conv, "m" + std::to_string(i)));

    bob.ws = session(bob_user);
    json cursors = json::array();
    std::vector<std::int64_t> seqs;
    int pages = 0;
    for (bool more = true; more; ++pages) {
        ASSERT_LT(pages, 10);
        const auto page =
            ok("messages.sync",
               bob.ws->request("messages.sync", {{"cursors", cursors}, {"limit", 10}}));
        EXPECT_EQ(page["welcomes"].size(), 0u);  // acknowledged by group_of
        for (const auto& m : page["messages"]) {
            seqs.push_back(m["seq"].get<std::int64_t>());
            EXPECT_EQ(open(bob, m), "m" + std::to_string(seqs.size() - 1));
        }
        more = page["more"].get<bool>();
        if (!page["cursors"].empty()) cursors = page["cursors"];
    }
    EXPECT_EQ(pages, 3);
    std::vector<std::int64_t> expected;
    for (int s = 2; s <= 26; ++s) expected.push_back(s);
    EXPECT_EQ(seqs, expected);

    // Without cursors the device's delivery cursor counts: acknowledged, nothing is left.
    ok("messages.delivered",
       bob.ws->request("messages.delivered", {{"conversation_id", conv}, {"seq", 26}}));
    auto rest = ok("messages.sync", bob.ws->request("messages.sync"));
    EXPECT_EQ(rest["messages"].size(), 0u);
    EXPECT_EQ(rest["more"], false);
    // The cursor never moves back.
    const auto back =
        ok("messages.delivered",
           bob.ws->request("messages.delivered", {{"conversation_id", conv}, {"seq", 5}}));
    EXPECT_EQ(back["delivered_seq"], 26);
    // From the future: refused, the stored cursor unchanged.
    EXPECT_EQ(code(bob.ws->request("messages.sync",
                                   {{"cursors", {{{"conversation_id", conv}, {"seq", 27}}}}})),
              "bad_request");
    EXPECT_EQ(code(bob.ws->request("messages.delivered", {{"conversation_id", conv}, {"seq", 27}})),
              "bad_request");
    EXPECT_EQ(count("SELECT delivered_seq FROM device_cursors WHERE device_id = '" +
                    bob_user.device_id + "'"),
              26);
    // A cursor names a conversation once.
    EXPECT_EQ(code(bob.ws->request("messages.sync", {{"cursors",
                                                      {{{"conversation_id", conv}, {"seq", 1}},
                                                       {{"conversation_id", conv}, {"seq", 2}}}}})),
              "bad_request");
    // Reads are audited: one record per page that handed something out (3 pages above).
    EXPECT_EQ(audit_count("messages.sync", "success"), 3);
    // Never before the member's first seq, whatever cursor the client gives.
    owner().exec("UPDATE conversation_members SET from_seq = 20 WHERE user_id = '" + bob_user.id +
                 "'");
    const auto late = ok(
        "messages.sync",
        bob.ws->request("messages.sync", {{"cursors", {{{"conversation_id", conv}, {"seq", 0}}}}}));
    ASSERT_FALSE(late["messages"].empty());
    EXPECT_EQ(late["messages"][0]["seq"], 20);
}

TEST_F(Stream, DuplicateSendIsStoredOnceAndRetriesGetTheOriginalAck) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    const json body = send_body(alice, conv, "once", "");
    const auto first = ok("messages.send", alice.ws->request("messages.send", body));
    const auto again = ok("messages.send", alice.ws->request("messages.send", body));
    EXPECT_EQ(first["seq"], 1);
    EXPECT_EQ(first["duplicate"], false);
    EXPECT_EQ(again["seq"], 1);
    EXPECT_EQ(again["duplicate"], true);
    EXPECT_EQ(again["server_time"], first["server_time"]);

    // Racing: both frames on the wire before either answer (likely in one batch).
    const json racing = send_body(alice, conv, "racing", "");
    const std::string frame = json{{"type", "messages.send"}, {"body", racing}}.dump();
    alice.ws->send_text(R"({"id":"a",)" + frame.substr(1));
    alice.ws->send_text(R"({"id":"b",)" + frame.substr(1));
    json ra, rb;
    while (ra.is_null() || rb.is_null()) {
        const auto r = alice.ws->read_json();
        if (r.value("id", json()) == "a") ra = r;
        if (r.value("id", json()) == "b") rb = r;
    }
    EXPECT_EQ(ok("messages.send", ra)["seq"], 2);
    EXPECT_EQ(ok("messages.send", rb)["seq"], 2);
    EXPECT_NE(ra["body"]["duplicate"], rb["body"]["duplicate"]);
    EXPECT_EQ(rows("messages", conv), 2);
    EXPECT_EQ(count("SELECT last_seq FROM conversations WHERE id = '" + conv + "'"), 2);
}

TEST_F(Stream, ManyConcurrentSendersGetGaplessSeqsAndNothingIsLost) {
    start_stream({{"messaging.send_burst", "10000"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    constexpr int kConnections = 8, kPerConnection = 50, kWindow = 25;
    std::vector<std::unique_ptr<WsClient>> conns;
    for (int c = 0; c < kConnections; ++c) conns.push_back(session(alice_user));
    std::map<std::string, std::int64_t> acked;  // client_msg_id -> seq
    std::set<std::int64_t> seqs;
    for (int round = 0; round < kPerConnection / kWindow; ++round) {
        std::map<std::string, std::string> ids;  // request id -> client_msg_id
        for (int i = 0; i < kWindow; ++i)
            for (int c = 0; c < kConnections; ++c) {
                const std::string rid =
                    std::to_string(round) + "-" + std::to_string(c) + "-" + std::to_string(i);
                json body = send_body(alice, conv, "msg " + rid, "");
                ids[rid] = body["client_msg_id"];
                conns[c]->send_text(
                    json{{"id", rid}, {"type", "messages.send"}, {"body", body}}.dump());
            }
        for (int c = 0; c < kConnections; ++c)
            for (int i = 0; i < kWindow; ++i) {
                const auto r = conns[c]->read_json(30s);
                const auto b = ok("messages.send", r);
                ASSERT_TRUE(b.contains("seq")) << r.dump();
                EXPECT_EQ(b["client_msg_id"], ids.at(r["id"].get<std::string>()));
                acked[b["client_msg_id"]] = b["seq"];
                EXPECT_TRUE(seqs.insert(b["seq"].get<std::int64_t>()).second) << "seq twice";
            }
    }
    constexpr int kTotal = kConnections * kPerConnection;
    ASSERT_EQ(static_cast<int>(seqs.size()), kTotal);
    EXPECT_EQ(*seqs.begin(), 1);
    EXPECT_EQ(*seqs.rbegin(), kTotal);  // 1..N: gapless
    EXPECT_EQ(rows("messages", conv), kTotal);
    EXPECT_EQ(count("SELECT last_seq FROM conversations WHERE id = '" + conv + "'"), kTotal);
    // Every ack names its stored row.
    auto db = owner();
    auto stored =
        db.exec("SELECT client_msg_id, seq FROM messages WHERE conversation_id = '" + conv + "'");
    for (int r = 0; r < stored.rows(); ++r)
        EXPECT_EQ(acked.at(std::string(stored.text_or_throw(r, 0))), stored.int64(r, 1));
    // Group commit: fewer audit records (one per batch and device) than messages.
    EXPECT_LE(audit_count("messages.send", "success"), kTotal);
}

TEST_F(Stream, NonMemberOtherOrganizationAndUnknownConversationAllGetTheSameNotFound) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    TestUser fred_user = enroll("Other", "fred.foreign", "nurse");
    Client alice = client(alice_user);
    Client carol = client(carol_user);
    Client fred = client(fred_user);
    const std::string conv = group_of(alice, {});
    ok("messages.send", send(alice, conv, "members only"));
    // The outsiders hold a group with the same id, so only membership can refuse them.
    carol.group.emplace(
        *mls::Group::create(*mls::suite_for(mls::kSuite3), alice.group->group_id(), carol.bundle));
    fred.group.emplace(
        *mls::Group::create(*mls::suite_for(mls::kSuite3), alice.group->group_id(), fred.bundle));
    const std::string unknown = new_uuid();
    std::set<std::string> messages;
    for (auto* c : {&carol, &fred}) {
        for (const std::string& target : {conv, unknown}) {
            SCOPED_TRACE(c->user->username + " " + target);
            const auto sent = send(*c, target, "let me in");
            EXPECT_EQ(code(sent), "not_found");
            messages.insert(sent["error"]["message"].get<std::string>());
            for (const auto& [type, body] : std::vector<std::pair<std::string, json>>{
                     {"messages.delivered", {{"conversation_id", target}, {"seq", 0}}},
                     {"group_info.get", {{"conversation_id", target}}},
                     {"messages.sync",
                      {{"cursors", {{{"conversation_id", target}, {"seq", 0}}}}}}}) {
                const auto r = c->ws->request(type, body);
                EXPECT_EQ(code(r), "not_found") << type;
                messages.insert(r["error"]["message"].get<std::string>());
            }
            // A plain sync shows nothing of it.
            EXPECT_EQ(ok("messages.sync", c->ws->request("messages.sync"))["messages"].size(), 0u);
        }
    }
    EXPECT_EQ(messages.size(), 1u) << "the answers must not tell the cases apart";
    EXPECT_EQ(rows("messages", conv), 1);
    EXPECT_EQ(count("SELECT count(*) FROM device_cursors WHERE device_id IN ('" +
                    carol_user.device_id + "', '" + fred_user.device_id + "')"),
              0);
    EXPECT_EQ(audit_count("messages.send", "denied"), 4);
}

TEST_F(Stream, ArchivedConversationAndReadOnlyMemberAreRefusedAndNothingIsStored) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    owner().exec("UPDATE conversation_members SET role = 'read_only' WHERE user_id = '" +
                 bob_user.id + "'");
    EXPECT_EQ(code(send(bob, conv, "may I?")), "forbidden");
    ok("messages.send", send(alice, conv, "announcement"));
    owner().exec("UPDATE conversations SET archived_at = now() WHERE id = '" + conv + "'");
    const auto r = send(alice, conv, "too late");
    EXPECT_EQ(code(r), "archived");
    EXPECT_EQ(r["error"]["message"], "the conversation is archived");
    EXPECT_EQ(rows("messages", conv), 2);  // the commit and the announcement
    // Reading stays possible.
    EXPECT_EQ(ok("messages.sync", bob.ws->request("messages.sync"))["messages"].size(), 1u);
}

TEST_F(Stream, BadInputIsRefusedClearlyAndTheServerKeepsServing) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    const json good = send_body(alice, conv, "fine", "");
    auto with = [&](const std::string& key, const json& value) {
        json b = good;
        b["client_msg_id"] = new_uuid();
        b[key] = value;
        return alice.ws->request("messages.send", b);
    };
    // Oversized: one byte over 32 KiB, and far over.
    EXPECT_EQ(code(with("message", to_base64(std::vector<std::uint8_t>(32 * 1024 + 1, 7)))),
              "bad_request");
    EXPECT_EQ(code(with("message", std::string(60000, 'A'))), "bad_request");
    EXPECT_EQ(code(with("message", "not base64 at all!")), "bad_request");
    EXPECT_EQ(code(with("message", "AAAA")), "bad_request");  // not an MLSMessage
    EXPECT_EQ(code(with("message", 5)), "bad_request");       // wrong JSON type
    EXPECT_EQ(code(with("priority", "whenever")), "bad_request");
    EXPECT_EQ(code(with("conversation_id", std::string(36, 'z'))), "bad_request");
    EXPECT_EQ(code(with("client_msg_id", "not-a-uuid-not-a-uuid-not-a-uuid-xx")), "bad_request");
    EXPECT_EQ(code(with("expires_at", 1000)), "bad_request");  // in the past
    EXPECT_EQ(code(with("reply_to", 99)), "bad_request");      // does not exist yet
    EXPECT_EQ(code(with("attachments", json(std::vector<std::string>(11, "a")))), "bad_request");
    json unknown_field = good;
    unknown_field["sneaky"] = true;
    EXPECT_EQ(code(alice.ws->request("messages.send", unknown_field)), "bad_request");
    // Another group's PrivateMessage.
    auto other = mls::Group::create(*mls::suite_for(mls::kSuite3), random_group_id(), alice.bundle);
    ASSERT_TRUE(other);
    const mls::Bytes plain{'x'};
    const auto foreign = with("message", base64(*other->encrypt(plain)));
    EXPECT_EQ(code(foreign), "bad_request");
    EXPECT_NE(foreign["error"]["message"].get<std::string>().find("another MLS group"),
              std::string::npos);
    // A handshake message or a KeyPackage is not an application message.
    auto commit = alice.group->commit({});
    ASSERT_TRUE(commit);
    EXPECT_EQ(code(with("message", base64(commit->commit))), "bad_request");
    EXPECT_EQ(code(with("message", key_package_base64(alice.bundle.key_package))), "bad_request");
    EXPECT_EQ(rows("messages", conv), 0);
    // Still serving, on the same connection.
    EXPECT_EQ(ok("messages.send", alice.ws->request("messages.send", good))["seq"], 1);
}

TEST_F(Stream, PerUserSendRateIsLimited) {
    start_stream({{"messaging.send_burst", "5"}, {"messaging.send_per_second", "1"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    auto second = session(alice_user);  // the limit is the user's, not the connection's
    int limited = 0;
    for (int i = 0; i < 8; ++i) {
        auto body = send_body(alice, conv, "burst " + std::to_string(i), "");
        const auto r = (i % 2 ? *second : *alice.ws).request("messages.send", body);
        if (code(r) == "rate_limited") ++limited;
    }
    EXPECT_GE(limited, 2);
    EXPECT_EQ(rows("messages", conv), 8 - limited);
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

TEST_F(Stream, AFailedBatchFailsEveryMessageInItAndStoresNothingOfIt) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    Client alice = client(alice_user);
    const std::string conv = group_of(alice, {});
    // Behind the server's back: the row that would get seq 2 cannot be inserted.
    owner().exec("ALTER TABLE messages ADD CONSTRAINT test_no_seq_2 CHECK (seq <> 2) NOT VALID");
    std::vector<nlohmann::json> bodies;
    for (int i = 0; i < 4; ++i)
        bodies.push_back(send_body(alice, conv, "m" + std::to_string(i), ""));
    for (std::size_t i = 0; i < bodies.size(); ++i)
        alice.ws->send_text(nlohmann::json{
            {"id", std::to_string(i)},
            {"type", "messages.send"},
            {"body", bodies[i]}}.dump());
    std::vector<std::size_t> failed;
    std::set<std::int64_t> stored;
    for (std::size_t n = 0; n < bodies.size(); ++n) {
        const auto r = alice.ws->read_json();
        const auto i = static_cast<std::size_t>(std::stoi(r["id"].get<std::string>()));
        if (code(r) == "unavailable") {
            failed.push_back(i);
            EXPECT_EQ(r["error"]["message"], "the message was not stored; retry");
        } else {
            stored.insert(ok("messages.send", r)["seq"].get<std::int64_t>());
        }
    }
    ASSERT_FALSE(failed.empty());  // the batch holding seq 2 failed as a whole
    EXPECT_FALSE(stored.contains(2));
    // Nothing half-stored: the rows are exactly the acknowledged ones, last_seq did not move
    // for the failed batch, and the stored seqs are gapless from 1.
    EXPECT_EQ(rows("messages", conv), static_cast<long long>(stored.size()));
    EXPECT_EQ(count("SELECT last_seq FROM conversations WHERE id = '" + conv + "'"),
              static_cast<long long>(stored.size()));
    if (!stored.empty()) {
        EXPECT_EQ(*stored.rbegin(), static_cast<std::int64_t>(stored.size()));
    }

    // The database recovers; retries with the same client_msg_id are stored once each.
    owner().exec("ALTER TABLE messages DROP CONSTRAINT test_no_seq_2");
    for (const std::size_t i : failed) {
        const auto r = ok("messages.send", alice.ws->request("messages.send", bodies[i]));
        EXPECT_EQ(r["duplicate"], false);
        stored.insert(r["seq"].get<std::int64_t>());
    }
    EXPECT_EQ(stored, (std::set<std::int64_t>{1, 2, 3, 4}));
    EXPECT_EQ(rows("messages", conv), 4);
    // Still serving.
    EXPECT_EQ(ok("messages.send", send(alice, conv, "after"))["seq"], 5);
}

}  // namespace
}  // namespace wardline::test
