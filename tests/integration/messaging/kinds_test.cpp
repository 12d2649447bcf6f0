// SPDX-License-Identifier: Apache-2.0
// Every conversation kind end to end: made with conversations.create (the conversations
// service), its MLS group formed through handshake.submit, and real ciphertexts exchanged both
// ways through messages.send and the message.new push — direct, group, channel, announcement
// (where only the posting roles may send) and patient thread.
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/key_package_builder.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

class ConversationKinds : public StreamFixture {
protected:
    /// conversations.create by `creator` with the given body and a fresh MLS group id; then the
    /// group with `others`. Returns the conversation id.
    std::string make(Client& creator, json body, std::vector<Client*> others) {
        const mls::Bytes gid = random_group_id();
        body["mls_group_id"] = to_base64(gid);
        json members = json::array();
        for (auto* o : others) members.push_back(o->user->id);
        body["members"] = members;
        const json created = ok("conversations.create", creator.ws->request("conversations.create", body));
        const std::string id = created["conversation"]["id"];
        form_group(creator, std::move(others), id, gid);
        return id;
    }

    /// The next message.new of kind application on the client's connection, decrypted.
    std::string receive(Client& c) {
        for (;;) {
            const json event = next_event(*c.ws, "message.new");
            if (event["body"].value("kind", "") == "application") return open(c, event["body"]);
        }
    }

    /// `from` sends, `to` reads the same text.
    void exchange(Client& from, Client& to, const std::string& conversation, const std::string& text) {
        const json r = send(from, conversation, text);
        ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
        EXPECT_EQ(receive(to), text);
    }
};

TEST_F(ConversationKinds, TwoClientsExchangeMessagesInEveryKind) {
    start_stream();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");

    const auto fresh = [&](TestUser& u) { return client(u); };
    {
        Client alice = fresh(alice_user), bob = fresh(bob_user);
        const auto direct = make(alice, {{"kind", "direct"}}, {&bob});
        exchange(alice, bob, direct, "direct: can you see bed 4?");
        exchange(bob, alice, direct, "direct: on my way");
    }
    {
        Client alice = fresh(alice_user), bob = fresh(bob_user);
        const auto group = make(alice, {{"kind", "group"}, {"title", "Ward round"}}, {&bob});
        exchange(alice, bob, group, "group: round at 9");
        exchange(bob, alice, group, "group: noted");
    }
    {
        Client alice = fresh(alice_user), bob = fresh(bob_user);
        const auto channel = make(alice, {{"kind", "channel"}, {"title", "Cardiology"}, {"roles", {"nurse", "physician"}}}, {&bob});
        exchange(alice, bob, channel, "channel: new admission");
        exchange(bob, alice, channel, "channel: room ready");
    }
    {
        Client alice = fresh(alice_user), bob = fresh(bob_user);
        const auto patient = make(
            alice,
            {{"kind", "patient"}, {"patient", {{"mrn", "MRN-0042"}, {"name", "Jane Example"}, {"date_of_birth", "1950-02-03"}}}},
            {&bob});
        exchange(alice, bob, patient, "patient: potassium 5.9");
        exchange(bob, alice, patient, "patient: repeat sent");
    }
    {
        // Only the posting roles may send in an announcement channel; the others read.
        Client admin = fresh(admin_user), alice = fresh(alice_user), bob = fresh(bob_user);
        const auto announcement = make(
            admin, {{"kind", "announcement"}, {"title", "Hospital news"}, {"roles", {"physician"}}}, {&alice, &bob});
        exchange(alice, bob, announcement, "announcement: fire drill at noon");
        const json refused = send(bob, announcement, "may I post?");
        EXPECT_EQ(code(refused), "forbidden") << refused.dump();
    }
}

}  // namespace
}  // namespace wardline::test
