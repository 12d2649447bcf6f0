// SPDX-License-Identifier: Apache-2.0
// Every refusal of conversations.* from the refused side (issue #5): another organization's
// conversation, a non-member and an unknown id answer the same not_found; missing permissions
// are forbidden and audited; archived conversations refuse every change; the members limit;
// malformed bodies. Each asserts that nothing changed and that the server keeps serving.
#include "tests/integration/conversations/conversation_fixture.hpp"

namespace wardline::test {
namespace {

using nlohmann::json;

const std::string kUnknown = "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f";

TEST_F(ConversationFixture, AnotherOrganizationANonMemberAndAnUnknownIdAnswerTheSameNotFound) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser outsider = enroll("General", "olga.nurse", "nurse");
    TestUser foreign = enroll("Other", "fred.foreign", "physician");
    auto d = logged_in(doctor);
    auto o = logged_in(outsider);
    auto f = logged_in(foreign);
    const std::string ours = create(*d, "group", {}, {{"title", "Ours"}})["id"];
    const std::string theirs = create(*f, "channel", {}, {{"roles", {"nurse", "physician"}}})["id"];
    const long long records = count("SELECT count(*) FROM audit_records");

    struct Probe {
        WsClient* ws;
        std::string id;
    };
    for (const auto& [ws, id] :
         {Probe{o.get(), ours}, Probe{d.get(), theirs}, Probe{d.get(), kUnknown}}) {
        SCOPED_TRACE(id);
        std::vector<std::pair<std::string, json>> requests{
            {"conversations.get", {{"conversation_id", id}}},
            {"conversations.update", {{"conversation_id", id}, {"title", "x"}}},
            {"conversations.add_members", {{"conversation_id", id}, {"user_ids", {outsider.id}}}},
            {"conversations.remove_member", {{"conversation_id", id}, {"user_id", doctor.id}}},
            {"conversations.archive", {{"conversation_id", id}}},
            {"conversations.join", {{"conversation_id", id}}},
        };
        for (const auto& [type, body] : requests) {
            const auto r = ws->request(type, body);
            EXPECT_EQ(error_code(r), "not_found") << type << " " << r.dump();
            // The same words whatever the reason, so nothing tells them apart.
            if (error_code(r) == "not_found") {
                EXPECT_EQ(r["error"]["message"], "no such conversation") << type;
            }
        }
    }
    // A user of another organization cannot be added, nor named at creation: not_found, as
    // an unknown user.
    for (const std::string& user : {foreign.id, kUnknown}) {
        EXPECT_EQ(error_code(d->request("conversations.add_members",
                                        {{"conversation_id", ours}, {"user_ids", {user}}})),
                  "not_found");
        EXPECT_EQ(
            error_code(d->request("conversations.create", {{"kind", "group"},
                                                           {"mls_group_id", new_group_id()},
                                                           {"members", {outsider.id, user}}})),
            "not_found");
    }
    EXPECT_EQ(conversations(), 2);
    EXPECT_EQ(members(ours), 1);
    EXPECT_EQ(members(theirs), 1);
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE archived_at IS NOT NULL"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records"), records)
        << "nothing happened, nothing recorded";
    // The foreign channel names the doctor's role, but it is another organization's.
    const auto discovered = ok("conversations.discover", d->request("conversations.discover"));
    for (const auto& c : discovered["conversations"]) EXPECT_NE(c["id"], theirs);
    // A suspended user is not an active one.
    owner().exec("UPDATE users SET status = 'suspended' WHERE id = '" + outsider.id + "'");
    EXPECT_EQ(error_code(d->request("conversations.add_members",
                                    {{"conversation_id", ours}, {"user_ids", {outsider.id}}})),
              "not_found");
}

