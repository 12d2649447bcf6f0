// SPDX-License-Identifier: Apache-2.0
// conversations.set_role and what happens when the last owner leaves (issue #5: conversations
// have members with a role; a care-team channel must never be left without an owner).
#include "tests/integration/conversations/conversation_fixture.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

json set_role(WsClient& ws, const std::string& id, const std::string& user,
              const std::string& role) {
    return ws.request("conversations.set_role",
                      {{"conversation_id", id}, {"user_id", user}, {"role", role}});
}

/// The role `conversations.get` shows for `user`.
std::string role_of(const json& conversation, const std::string& user) {
    for (const auto& m : conversation["members"])
        if (m["user_id"] == user) return m["role"];
    return "";
}

class ConversationRoles : public ConversationFixture {
protected:
    /// The member's role in the database ("" if not a member).
    std::string role_in(const std::string& id, const std::string& user) {
        auto db = owner();
        const auto r = db.exec("SELECT role FROM conversation_members WHERE conversation_id = '" +
                               id + "' AND user_id = '" + user + "'");
        return r.rows() == 1 ? std::string(r.text_or_throw(0, 0)) : std::string();
    }
};

TEST_F(ConversationRoles, AnOwnerHandsOwnershipOnAndTheLastOwnerCannotStepDown) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    const std::string id = create(*d, "group", {nurse.id}, {{"title", "Rounds"}})["id"];

    // The only owner cannot step down, nothing changes and nothing is recorded.
    EXPECT_EQ(error_code(set_role(*d, id, doctor.id, "member")), "conflict");
    EXPECT_EQ(role_in(id, doctor.id), "owner");
    EXPECT_EQ(audit_count("conversations.set_role"), 0);

    // A second owner, then the first steps down.
    const auto promoted = ok("conversations.set_role", set_role(*d, id, nurse.id, "owner"));
    EXPECT_EQ(promoted["changed"], true);
    EXPECT_TRUE(got_event(*n, "conversation.member_role_changed", id));
    EXPECT_EQ(role_of(get(*n, id), nurse.id), "owner");
    ok("conversations.set_role", set_role(*n, id, doctor.id, "read_only"));
    EXPECT_EQ(role_in(id, doctor.id), "read_only");
    // The same role again: nothing changes, nothing is recorded.
    EXPECT_EQ(ok("conversations.set_role", set_role(*n, id, doctor.id, "read_only"))["changed"],
              false);
    EXPECT_EQ(audit_count("conversations.set_role", "success"), 2);
    // The former owner is now a read-only member and may not change roles.
    EXPECT_EQ(error_code(set_role(*d, id, doctor.id, "owner")), "forbidden");
    EXPECT_EQ(role_in(id, doctor.id), "read_only");
}

TEST_F(ConversationRoles, RefusalsChangeNothingAndLeakNothing) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser outsider = enroll("General", "otto.nurse", "nurse");
    TestUser foreign = enroll("Other", "fred.physician", "physician");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    auto o = logged_in(outsider);
    auto f = logged_in(foreign);
    const std::string id = create(*d, "group", {nurse.id}, {{"title", "Rounds"}})["id"];
    const auto denied_before =
        count("SELECT count(*) FROM audit_records WHERE action = 'authz.denied'");

    // A member who is not an owner: forbidden, and the denial is audited.
    EXPECT_EQ(error_code(set_role(*n, id, nurse.id, "owner")), "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'authz.denied'"),
              denied_before + 1);
    // Not a member, another organization, an unknown id: the same not_found.
    EXPECT_EQ(error_code(set_role(*o, id, outsider.id, "owner")), "not_found");
    EXPECT_EQ(error_code(set_role(*f, id, foreign.id, "owner")), "not_found");
    EXPECT_EQ(error_code(set_role(*d, "00000000-0000-4000-8000-000000000000", nurse.id, "owner")),
              "not_found");
    // A user who is not a member of it.
    EXPECT_EQ(error_code(set_role(*d, id, outsider.id, "owner")), "not_found");
    // Malformed: ids, an unknown role, a wrong type.
    EXPECT_EQ(error_code(set_role(*d, std::string(36, 'z'), nurse.id, "owner")), "bad_request");
    EXPECT_EQ(error_code(set_role(*d, id, std::string(36, 'z'), "owner")), "bad_request");
    EXPECT_EQ(error_code(set_role(*d, id, nurse.id, "admin")), "bad_request");
    EXPECT_EQ(error_code(d->request("conversations.set_role",
                                    {{"conversation_id", id}, {"user_id", nurse.id}, {"role", 1}})),
              "bad_request");
    // Direct conversations have no roles to change.
    const std::string direct = create(*d, "direct", {nurse.id})["id"];
    EXPECT_EQ(error_code(set_role(*d, direct, nurse.id, "read_only")), "bad_request");
    // Archived: archived.
    ok("conversations.archive", d->request("conversations.archive", {{"conversation_id", id}}));
    EXPECT_EQ(error_code(set_role(*d, id, nurse.id, "owner")), "archived");

    EXPECT_EQ(role_in(id, nurse.id), "member");
    EXPECT_EQ(audit_count("conversations.set_role"), 0);
    // The server kept serving.
    ok("conversations.list", d->request("conversations.list", json::object()));
}

