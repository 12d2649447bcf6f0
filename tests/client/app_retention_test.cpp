// SPDX-License-Identifier: Apache-2.0
// The retention and legal-hold views of the application (issue #7; docs/client.md,
// "Retention and legal-hold views") on the offscreen platform against a real server:
//  - an administrator proposes a shorter policy: the first Save shows the dry-run report, the
//    second proposes it; the proposer's own Confirm is refused in the server's words; a second
//    administrator, in a second window, confirms it;
//  - a nurse sees neither view and the server refuses both kinds of request anyway; an
//    administrator sees no legal holds and a compliance officer no retention policies;
//  - a compliance officer places a hold on a user found by username, asks to release it, is
//    refused confirming her own request, and a second officer confirms the release.
#include "client-qt/app/legal_hold_admin_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/retention_admin_view.hpp"
#include "tests/client/app_window_driver.hpp"
#include "tests/client/qt_wait.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QSpinBox>
#include <QTabWidget>

#include <gtest/gtest.h>

#include <optional>

namespace wardline::test {
namespace {

class ClientAppRetention : public AppWindowTest {
protected:
    /// A group conversation of `creator`'s organization with messages `ages` days old (made in
    /// SQL: the views only count them); its id.
    std::string conversation_with(const TestUser& creator, std::initializer_list<int> ages) {
        auto db = owner();
        const std::string id(
            db.exec("INSERT INTO conversations (org_id, kind, mls_group_id, created_by) SELECT "
                    "org_id, 'group', decode(md5(random()::text), 'hex'), id FROM users WHERE id "
                    "= '" +
                    creator.id + "' RETURNING id")
                .text_or_throw(0, 0));
        int seq = 0;
        for (int age : ages) {
            ++seq;
            db.exec("UPDATE conversations SET last_seq = " + std::to_string(seq) + " WHERE id = '" +
                    id + "'");
            db.exec(
                "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
                "client_msg_id, epoch, body_sealed, created_at) SELECT id, " +
                std::to_string(seq) +
                ", org_id, 'application', created_by, "
                "gen_random_uuid(), 0, '\\x00', now() - interval '" +
                std::to_string(age) + " days' FROM conversations WHERE id = '" + id + "'");
        }
        return id;
    }

    static app::RetentionAdminView* retention_view(MainWindow& w) {
        auto* view = w.shell()->retention_admin();
        EXPECT_NE(view, nullptr);
        if (!view) return nullptr;
        find<QTabWidget>(w.shell(), "mainTabs")->setCurrentWidget(view);
        EXPECT_TRUE(qt_wait_for([&] { return view->loaded(); })) << view->status().toStdString();
        return view;
    }

    static app::LegalHoldAdminView* hold_view(MainWindow& w) {
        auto* view = w.shell()->legal_hold_admin();
        EXPECT_NE(view, nullptr);
        if (!view) return nullptr;
        find<QTabWidget>(w.shell(), "mainTabs")->setCurrentWidget(view);
        EXPECT_TRUE(qt_wait_for([&] { return view->loaded(); })) << view->status().toStdString();
        return view;
    }

    /// Clicks `button` and waits for the view's status to change; the new status.
    template <typename View>
    static std::string press(View* view, const char* button) {
        const QString before = view->status();
        click(view, button);
        EXPECT_TRUE(qt_wait_for([&] { return view->status() != before; }))
            << button << " changed nothing";
        return view->status().toStdString();
    }
};

TEST_F(ClientAppRetention, AnAdminProposesAShorterPolicySeesThePreviewAndASecondAdminConfirms) {
    start();
    create_org("General");
    TestUser ada = enroll("General", "ada.admin", "admin");
    TestUser ben = enroll("General", "ben.admin", "admin");
    conversation_with(ada, {50, 40, 3});
    auto wa = open_window();
    sign_in_with_recovery(*wa, ada, 0);
    auto* view = retention_view(*wa);
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(wa->shell()->legal_hold_admin(), nullptr) << "an admin has no legal_hold.manage";
    expect_named(wa.get(), "retention view");

    // The whole organization, 30 days: the first Save shows what would go and proposes nothing.
    find<QComboBox>(view, "retentionScopeCombo")->setCurrentIndex(0);
    find<QCheckBox>(view, "retentionForeverCheck")->setChecked(false);
    find<QSpinBox>(view, "retentionDaysField")->setValue(30);
    click(view, "saveRetentionButton");
    ASSERT_TRUE(qt_wait_for([&] { return !view->preview_text().isEmpty(); }))
        << view->status().toStdString();
    EXPECT_TRUE(view->preview_text().contains("would delete 2 messages now"))
        << view->preview_text().toStdString();
    EXPECT_TRUE(view->preview_text().contains("Groups: 2 messages"))
        << view->preview_text().toStdString();
    EXPECT_TRUE(view->status().contains("press Save policy again")) << view->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes"), 0) << "nothing proposed yet";
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 3) << "a preview deletes nothing";
    snapshot(wa.get(), "retention-preview");