TEST_F(ConversationFixture, MissingPermissionsAreForbiddenAuditedAndChangeNothing) {
    TestUser billing = enroll("General", "bill.billing", "billing");
    TestUser desk = enroll("General", "fran.desk", "front_desk");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto b = logged_in(billing);
    auto f = logged_in(desk);
    auto n = logged_in(nurse);
    auto d = logged_in(doctor);
    const long long denied = audit_count("authz.denied", "denied");

    // conversations.create needs conversations.create (billing has none).
    EXPECT_EQ(error_code(b->request("conversations.create",
                                    {{"kind", "group"}, {"mls_group_id", new_group_id()}})),
              "forbidden");
    // A patient thread needs patient_threads.create (front desk has none).
    EXPECT_EQ(
        error_code(f->request(
            "conversations.create",
            {{"kind", "patient"},
             {"mls_group_id", new_group_id()},
             {"patient", {{"mrn", "123"}, {"name", "A B"}, {"date_of_birth", "2000-01-01"}}}})),
        "forbidden");
    // An announcement channel needs org.settings (a nurse has none).
    EXPECT_EQ(error_code(n->request("conversations.create",
                                    {{"kind", "announcement"}, {"mls_group_id", new_group_id()}})),
              "forbidden");
    EXPECT_EQ(conversations(), 0);
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied + 3);

    // Owner-only changes by a plain member.
    const auto group = create(*d, "group", {nurse.id, desk.id}, {{"title", "Rounds"}});
    const std::string id = group["id"];
    EXPECT_EQ(error_code(
                  n->request("conversations.update", {{"conversation_id", id}, {"title", "Mine"}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("conversations.add_members",
                                    {{"conversation_id", id}, {"user_ids", {billing.id}}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", desk.id}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("conversations.archive", {{"conversation_id", id}})),
              "forbidden");
    // add_members needs conversations.create (the dispatcher refuses billing first).
    EXPECT_EQ(error_code(b->request("conversations.add_members",
                                    {{"conversation_id", id}, {"user_ids", {billing.id}}})),
              "forbidden");
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied + 3 + 5);
    EXPECT_EQ(get(*d, id)["title"], "Rounds");
    EXPECT_EQ(members(id), 3);
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE archived_at IS NOT NULL"), 0);
}

TEST_F(ConversationFixture, AnArchivedConversationRefusesEveryChangeAndStaysReadable) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    auto a = logged_in(admin);
    const std::string id = create(*d, "group", {nurse.id}, {{"title", "Rounds"}})["id"];
    EXPECT_EQ(ok("conversations.archive",
                 d->request("conversations.archive", {{"conversation_id", id}}))["archived"],
              true);
    EXPECT_TRUE(got_event(*n, "conversation.updated", id));
    const long long records = count("SELECT count(*) FROM audit_records");

    EXPECT_EQ(
        error_code(d->request("conversations.update", {{"conversation_id", id}, {"title", "x"}})),
        "archived");
    EXPECT_EQ(error_code(d->request("conversations.add_members",
                                    {{"conversation_id", id}, {"user_ids", {admin.id}}})),
              "archived");
    EXPECT_EQ(error_code(d->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", nurse.id}})),
              "archived");
    EXPECT_EQ(error_code(n->request("conversations.remove_member",
                                    {{"conversation_id", id}, {"user_id", nurse.id}})),
              "archived");
    EXPECT_EQ(error_code(d->request("conversations.archive", {{"conversation_id", id}})),
              "archived");
    // A non-member still learns nothing.
    EXPECT_EQ(error_code(n->request("conversations.get", {{"conversation_id", kUnknown}})),
              "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM audit_records"), records);
    EXPECT_EQ(members(id), 2);
    const auto c = get(*n, id);
    EXPECT_EQ(c["archived"], true);
    EXPECT_EQ(c["title"], "Rounds");

    // A holder of org.settings archives a conversation they are not in.
    const std::string other = create(*d, "group", {nurse.id})["id"];
    EXPECT_EQ(ok("conversations.archive",
                 a->request("conversations.archive", {{"conversation_id", other}}))["archived"],
              true);
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE archived_at IS NOT NULL"), 2);
    EXPECT_EQ(audit_count("conversations.archive", "success"), 2);
}

TEST_F(ConversationFixture, AConversationHoldsAtMost2000Members) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto d = logged_in(doctor);
    // 2000 more active users of the organization, made directly in the database.
    owner().exec(
        "INSERT INTO users (org_id, username, username_canonical, username_skeleton, display_name, "
        "password_hash) "
        "SELECT org_id, 'bulk' || g, 'bulk' || g, 'bulk' || g, 'Bulk ' || g, 'x' "
        "FROM users, generate_series(1, 2000) g "
        "WHERE id = '" +
        doctor.id + "'");
    auto db = owner();
    const auto r = db.exec("SELECT id FROM users WHERE username LIKE 'bulk%' ORDER BY username");
    ASSERT_EQ(r.rows(), 2000);
    std::vector<std::string> bulk;
    for (int i = 0; i < r.rows(); ++i) bulk.emplace_back(r.text_or_throw(i, 0));
    const std::string id =
        create(*d, "group", std::vector<std::string>(bulk.begin(), bulk.begin() + 500))["id"];
    ASSERT_FALSE(id.empty());
    auto add = [&](std::size_t from, std::size_t n) {
        json ids = json::array();
        for (std::size_t i = from; i < from + n; ++i) ids.push_back(bulk[i]);
        return d->request("conversations.add_members",
                          {{"conversation_id", id}, {"user_ids", ids}});
    };
    ok("conversations.add_members", add(500, 500));
    ok("conversations.add_members", add(1000, 500));
    EXPECT_EQ(members(id), 1501);
    // 1501 + 500 = 2001: refused whole.
    const auto over = add(1500, 500);
    EXPECT_EQ(error_code(over), "conflict") << over.dump();
    EXPECT_EQ(members(id), 1501);
    ok("conversations.add_members", add(1500, 499));
    EXPECT_EQ(members(id), 2000);
    EXPECT_EQ(error_code(add(1999, 1)), "conflict");
    EXPECT_EQ(members(id), 2000);
    // More than 500 in one request is refused by the schema.
    EXPECT_EQ(error_code(add(0, 501)), "bad_request");
}

TEST_F(ConversationFixture, MalformedBodiesAreRefusedAndTheServerKeepsServing) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto d = logged_in(doctor);
    const std::string id = create(*d, "group", {nurse.id})["id"];
    const json patient{{"mrn", "123"}, {"name", "A B"}, {"date_of_birth", "2000-01-01"}};
    auto with = [](json body, const std::string& key, json value) {
        body[key] = std::move(value);
        return body;
    };
    const json base{{"kind", "group"}, {"mls_group_id", new_group_id()}};
    const std::vector<std::pair<std::string, json>> creates{
        {"unknown field", with(base, "colour", "red")},
        {"unknown kind", with(base, "kind", "party")},
        {"kind of wrong type", with(base, "kind", 3)},
        {"group id not base64", with(base, "mls_group_id", std::string(24, '!'))},
        {"group id of 15 bytes", with(base, "mls_group_id", "AAAAAAAAAAAAAAAAAAAA")},
        {"group id of 66 bytes", with(base, "mls_group_id", std::string(88, 'A'))},
        {"member not an id", with(base, "members", {std::string(36, 'x')})},
        {"members not a list", with(base, "members", nurse.id)},
        {"title with a bidi override", with(base, "title", "Rounds \u202e")},
        {"title too long", with(base, "title", std::string(201, 't'))},
        {"blank title", with(base, "title", "   ")},
        {"patient on a group", with(base, "patient", patient)},
        {"patient kind without patient", with(base, "kind", "patient")},
        {"roles on a group", with(base, "roles", {"nurse"})},
        {"unknown role", with(with(base, "kind", "channel"), "roles", {"astronaut"})},
        {"role name with a quote", with(with(base, "kind", "channel"), "roles", {"nurse\",x"})},
        {"unit on a channel", with(with(base, "kind", "channel"), "unit", "4B")},
        {"bad date of birth", with(with(base, "kind", "patient"), "patient",
                                   with(patient, "date_of_birth", "2000-13-01"))},
        {"bad mrn", with(with(base, "kind", "patient"), "patient", with(patient, "mrn", "#--#"))},
        {"patient field unknown",
         with(with(base, "kind", "patient"), "patient", with(patient, "ssn", "1"))},
    };
    for (const auto& [what, body] : creates) {
        SCOPED_TRACE(what);
        const auto r = d->request("conversations.create", body);
        EXPECT_EQ(error_code(r), "bad_request") << r.dump();
        // The message names the rule, never the value.
        EXPECT_EQ(r.dump().find("astronaut"), std::string::npos);
        EXPECT_EQ(r.dump().find("2000-13-01"), std::string::npos);
    }
    const std::vector<std::pair<std::string, json>> others{
        {"conversations.get", {{"conversation_id", std::string(36, 'z')}}},
        {"conversations.get", {{"conversation_id", "short"}}},
        {"conversations.get", json::object()},
        {"conversations.update", {{"conversation_id", id}}},
        {"conversations.update", {{"conversation_id", id}, {"title", std::string(201, 't')}}},
        {"conversations.add_members", {{"conversation_id", id}, {"user_ids", json::array()}}},
        {"conversations.add_members",
         {{"conversation_id", id}, {"user_ids", {nurse.id}}, {"role", "owner"}}},
        {"conversations.remove_member",
         {{"conversation_id", id}, {"user_id", std::string(36, '-')}}},
        {"conversations.list", {{"after", std::string(36, 'q')}}},
        {"conversations.list", {{"limit", 0}}},
        {"conversations.list", {{"limit", 201}}},
        {"conversations.discover", {{"limit", "ten"}}},
        {"patients.find", {{"mrn", ""}}},
        {"patients.find", {{"mrn", "!!!"}}},
    };
    for (const auto& [type, body] : others) {
        SCOPED_TRACE(type + " " + body.dump());
        EXPECT_EQ(error_code(d->request(type, body)), "bad_request");
    }
    EXPECT_EQ(conversations(), 1);
    EXPECT_EQ(members(id), 2);
    // Same MLS group id twice: conflict.
    const auto group_id = new_group_id();
    ok("conversations.create",
       d->request("conversations.create", {{"kind", "group"}, {"mls_group_id", group_id}}));
    EXPECT_EQ(error_code(d->request("conversations.create",
                                    {{"kind", "channel"}, {"mls_group_id", group_id}})),
              "conflict");
    EXPECT_EQ(conversations(), 2);
    EXPECT_EQ(d->request("system.ping").value("status", ""), "ok");
    EXPECT_TRUE(server().running());
}

}  // namespace
}  // namespace wardline::test
