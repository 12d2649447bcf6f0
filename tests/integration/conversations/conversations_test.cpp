// SPDX-License-Identifier: Apache-2.0
// Conversations over TLS against a real server and database (issue #5): every kind created and
// read back by its members, the one direct conversation per pair, channels found and joined by
// role, announcement channels with read-only members, leaving and removing, the from_seq of
// new members, and the events members' devices receive.
#include "tests/integration/conversations/conversation_fixture.hpp"

#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

std::map<std::string, std::string> roles_by_user(const json& conversation) {
    std::map<std::string, std::string> out;
    for (const auto& m : conversation["members"]) out[m["user_id"]] = m["role"];
    return out;
}

TEST_F(ConversationFixture, EveryKindIsCreatedAndReadBackByItsMembers) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    auto a = logged_in(admin);

    const auto group =
        create(*d, "group", {nurse.id}, {{"title", "Ward 4 huddle"}, {"topic", "Night shift"}});
    const auto channel = create(*d, "channel", {}, {{"title", "Cardiology"}, {"roles", {"nurse"}}});
    const auto announcement = create(*a, "announcement", {doctor.id, nurse.id},
                                     {{"title", "Hospital news"}, {"roles", {"physician"}}});
    const auto patient = create(*d, "patient", {nurse.id},
                                {{"title", "Bed 12"},
                                 {"patient",
                                  {{"mrn", "ab-123 456"},
                                   {"name", "Jane Roe"},
                                   {"date_of_birth", "1950-02-03"},
                                   {"encounter", "E-77"},
                                   {"unit", "4B"},
                                   {"bed", "12"}}}});
    const auto direct = create(*d, "direct", {nurse.id});
    ASSERT_FALSE(group.empty());
    ASSERT_FALSE(patient.empty());

    // The nurse reads each back as a member.
    const auto g = get(*n, group["id"]);
    EXPECT_EQ(g["kind"], "group");
    EXPECT_EQ(g["title"], "Ward 4 huddle");
    EXPECT_EQ(g["topic"], "Night shift");
    EXPECT_EQ(g["my_role"], "member");
    EXPECT_EQ(g["archived"], false);
    EXPECT_EQ(g["last_seq"], 0);
    EXPECT_EQ(g["epoch"], 0);
    EXPECT_EQ(g["mls_group_id"], group["mls_group_id"]);
    EXPECT_EQ(roles_by_user(g),
              (std::map<std::string, std::string>{{doctor.id, "owner"}, {nurse.id, "member"}}));
    for (const auto& m : g["members"]) EXPECT_EQ(m["from_seq"], 1);

    const auto ann = get(*n, announcement["id"]);
    EXPECT_EQ(ann["my_role"], "read_only") << "the nurse holds no posting role";
    EXPECT_EQ(roles_by_user(ann),
              (std::map<std::string, std::string>{
                  {admin.id, "owner"}, {doctor.id, "member"}, {nurse.id, "read_only"}}));
    EXPECT_EQ(ann["roles"], json({"physician"}));

    const auto p = get(*n, patient["id"]);
    EXPECT_EQ(p["kind"], "patient");
    EXPECT_EQ(p["patient"], json({{"mrn", "AB123456"},
                                  {"name", "Jane Roe"},
                                  {"date_of_birth", "1950-02-03"},
                                  {"encounter", "E-77"},
                                  {"unit", "4B"},
                                  {"bed", "12"}}));
    const auto dr = get(*n, direct["id"]);
    EXPECT_EQ(dr["kind"], "direct");
    EXPECT_FALSE(dr.contains("title"));

    // The channel is not the nurse's yet: discovered by role, then joined.
    EXPECT_EQ(error_code(n->request("conversations.get", {{"conversation_id", channel["id"]}})),
              "not_found");
    const auto found = ok("conversations.discover", n->request("conversations.discover"));
    std::map<std::string, bool> discovered;
    for (const auto& c : found["conversations"]) discovered[c["id"]] = c["member"];
    EXPECT_EQ(discovered,
              (std::map<std::string, bool>{{channel["id"], false}, {announcement["id"], true}}));
    const auto joined = ok("conversations.join",
                           n->request("conversations.join", {{"conversation_id", channel["id"]}}));
    EXPECT_EQ(joined["joined"], true);
    EXPECT_EQ(joined["role"], "member");
    EXPECT_EQ(ok("conversations.join",
                 n->request("conversations.join", {{"conversation_id", channel["id"]}}))["joined"],
              false);
    EXPECT_EQ(get(*n, channel["id"])["title"], "Cardiology");
    // The doctor's roles are not named: the channel is invisible and cannot be joined by them.
    TestUser desk = enroll("General", "fran.desk", "front_desk");
    auto f = logged_in(desk);
    const auto desk_sees = ok("conversations.discover", f->request("conversations.discover"));
    for (const auto& c : desk_sees["conversations"]) EXPECT_NE(c["id"], channel["id"]);
    EXPECT_EQ(error_code(f->request("conversations.join", {{"conversation_id", channel["id"]}})),
              "not_found");

    // The nurse's list: all five, ordered by id, titles opened.
    const auto listed = ok("conversations.list", n->request("conversations.list"));
    std::set<std::string> ids;
    std::string previous;
    for (const auto& c : listed["conversations"]) {
        ids.insert(c["id"].get<std::string>());
        EXPECT_LT(previous, c["id"].get<std::string>());
        previous = c["id"];
    }
    EXPECT_EQ(ids, (std::set<std::string>{group["id"], channel["id"], announcement["id"],
                                          patient["id"], direct["id"]}));
    EXPECT_FALSE(listed.contains("next_after"));
    // Paging: two at a time covers the same five.
    std::set<std::string> paged;
    json page = ok("conversations.list", n->request("conversations.list", {{"limit", 2}}));
    int pages = 1;
    for (;;) {
        for (const auto& c : page["conversations"]) paged.insert(c["id"].get<std::string>());
        if (!page.contains("next_after")) break;
        page = ok("conversations.list",
                  n->request("conversations.list", {{"limit", 2}, {"after", page["next_after"]}}));
        ++pages;
    }
    EXPECT_EQ(paged, ids);
    EXPECT_EQ(pages, 3);

    EXPECT_EQ(audit_count("conversations.create", "success"), 5);
    EXPECT_EQ(audit_count("conversations.join", "success"), 1);
    // The nurse's device heard of each conversation it was put in.
    EXPECT_TRUE(got_event(*n, "conversation.member_added", group["id"]));
    EXPECT_TRUE(got_event(*n, "conversation.member_added", patient["id"]));
}

