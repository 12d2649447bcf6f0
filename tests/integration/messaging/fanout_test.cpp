// SPDX-License-Identifier: Apache-2.0
// Two wardline-server processes on one database (issue #5): a message stored through one is
// pushed to a device connected to the other, by LISTEN/NOTIFY; a device that missed the push
// still catches up with messages.sync.
#include "tests/integration/messaging/stream_fixture.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

class Fanout : public StreamFixture {};

TEST_F(Fanout, AMessageStoredThroughOneProcessIsPushedToADeviceOnTheOther) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    const auto node2 = second_node();
    // Bob moves to the second process.
    bob.ws = resume_on(*node2, bob_user);

    const auto sent = ok("messages.send", send(alice, conv, "across the nodes"));
    const auto pushed = next_event(*bob.ws, "message.new")["body"];
    EXPECT_EQ(pushed["seq"], sent["seq"]);
    EXPECT_EQ(pushed["sender_device_id"], alice_user.device_id);
    EXPECT_EQ(open(bob, pushed), "across the nodes");

    // And back: bob sends through the second process, alice on the first gets it.
    const auto back = ok("messages.send", send(bob, conv, "received"));
    const auto to_alice = next_event(*alice.ws, "message.new")["body"];
    EXPECT_EQ(to_alice["seq"], back["seq"]);
    EXPECT_EQ(open(alice, to_alice), "received");

    // Handshake messages travel the same way.
    auto update = alice.group->commit({});
    ASSERT_TRUE(update);
    const auto committed =
        ok("handshake.submit",
           alice.ws->request("handshake.submit", {{"conversation_id", conv},
                                                  {"client_msg_id", new_uuid()},
                                                  {"message", base64(update->commit)}}));
    const auto commit_event = next_event(*bob.ws, "message.new")["body"];
    EXPECT_EQ(commit_event["kind"], "commit");
    EXPECT_EQ(commit_event["seq"], committed["seq"]);
    // Sync through the second process sees the same stream, with nothing skipped.
    const auto page = ok(
        "messages.sync",
        bob.ws->request("messages.sync", {{"cursors", {{{"conversation_id", conv}, {"seq", 1}}}}}));
    ASSERT_EQ(page["messages"].size(), 3u);
    EXPECT_EQ(page["messages"][0]["seq"], 2);
    EXPECT_EQ(page["messages"][2]["seq"], 4);
}

}  // namespace
}  // namespace wardline::test