    // A changed duration needs its own preview.
    find<QSpinBox>(view, "retentionDaysField")->setValue(45);
    click(view, "saveRetentionButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->preview_text().contains("45 days"); }));
    EXPECT_TRUE(view->preview_text().contains("would delete 1 message now"))
        << view->preview_text().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes"), 0);
    find<QSpinBox>(view, "retentionDaysField")->setValue(30);
    click(view, "previewRetentionButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->preview_text().contains("30 days"); }));

    // The second Save proposes it.
    auto* pending = find<QListWidget>(view, "pendingChangesList");
    click(view, "saveRetentionButton");
    ASSERT_TRUE(qt_wait_for([&] { return pending->count() == 1; })) << view->status().toStdString();
    EXPECT_TRUE(view->status().contains("A second administrator must confirm"))
        << view->status().toStdString();
    EXPECT_TRUE(pending->item(0)->text().contains("keep 30 days instead of forever"))
        << pending->item(0)->text().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes WHERE status = 'pending'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies"), 0);

    // Ada's own Confirm: the server's refusal, in its words.
    EXPECT_FALSE(find<QPushButton>(view, "confirmChangeButton")->isEnabled()) << "none chosen";
    pending->setCurrentRow(0);
    const auto refused = press(view, "confirmChangeButton");
    EXPECT_NE(refused.find("A second administrator must decide"), std::string::npos) << refused;
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes WHERE status = 'pending'"), 1);

    // Ben, in his own window, confirms it.
    auto wb = open_window();
    sign_in_with_recovery(*wb, ben, 0);
    auto* ben_view = retention_view(*wb);
    ASSERT_NE(ben_view, nullptr);
    auto* ben_pending = find<QListWidget>(ben_view, "pendingChangesList");
    ASSERT_TRUE(qt_wait_for([&] { return ben_pending->count() == 1; }));
    EXPECT_TRUE(ben_pending->item(0)->text().contains("Test ada.admin"))
        << "the proposer by name: " << ben_pending->item(0)->text().toStdString();
    ben_pending->setCurrentRow(0);
    const auto confirmed = press(ben_view, "confirmChangeButton");
    EXPECT_NE(confirmed.find("Confirmed"), std::string::npos) << confirmed;
    EXPECT_EQ(ben_pending->count(), 0);
    auto* policies = find<QListView>(ben_view, "retentionPolicyList");
    ASSERT_EQ(policies->model()->rowCount(), 1);
    EXPECT_TRUE(
        policies->model()->index(0, 0).data().toString().contains("Organization: keep 30 days"))
        << policies->model()->index(0, 0).data().toString().toStdString();
    EXPECT_EQ(count("SELECT keep_days FROM retention_policies WHERE scope = 'organization'"), 30);
    EXPECT_EQ(audit_count("retention.change_confirm", "success"), 1);
    EXPECT_EQ(audit_count("retention.change_confirm", "denied"), 1);

    // Lengthening applies at once; a bad conversation id is refused before it is sent.
    find<QSpinBox>(view, "retentionDaysField")->setValue(90);
    const auto saved = press(view, "saveRetentionButton");
    EXPECT_NE(saved.find("Saved"), std::string::npos) << saved;
    EXPECT_EQ(count("SELECT keep_days FROM retention_policies WHERE scope = 'organization'"), 90);
    find<QComboBox>(view, "retentionScopeCombo")->setCurrentIndex(2);
    type(view, "retentionConversationField", "not a conversation");
    const auto bad = press(view, "saveRetentionButton");
    EXPECT_NE(bad.find("conversation's id"), std::string::npos) << bad;
}

TEST_F(ClientAppRetention, ANurseSeesNeitherViewAndTheServerRefusesThemAnyway) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser officer = enroll("General", "cora.compliance", "compliance_officer");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse, 0);
    EXPECT_EQ(w->shell()->retention_admin(), nullptr);
    EXPECT_EQ(w->shell()->legal_hold_admin(), nullptr);
    EXPECT_TRUE(w->findChildren<app::RetentionAdminView*>().isEmpty());
    EXPECT_TRUE(w->findChildren<app::LegalHoldAdminView*>().isEmpty());
    for (const char* type : {"retention.policies.list", "legal_holds.list"}) {
        std::optional<client::ServerResponse> refused;
        w->connection()->request(QString::fromLatin1(type), {},
                                 [&](const client::ServerResponse& r) { refused = r; });
        ASSERT_TRUE(qt_wait_for([&] { return refused.has_value(); }));
        EXPECT_EQ(refused->error_code, "forbidden") << type;
    }
    // A compliance officer sees the holds but not the policies.
    auto wc = open_window();
    sign_in_with_recovery(*wc, officer, 0);
    EXPECT_EQ(wc->shell()->retention_admin(), nullptr);
    EXPECT_NE(wc->shell()->legal_hold_admin(), nullptr);
}

TEST_F(ClientAppRetention, AComplianceOfficerPlacesAndReleasesAHoldWithASecondOfficer) {
    start();
    create_org("General");
    TestUser cora = enroll("General", "cora.compliance", "compliance_officer");
    TestUser carl = enroll("General", "carl.compliance", "compliance_officer");
    TestUser nina = enroll("General", "nina.nurse", "nurse");
    auto wa = open_window();
    sign_in_with_recovery(*wa, cora, 0);
    auto* view = hold_view(*wa);
    ASSERT_NE(view, nullptr);
    expect_named(wa.get(), "legal-hold view");
    auto* list = find<QListView>(view, "legalHoldList");
    EXPECT_EQ(list->model()->rowCount(), 0);

    // Refused here: no case name; an unknown username.
    find<QComboBox>(view, "holdScopeCombo")->setCurrentIndex(0);
    type(view, "holdUserField", "nina.nurse");
    EXPECT_NE(press(view, "placeHoldButton").find("Name the case"), std::string::npos);
    type(view, "holdCaseField", "Case 12: fall on ward 3");
    type(view, "holdUserField", "nobody.here");
    EXPECT_NE(press(view, "placeHoldButton").find("No user with that username"), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds"), 0);

    // Nina's messages, open-ended from today.
    type(view, "holdUserField", "nina.nurse");
    const auto placed = press(view, "placeHoldButton");
    EXPECT_NE(placed.find("The hold is placed"), std::string::npos) << placed;
    ASSERT_EQ(list->model()->rowCount(), 1);
    const QString row = list->model()->index(0, 0).data().toString();
    EXPECT_TRUE(row.contains("Case 12: fall on ward 3")) << row.toStdString();
    EXPECT_TRUE(row.contains("open-ended")) << row.toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds WHERE scope = 'user' AND user_id = '" +
                    nina.id + "' AND ends_at IS NULL"),
              1);
    snapshot(wa.get(), "legal-holds");