TEST_F(ConversationFixture, ADirectConversationIsOnePerPair) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser other = enroll("General", "olga.nurse", "nurse");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);

    const auto first = ok("conversations.create",
                          d->request("conversations.create", {{"kind", "direct"},
                                                              {"mls_group_id", new_group_id()},
                                                              {"members", {nurse.id}}}));
    EXPECT_EQ(first["created"], true);
    const auto again = ok("conversations.create",
                          d->request("conversations.create", {{"kind", "direct"},
                                                              {"mls_group_id", new_group_id()},
                                                              {"members", {nurse.id}}}));
    EXPECT_EQ(again["created"], false);
    EXPECT_EQ(again["conversation"]["id"], first["conversation"]["id"]);
    EXPECT_EQ(again["conversation"]["mls_group_id"], first["conversation"]["mls_group_id"]);
    // From the other side, too.
    const auto mirrored = ok("conversations.create",
                             n->request("conversations.create", {{"kind", "direct"},
                                                                 {"mls_group_id", new_group_id()},
                                                                 {"members", {doctor.id}}}));
    EXPECT_EQ(mirrored["created"], false);
    EXPECT_EQ(mirrored["conversation"]["id"], first["conversation"]["id"]);
    EXPECT_EQ(conversations(), 1);
    EXPECT_EQ(audit_count("conversations.create", "success"), 1);
    // Another pair is another conversation.
    create(*d, "direct", {other.id});
    EXPECT_EQ(conversations(), 2);

    // Exactly one other user; and a direct conversation keeps its two members.
    for (const json& members : {json::array(), json({doctor.id}), json({nurse.id, other.id})}) {
        SCOPED_TRACE(members.dump());
        EXPECT_EQ(error_code(d->request("conversations.create", {{"kind", "direct"},
                                                                 {"mls_group_id", new_group_id()},
                                                                 {"members", members}})),
                  "bad_request");
    }
    const std::string id = first["conversation"]["id"];
    EXPECT_EQ(error_code(d->request("conversations.add_members",
                                    {{"conversation_id", id}, {"user_ids", {other.id}}})),
              "bad_request");
    EXPECT_EQ(error_code(n->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", nurse.id}})),
              "bad_request");
    EXPECT_EQ(
        error_code(d->request("conversations.update", {{"conversation_id", id}, {"title", "x"}})),
        "bad_request");
    EXPECT_EQ(members(id), 2);
    EXPECT_EQ(conversations(), 2);
}

