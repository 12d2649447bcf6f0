// SPDX-License-Identifier: Apache-2.0
// Message templates over TLS against a real server and database (issue #5): administrators
// manage them, every clinician lists them, every change is audited without its texts, and the
// refused side (a nurse, another organization) changes nothing.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

using nlohmann::json;

class Templates : public ClinicalFixture {
protected:
    long long templates() { return count("SELECT count(*) FROM message_templates"); }
    long long audits() {
        return count("SELECT count(*) FROM audit_records WHERE action LIKE 'template.%'");
    }
};

TEST_F(Templates, AdministratorsManageThemAndEveryClinicianListsThem) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto a = logged_in(admin);
    auto n = logged_in(nurse);
    const auto made =
        ok_request(*a, "templates.create",
                   {{"title", "Call back"}, {"body", "Please call the ward.\nExt. 4411"}});
    const std::string id = made["template"]["id"];
    EXPECT_EQ(made["template"]["body"], "Please call the ward.\nExt. 4411");
    ok_request(*a, "templates.create", {{"title", "arrived"}, {"body", "Patient has arrived."}});

    auto listed = ok_request(*n, "templates.list", json::object())["templates"];
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0]["title"], "arrived");  // by title, ignoring case
    EXPECT_EQ(listed[1]["id"], id);

    const auto changed =
        ok_request(*a, "templates.update", {{"template_id", id}, {"title", "Call me back"}});
    EXPECT_EQ(changed["template"]["title"], "Call me back");
    EXPECT_EQ(changed["template"]["body"], "Please call the ward.\nExt. 4411");  // unchanged
    ok_request(*a, "templates.update", {{"template_id", id}, {"body", "Ext. 4412"}});
    EXPECT_EQ(ok_request(*n, "templates.list", json::object())["templates"][1]["body"],
              "Ext. 4412");

    EXPECT_EQ(ok_request(*a, "templates.delete", {{"template_id", id}})["deleted"], id);
    EXPECT_EQ(ok_request(*n, "templates.list", json::object())["templates"].size(), 1u);
    EXPECT_EQ(error_code(a->request("templates.delete", {{"template_id", id}})), "not_found");
    EXPECT_EQ(error_code(a->request("templates.update", {{"template_id", id}, {"title", "x"}})),
              "not_found");

    EXPECT_EQ(audit_count("template.create", "success"), 2);
    EXPECT_EQ(audit_count("template.update", "success"), 2);
    EXPECT_EQ(audit_count("template.delete", "success"), 1);
    // The audit trail names the template, never its texts.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details::text LIKE '%call the ward%' "
                    "OR details::text LIKE '%Call me%' OR details::text LIKE '%4411%' "
                    "OR details::text LIKE '%arrived%'"),
              0);
}

TEST_F(Templates, ANurseMayNotEditThemAndAnotherOrganizationSeesNothing) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser foreign_admin = enroll("Other", "olga.admin", "admin");
    auto a = logged_in(admin);
    auto n = logged_in(nurse);
    auto f = logged_in(foreign_admin);
    const std::string id =
        ok_request(*a, "templates.create",
                   {{"title", "Call back"}, {"body", "Please call."}})["template"]["id"];
    const long long before = audits();

    EXPECT_EQ(error_code(n->request("templates.create", {{"title", "Mine"}, {"body", "x"}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("templates.update", {{"template_id", id}, {"title", "Mine"}})),
              "forbidden");
    EXPECT_EQ(error_code(n->request("templates.delete", {{"template_id", id}})), "forbidden");

    const std::string unknown = "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f";
    const auto theirs = f->request("templates.update", {{"template_id", id}, {"title", "Hijack"}});
    EXPECT_EQ(error_code(theirs), "not_found");
    EXPECT_EQ(theirs["error"]["message"],
              f->request("templates.update",
                         {{"template_id", unknown}, {"title", "Hijack"}})["error"]["message"]);
    EXPECT_EQ(error_code(f->request("templates.delete", {{"template_id", id}})), "not_found");
    EXPECT_EQ(ok_request(*f, "templates.list", json::object())["templates"], json::array());

    EXPECT_EQ(templates(), 1);
    EXPECT_EQ(count("SELECT count(*) FROM message_templates WHERE title = 'Call back' AND body = "
                    "'Please call.'"),
              1);
    EXPECT_EQ(audits(), before);
    EXPECT_GT(audit_count("authz.denied", "denied"), 0);
}

TEST_F(Templates, OversizedBlankAndControlCharacterTextsAreRefused) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto a = logged_in(admin);
    const std::string id =
        ok_request(*a, "templates.create",
                   {{"title", "Call back"}, {"body", "Please call."}})["template"]["id"];
    const long long before = audits();
    for (const json& bad :
         {json{{"title", std::string(101, 't')}, {"body", "b"}},
          json{{"title", "t"}, {"body", std::string(2001, 'b')}},
          json{{"title", "bell\x07"}, {"body", "b"}}, json{{"title", "t"}, {"body", "tab\there"}},
          json{{"title", "t"}, {"body", "esc\x1b[31m"}},
          json{{"title", "t"}, {"body", "rtl \xE2\x80\xAE override"}},
          json{{"title", "t"}, {"body", "  \n  "}}, json{{"title", "   "}, {"body", "b"}},
          json{{"title", "line\nbreak"}, {"body", "b"}}, json{{"title", "t"}},
          json{{"title", "t"}, {"body", 5}},
          json{{"title", "t"}, {"body", "b"}, {"extra", true}}}) {
        SCOPED_TRACE(bad.dump());
        const auto r = a->request("templates.create", bad);
        EXPECT_EQ(error_code(r), "bad_request");
        if (bad.contains("body") && bad["body"].is_string() &&
            bad["body"].get<std::string>().size() > 3) {
            EXPECT_EQ(r["error"]["message"].get<std::string>().find(bad["body"].get<std::string>()),
                      std::string::npos);
        }
    }
    EXPECT_EQ(error_code(a->request("templates.update", {{"template_id", id}})), "bad_request");
    EXPECT_EQ(error_code(a->request("templates.update", {{"template_id", id}, {"body", "x\x01"}})),
              "bad_request");
    EXPECT_EQ(error_code(a->request(
                  "templates.update",
                  {{"template_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}, {"title", "x"}})),
              "bad_request");
    EXPECT_EQ(error_code(a->request("templates.delete", {{"template_id", "short"}})),
              "bad_request");
    // Exactly at the limits is fine; nothing else was stored or audited.
    EXPECT_EQ(audits(), before);
    EXPECT_EQ(templates(), 1);
    ok_request(*a, "templates.create",
               {{"title", std::string(100, 't')}, {"body", std::string(2000, 'b')}});
    EXPECT_EQ(templates(), 2);
}

}  // namespace
}  // namespace wardline::test
