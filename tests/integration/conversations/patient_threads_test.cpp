// SPDX-License-Identifier: Apache-2.0
// Patient threads (issue #5): found by MRN through the keyed blind index by members only,
// with the same empty answer for a non-member, another organization and an unknown MRN; the
// identifiers, title and topic sealed in the database; no PHI in audit records or the log.
#include "tests/integration/conversations/conversation_fixture.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace wardline::test {
namespace {

using nlohmann::json;

const json kPatient{{"mrn", "MRN-0042 917"},         {"name", "Zebulon Quixote"},
                    {"date_of_birth", "1948-07-21"}, {"encounter", "ENC-55821"},
                    {"unit", "Cardiology 4B"},       {"bed", "17"}};

TEST_F(ConversationFixture, PatientThreadsAreFoundByMrnOnlyByTheirMembers) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser outsider = enroll("General", "olga.nurse", "nurse");
    TestUser foreign = enroll("Other", "fred.foreign", "physician");
    auto d = logged_in(doctor);
    auto n = logged_in(nurse);
    auto o = logged_in(outsider);
    auto f = logged_in(foreign);
    const auto first =
        create(*d, "patient", {nurse.id}, {{"title", "Quixote chest pain"}, {"patient", kPatient}});
    const auto second = create(*d, "patient", {}, {{"patient", kPatient}});
    // Another organization's thread of the same MRN.
    create(*f, "patient", {}, {{"patient", kPatient}});
    ASSERT_EQ(conversations(), 3);

    auto find = [&](WsClient& ws, const std::string& mrn) {
        return ok("patients.find", ws.request("patients.find", {{"mrn", mrn}}))["threads"];
    };
    // Spelled differently, the same MRN.
    const auto mine = find(*n, "mrn0042917");
    ASSERT_EQ(mine.size(), 1u) << mine.dump();
    EXPECT_EQ(mine[0]["conversation_id"], first["id"]);
    EXPECT_EQ(mine[0]["title"], "Quixote chest pain");
    EXPECT_EQ(mine[0]["patient"]["name"], "Zebulon Quixote");
    EXPECT_EQ(mine[0]["patient"]["mrn"], "MRN0042917");
    EXPECT_EQ(find(*d, "MRN 0042-917").size(), 2u);
    EXPECT_EQ(find(*f, "MRN0042917").size(), 1u) << "only its own organization's";
    // A non-member, and an MRN nobody has: the same empty answer.
    EXPECT_EQ(find(*o, "MRN0042917"), json::array());
    EXPECT_EQ(find(*o, "MRN0000000"), json::array());
    EXPECT_EQ(find(*n, "MRN0000000"), json::array());
    // And get answers not_found to the non-member.
    EXPECT_EQ(error_code(o->request("conversations.get", {{"conversation_id", first["id"]}})),
              "not_found");
    EXPECT_EQ(get(*n, first["id"])["patient"]["bed"], "17");
    // Each lookup is audited, without the MRN.
    EXPECT_EQ(audit_count("patients.find", "success"), 6);
}

TEST_F(ConversationFixture, PatientIdentifiersTitleAndTopicAreSealedAtRestAndNeverLogged) {
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto d = logged_in(doctor);
    const auto thread = create(
        *d, "patient", {},
        {{"title", "Quixote chest pain"}, {"topic", "Troponin pending"}, {"patient", kPatient}});
    const std::string id = thread["id"];
    ok("patients.find", d->request("patients.find", {{"mrn", "MRN0042917"}}));
    ok("conversations.update", d->request("conversations.update", {{"conversation_id", id},
                                                                   {"topic", "Troponin Quixote"}}));

    auto db = owner();
    const auto row = db.exec(
        "SELECT encode(patient_sealed, 'escape'), encode(title_sealed, 'escape'), "
        "encode(topic_sealed, 'escape'), octet_length(mrn_index), "
        "encode(patient_sealed, 'hex') || encode(title_sealed, 'hex') || encode(topic_sealed, "
        "'hex') "
        "FROM conversations WHERE id = '" +
        id + "'");
    ASSERT_EQ(row.rows(), 1);
    std::string raw;
    for (int c : {0, 1, 2}) raw += std::string(row.text_or_throw(0, c));
    for (const std::string phi :
         {"Quixote", "Zebulon", "0042917", "1948-07-21", "ENC-55821", "Troponin", "chest"})
        EXPECT_EQ(raw.find(phi), std::string::npos) << phi << " is in the clear";
    EXPECT_EQ(row.int64(0, 3), 32) << "HMAC-SHA-256";
    // The index is keyed: it is not the bare hash of the MRN.
    EXPECT_EQ(
        db.exec("SELECT count(*) FROM conversations WHERE mrn_index = sha256('MRN0042917'::bytea)")
            .int64(0, 0),
        0);
    // A sealed value is bound to its row and column: moved to another column it does not open.
    db.exec("UPDATE conversations SET title_sealed = topic_sealed WHERE id = '" + id + "'");
    EXPECT_EQ(error_code(d->request("conversations.get", {{"conversation_id", id}})), "internal");

    // Audit records and the server log name ids, never the patient.
    const auto audit = db.exec(
        "SELECT string_agg(details || ' ' || coalesce(target_id, ''), ' ') FROM audit_records");
    const std::string trail(audit.text_or_throw(0, 0));
    const std::string log = server().log();
    for (const std::string phi :
         {"Quixote", "Zebulon", "0042917", "0042 917", "1948-07-21", "ENC-55821", "Troponin"}) {
        EXPECT_EQ(trail.find(phi), std::string::npos) << phi << " in the audit trail";
        EXPECT_EQ(log.find(phi), std::string::npos) << phi << " in the server log";
    }
    EXPECT_NE(trail.find(id), std::string::npos) << "the audit names the conversation";
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

using nlohmann::json;

class BlindIndexKeySetting : public IdentityFixture {};

TEST_F(BlindIndexKeySetting, AnUnreadableOrMalformedKeyStopsTheServerNamingTheSetting) {
    for (const std::string content : {"", "not base64 at all", "AAAA"}) {
        SCOPED_TRACE(content);
        const std::string path = "/tmp/wardline-conv-bad-key-" + std::to_string(::getpid());
        if (!content.empty()) std::ofstream(path) << content << "\n";
        try {
            start({{"identity.blind_index_key_file", content.empty() ? path + ".missing" : path}});
            ADD_FAILURE() << "the server started";
        } catch (const std::exception& e) {
            EXPECT_NE(std::string(e.what()).find("identity.blind_index_key_file"),
                      std::string::npos)
                << e.what();
        }
        std::remove(path.c_str());
    }
}

TEST_F(BlindIndexKeySetting, WithoutTheKeyPatientThreadsAreUnavailableAndTheRestWorks) {
    create_org("General");
    start({{"identity.blind_index_key_file", ""}});
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto d = logged_in(doctor);
    const auto patient =
        d->request("conversations.create",
                   {{"kind", "patient"},
                    {"mls_group_id", new_group_id()},
                    {"patient", {{"mrn", "1"}, {"name", "A B"}, {"date_of_birth", "2000-01-01"}}}});
    EXPECT_EQ(error_code(patient), "unavailable");
    EXPECT_EQ(error_code(d->request("patients.find", {{"mrn", "1"}})), "unavailable");
    const auto group =
        d->request("conversations.create", {{"kind", "group"}, {"mls_group_id", new_group_id()}});
    EXPECT_EQ(group.value("status", ""), "ok") << group.dump();
    EXPECT_EQ(count("SELECT count(*) FROM conversations"), 1);
}

}  // namespace
}  // namespace wardline::test