TEST_F(ConversationFixture, MembersAreAddedRemovedAndLeaveWithEventsAndAudit) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser other = enroll("General", "olga.nurse", "nurse");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    auto o = logged_in(other);
    const auto group = create(*d, "group", {nurse.id}, {{"title", "Rounds"}});
    const std::string id = group["id"];

    // The stream has moved on (as the message writer would move it): a new member starts
    // after what is there.
    owner().exec("UPDATE conversations SET last_seq = 41 WHERE id = '" + id + "'");
    const auto added =
        ok("conversations.add_members",
           d->request("conversations.add_members",
                      {{"conversation_id", id}, {"user_ids", {other.id, nurse.id}}}));
    EXPECT_EQ(added["added"], json::array({{{"user_id", other.id}, {"role", "member"}}}))
        << "the nurse was a member";
    const auto seen_by_other = get(*o, id);
    for (const auto& m : seen_by_other["members"]) {
        const int expected = m["user_id"] == other.id ? 42 : 1;
        EXPECT_EQ(m["from_seq"], expected) << m.dump();
    }
    EXPECT_TRUE(got_event(*o, "conversation.member_added", id));
    EXPECT_TRUE(got_event(*n, "conversation.member_added", id));

    // A member may not remove another; the owner may; a member may leave.
    EXPECT_EQ(error_code(n->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", other.id}})),
              "forbidden");
    EXPECT_EQ(members(id), 3);
    ok("conversations.remove_member",
       d->request("conversations.remove_member", {{"conversation_id", id}, {"user_id", other.id}}));
    EXPECT_TRUE(got_event(*o, "conversation.member_removed", id)) << "the removed user hears it";
    EXPECT_EQ(error_code(o->request("conversations.get", {{"conversation_id", id}})), "not_found");
    EXPECT_EQ(error_code(d->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", other.id}})),
              "not_found");
    ok("conversations.remove_member",
       n->request("conversations.remove_member", {{"conversation_id", id}, {"user_id", nurse.id}}));
    EXPECT_EQ(members(id), 1);

    // Title and topic: owners only; members hear of it.
    ok("conversations.add_members",
       d->request("conversations.add_members",
                  {{"conversation_id", id}, {"user_ids", {nurse.id}}, {"role", "read_only"}}));
    EXPECT_EQ(get(*n, id)["my_role"], "read_only");
    EXPECT_EQ(error_code(
                  n->request("conversations.update", {{"conversation_id", id}, {"title", "Mine"}})),
              "forbidden");
    const auto updated =
        ok("conversations.update",
           d->request("conversations.update",
                      {{"conversation_id", id}, {"title", "Evening rounds"}, {"topic", ""}}));
    EXPECT_EQ(updated["changed"], json({"title", "topic"}));
    EXPECT_TRUE(got_event(*n, "conversation.updated", id));
    const auto after = get(*n, id);
    EXPECT_EQ(after["title"], "Evening rounds");
    EXPECT_FALSE(after.contains("topic"));

    EXPECT_EQ(audit_count("conversations.add_members", "success"), 2);
    EXPECT_EQ(audit_count("conversations.remove_member", "success"), 1);
    EXPECT_EQ(audit_count("conversations.leave", "success"), 1);
    EXPECT_EQ(audit_count("conversations.update", "success"), 1);
    EXPECT_EQ(
        count("SELECT count(*) FROM audit_records WHERE action = 'authz.denied' AND target_id = '" +
              id + "'"),
        2);
}

TEST_F(ConversationFixture, AnnouncementChannelsAreLimitedToTheirUnitAndPostingRoles) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    owner().exec("UPDATE users SET department = 'Cardiology' WHERE id = '" + nurse.id + "'");
    auto a = logged_in(admin);
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    const auto unit =
        create(*a, "announcement", {},
               {{"title", "Cardiology notices"}, {"unit", "Cardiology"}, {"roles", {"nurse"}}});
    const auto everyone = create(*a, "announcement", {}, {{"title", "All staff"}});
    EXPECT_EQ(get(*a, unit["id"])["unit"], "Cardiology");

    auto visible = [&](WsClient& ws) {
        std::set<std::string> out;
        const auto page = ok("conversations.discover", ws.request("conversations.discover"));
        for (const auto& c : page["conversations"]) out.insert(c["id"].get<std::string>());
        return out;
    };
    EXPECT_EQ(visible(*n), (std::set<std::string>{unit["id"], everyone["id"]}));
    EXPECT_EQ(visible(*d), (std::set<std::string>{everyone["id"]}));
    EXPECT_EQ(error_code(d->request("conversations.join", {{"conversation_id", unit["id"]}})),
              "not_found");
    // Joining: the nurse holds the posting role, the doctor does not.
    EXPECT_EQ(ok("conversations.join",
                 n->request("conversations.join", {{"conversation_id", unit["id"]}}))["role"],
              "member");
    EXPECT_EQ(ok("conversations.join",
                 d->request("conversations.join", {{"conversation_id", everyone["id"]}}))["role"],
              "read_only");
    // Only holders of org.settings open announcement channels.
    EXPECT_EQ(error_code(d->request("conversations.create",
                                    {{"kind", "announcement"}, {"mls_group_id", new_group_id()}})),
              "forbidden");
    EXPECT_EQ(conversations(), 2);
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

using nlohmann::json;

TEST_F(ConversationFixture, TwoUsersCreatingTheirDirectConversationAtOnceGetTheSameOne) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    for (int round = 0; round < 5; ++round) {
        SCOPED_TRACE(round);
        owner().exec("DELETE FROM conversation_members; DELETE FROM conversations");
        const auto frame = [](const std::string& id, const std::string& other) {
            return json{
                {"id", id},
                {"type", "conversations.create"},
                {"body",
                 {{"kind", "direct"}, {"mls_group_id", new_group_id()}, {"members", {other}}}}}
                .dump();
        };
        // Both on the wire before either answer is read.
        d->send_text(frame("a", nurse.id));
        n->send_text(frame("b", doctor.id));
        auto response = [](WsClient& ws, const std::string& id) {
            for (int i = 0; i < 10; ++i) {  // events may come first
                auto got = ws.read_json();
                if (got.value("id", "") == id) return got;
            }
            return json::object();
        };
        const auto ra = ok("conversations.create", response(*d, "a"));
        const auto rb = ok("conversations.create", response(*n, "b"));
        EXPECT_EQ(ra["conversation"]["id"], rb["conversation"]["id"]);
        EXPECT_NE(ra["created"], rb["created"]) << "exactly one of them created it";
        EXPECT_EQ(conversations(), 1);
    }
}

}  // namespace
}  // namespace wardline::test