    // Cora asks to release it, then may not confirm her own request.
    view->select(0);
    EXPECT_FALSE(find<QPushButton>(view, "confirmReleaseButton")->isEnabled());
    EXPECT_NE(press(view, "releaseHoldButton").find("Release asked for"), std::string::npos);
    ASSERT_TRUE(qt_wait_for([&] {
        return view->holds().holds().size() == 1 &&
               view->holds().holds()[0].state == "release_pending";
    }));
    view->select(0);
    const auto refused = press(view, "confirmReleaseButton");
    EXPECT_NE(refused.find("A second compliance officer must confirm"), std::string::npos)
        << refused;
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds WHERE released_at IS NULL"), 1);

    // Carl confirms; the released hold leaves the list and shows with "Show released".
    auto wb = open_window();
    sign_in_with_recovery(*wb, carl, 0);
    auto* carl_view = hold_view(*wb);
    ASSERT_NE(carl_view, nullptr);
    auto* carl_list = find<QListView>(carl_view, "legalHoldList");
    ASSERT_EQ(carl_list->model()->rowCount(), 1);
    carl_view->select(0);
    EXPECT_FALSE(find<QPushButton>(carl_view, "releaseHoldButton")->isEnabled());
    const auto released = press(carl_view, "confirmReleaseButton");
    EXPECT_NE(released.find("The hold is released"), std::string::npos) << released;
    EXPECT_EQ(carl_list->model()->rowCount(), 0);
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds WHERE released_by = '" + carl.id + "'"), 1);
    find<QCheckBox>(carl_view, "showReleasedCheck")->setChecked(true);
    ASSERT_TRUE(qt_wait_for([&] { return carl_list->model()->rowCount() == 1; }));
    EXPECT_TRUE(carl_list->model()->index(0, 0).data().toString().contains("released"));

    // A conversation hold with an end before its start is refused here.
    find<QComboBox>(view, "holdScopeCombo")->setCurrentIndex(1);
    type(view, "holdConversationField", "00000000-0000-0000-0000-000000000000");
    type(view, "holdCaseField", "Case 13");
    find<QCheckBox>(view, "holdOpenEndedCheck")->setChecked(false);
    find<QDateEdit>(view, "holdUntilField")->setDate(QDate::currentDate().addDays(-2));
    EXPECT_NE(press(view, "placeHoldButton").find("must end after it starts"), std::string::npos);
    // An unknown conversation is refused by the server.
    find<QCheckBox>(view, "holdOpenEndedCheck")->setChecked(true);
    const auto unknown = press(view, "placeHoldButton");
    EXPECT_EQ(unknown.find("placed"), std::string::npos) << unknown;
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds"), 1);
}

}  // namespace
}  // namespace wardline::test