TEST_F(ConversationRoles, WhenTheLastOwnerLeavesTheLongestStandingMemberTakesOver) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser first = enroll("General", "nina.nurse", "nurse");
    TestUser reader = enroll("General", "rita.nurse", "nurse");
    TestUser second = enroll("General", "olga.nurse", "nurse");
    auto d = logged_in(doctor);
    auto s = logged_in(second);
    const std::string id = create(*d, "group", {first.id}, {{"title", "Ward 3"}})["id"];
    ok("conversations.add_members",
       d->request("conversations.add_members",
                  {{"conversation_id", id}, {"user_ids", {reader.id}}, {"role", "read_only"}}));
    ok("conversations.add_members",
       d->request("conversations.add_members",
                  {{"conversation_id", id}, {"user_ids", {second.id}}}));
    // The first member joined earliest but is suspended: an active member takes over.
    owner().exec(
        "UPDATE conversation_members SET joined_at = joined_at - interval '1 hour' "
        "WHERE conversation_id = '" +
        id + "' AND user_id = '" + reader.id + "'");
    owner().exec("UPDATE users SET status = 'suspended' WHERE id = '" + first.id + "'");

    const auto left = ok("conversations.remove_member",
                         d->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", doctor.id}}));
    EXPECT_EQ(left["new_owner"], second.id) << "read-only and suspended members are passed over";
    EXPECT_EQ(role_in(id, second.id), "owner");
    EXPECT_EQ(role_in(id, reader.id), "read_only");
    EXPECT_TRUE(got_event(*s, "conversation.member_role_changed", id));
    EXPECT_EQ(audit_count("conversations.owner_succession", "success"), 1);

    // An owner leaving while another owner stays hands nothing on.
    ok("conversations.set_role", set_role(*s, id, reader.id, "owner"));
    const auto again = ok("conversations.remove_member",
                          s->request("conversations.remove_member",
                                     {{"conversation_id", id}, {"user_id", second.id}}));
    EXPECT_FALSE(again.contains("new_owner"));
    EXPECT_EQ(audit_count("conversations.owner_succession", "success"), 1);
}

TEST_F(ConversationRoles, AnOrganizationAdminNamesAnOwnerWhenNoneIsLeft) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser reader = enroll("General", "rita.nurse", "nurse");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser foreign_admin = enroll("Other", "oscar.admin", "admin");
    auto d = logged_in(doctor);
    auto a = logged_in(admin);
    auto fa = logged_in(foreign_admin);
    const std::string id = create(*d, "group", {}, {{"title", "Night shift"}})["id"];
    ok("conversations.add_members",
       d->request("conversations.add_members",
                  {{"conversation_id", id}, {"user_ids", {reader.id}}, {"role", "read_only"}}));
    const auto left = ok("conversations.remove_member",
                         d->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", doctor.id}}));
    EXPECT_FALSE(left.contains("new_owner")) << "only a read-only member is left";
    EXPECT_EQ(count("SELECT count(*) FROM conversation_members WHERE role = 'owner' AND "
                    "conversation_id = '" +
                    id + "'"),
              0);

    // Another organization's admin cannot see it; this organization's admin names an owner.
    EXPECT_EQ(error_code(set_role(*fa, id, reader.id, "owner")), "not_found");
    const auto named = ok("conversations.set_role", set_role(*a, id, reader.id, "owner"));
    EXPECT_EQ(named["changed"], true);
    EXPECT_EQ(role_in(id, reader.id), "owner");
    EXPECT_EQ(audit_count("conversations.set_role", "success"), 1);
}

}  // namespace
}  // namespace wardline::test
