// SPDX-License-Identifier: Apache-2.0
// The application's directory, on-call and schedule tabs and the new-conversation dialog's
// group, patient-thread and announcement kinds (docs/client.md, "Directory and on call",
// "New conversations"), driven through the widgets against a real server, PostgreSQL and TLS
// on the offscreen platform. Every refusal is tested from the side of the user who must be
// refused: the view or option is not there, and the server refuses the request anyway.
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/directory_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/new_conversation_dialog.hpp"
#include "client-qt/app/on_call_view.hpp"
#include "client-qt/app/shift_admin_view.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "tests/client/app_window_driver.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QTabWidget>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;
using client::ConversationListModel;
using client::MessageListModel;

class ClientDirectoryUi : public AppWindowTest {
protected:
    /// A team and a shift of `user` on it now, made through the server's requests.
    std::string team_with_shift(TestUser& admin, const std::string& team, const TestUser& user,
                                const std::string& role) {
        auto ws = logged_in(admin);
        const auto t = ws->request("oncall.teams.create", {{"name", team}});
        EXPECT_EQ(t.value("status", ""), "ok") << t.dump();
        const std::string team_id = t["body"]["team"]["id"];
        const auto now = QDateTime::currentDateTimeUtc();
        const auto s = ws->request(
            "oncall.shifts.add",
            {{"team_id", team_id},
             {"user_id", user.id},
             {"role", role},
             {"start", now.addSecs(-3600).toString("yyyy-MM-ddTHH:mm:ssZ").toStdString()},
             {"end", now.addSecs(4 * 3600).toString("yyyy-MM-ddTHH:mm:ssZ").toStdString()}});
        EXPECT_EQ(s.value("status", ""), "ok") << s.dump();
        return team_id;
    }

    long long conversations_of_kind(const char* kind) {
        return count(std::string("SELECT count(*) FROM conversations WHERE kind = '") + kind + "'");
    }

    /// Waits until `engine` has KeyPackages on the server (before a colleague adds it).
    static bool has_key_packages(client::GroupEngine& engine) {
        return qt_wait_for(
            [&] {
                return engine.started() && engine.key_package_stock().checks() > 0 &&
                       !engine.key_package_stock().busy();
            },
            20s);
    }
};

TEST_F(ClientDirectoryUi, TheDirectoryAndTheOnCallViewOpenADirectConversationWithAColleague) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    enroll("General", "carol.nurse", "nurse");
    owner().exec("UPDATE users SET department = 'Cardiology' WHERE username = 'bob.nurse'");
    team_with_shift(admin, "Cardiology", bob, "primary");
    auto bob_online = logged_in(bob);

    auto w = open_window();
    sign_in_with_recovery(*w, alice, 0);
    auto* shell = w->shell();
    ASSERT_NE(shell->directory(), nullptr);
    ASSERT_NE(shell->on_call(), nullptr);
    EXPECT_EQ(shell->shift_admin(), nullptr) << "a physician does not manage the schedule";
    EXPECT_EQ(shell->tabs()->count(), 3);
    auto* directory = shell->directory();
    shell->tabs()->setCurrentWidget(directory);

    // Search by department: Bob, available and on call, in words.
    type(directory, "directoryDepartmentField", "cardiology");
    QTest::keyClick(find<QLineEdit>(directory, "directoryDepartmentField"), Qt::Key_Return);
    auto& found = directory->model();
    ASSERT_TRUE(qt_wait_for([&] { return !found.busy() && found.rowCount() == 1; }))
        << directory->status().toStdString();
    const QString line = found.index(0).data(Qt::DisplayRole).toString();
    EXPECT_TRUE(line.contains("Test bob.nurse") && line.contains("Available") &&
                line.contains("On call: Cardiology (primary)"))
        << line.toStdString();
    // Carol is offline, said in words too.
    type(directory, "directoryDepartmentField", "");
    type(directory, "directoryNameField", "carol");
    click(directory, "directorySearchButton");
    ASSERT_TRUE(qt_wait_for([&] {
        return !found.busy() && found.rowCount() == 1 &&
               found.index(0).data(Qt::DisplayRole).toString().contains("Offline");
    }));

    // Enter on Bob's row opens the direct conversation in the chat tab.
    type(directory, "directoryNameField", "bob");
    click(directory, "directorySearchButton");
    ASSERT_TRUE(qt_wait_for([&] {
        return !found.busy() && found.rowCount() == 1 &&
               found.index(0).data(Qt::DisplayRole).toString().contains("bob");
    }));
    auto* list = find<QListView>(directory, "directoryList");
    list->setFocus();
    list->setCurrentIndex(found.index(0));
    QTest::keyClick(list, Qt::Key_Return);
    auto* chat = shell->chat();
    ASSERT_TRUE(qt_wait_for([&] { return !chat->open_conversation_id().isEmpty(); }, 20s))
        << chat->status().toStdString();
    EXPECT_EQ(shell->tabs()->currentWidget(), chat);
    const QString conversation = chat->open_conversation_id();
    EXPECT_EQ(conversations_of_kind("direct"), 1);

    // On call: "who is on call for cardio" and Message primary opens the same conversation.
    auto* on_call = shell->on_call();
    shell->tabs()->setCurrentWidget(on_call);
    ASSERT_TRUE(qt_wait_for([&] { return on_call->model().loaded(); }));
    type(on_call, "onCallFilterField", "neuro");
    EXPECT_EQ(on_call->shown()->rowCount(), 0);
    type(on_call, "onCallFilterField", "CARDIO");
    ASSERT_EQ(on_call->shown()->rowCount(), 1);
    EXPECT_EQ(on_call->shown()->index(0, 0).data().toString(),
              "Cardiology: primary Test bob.nurse, backup none");
    EXPECT_FALSE(find<QPushButton>(on_call, "messageBackupButton")->isEnabled())
        << "nobody is backup";
    click(on_call, "messagePrimaryButton");
    EXPECT_EQ(shell->tabs()->currentWidget(), chat);
    ASSERT_TRUE(qt_wait_for([&] { return chat->status().isEmpty(); }, 20s))
        << chat->status().toStdString();
    EXPECT_EQ(chat->open_conversation_id(), conversation);
    EXPECT_EQ(conversations_of_kind("direct"), 1) << "the existing conversation is reused";
    expect_named(w.get(), "directory and on call");
    snapshot(w.get(), "on-call");
}

TEST_F(ClientDirectoryUi, AnAdministratorAddsAndRemovesShiftsAndSeesTheRefusalsInWords) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    enroll("General", "carol.nurse", "nurse");
    team_with_shift(admin, "Cardiology", bob, "backup");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* view = w->shell()->shift_admin();
    ASSERT_NE(view, nullptr);
    w->shell()->tabs()->setCurrentWidget(view);
    ASSERT_TRUE(qt_wait_for([&] { return view->shifts().rowCount() == 1; }))
        << view->status().toStdString();

    // Carol, primary, from the next hour for 12 hours.
    type(view, "shiftPersonField", "carol");
    click(view, "shiftPersonFindButton");
    auto* person = find<QComboBox>(view, "shiftPersonPicker");
    ASSERT_TRUE(qt_wait_for([&] { return person->count() == 1; }));
    find<QComboBox>(view, "shiftRolePicker")->setCurrentIndex(0);
    const QDateTime start = QDateTime::currentDateTime().addSecs(3600);
    find<QDateTimeEdit>(view, "shiftStartEdit")->setDateTime(start);
    find<QDateTimeEdit>(view, "shiftEndEdit")->setDateTime(start.addSecs(12 * 3600));
    click(view, "addShiftButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->shifts().rowCount() == 2; }))
        << view->status().toStdString();
    EXPECT_EQ(view->status(), "Shift added.");

    // Bob as primary at the same time: refused for the overlap, in words.
    type(view, "shiftPersonField", "bob");
    click(view, "shiftPersonFindButton");
    ASSERT_TRUE(
        qt_wait_for([&] { return person->count() == 1 && person->itemText(0).contains("bob"); }));
    click(view, "addShiftButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->status().contains("overlaps"); }))
        << view->status().toStdString();
    // An end before the start.
    find<QDateTimeEdit>(view, "shiftEndEdit")->setDateTime(start.addSecs(-7200));
    click(view, "addShiftButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->status().contains("ends after it starts"); }))
        << view->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 2);

    // Remove the first shift listed.
    auto* list = find<QListView>(view, "scheduleList");
    list->setCurrentIndex(view->shifts().index(0));
    click(view, "removeShiftButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->shifts().rowCount() == 1; }));
    EXPECT_EQ(view->status(), "Shift removed.");
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 1);
    EXPECT_EQ(audit_count("oncall.shift.remove"), 1);
    expect_named(w.get(), "schedule");
}

TEST_F(ClientDirectoryUi, ANurseHasNoScheduleViewAndTheServerRefusesHerShiftChanges) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nina = enroll("General", "nina.nurse", "nurse");
    const std::string team_id = team_with_shift(admin, "Cardiology", nina, "primary");
    auto w = open_window();
    sign_in_with_recovery(*w, nina, 0);
    EXPECT_EQ(w->shell()->shift_admin(), nullptr);
    EXPECT_TRUE(w->findChildren<app::ShiftAdminView*>().isEmpty());
    ASSERT_NE(w->shell()->on_call(), nullptr) << "she still sees who is on call";
    const auto now = QDateTime::currentDateTimeUtc();
    const QJsonObject add{{"team_id", QString::fromStdString(team_id)},
                          {"user_id", QString::fromStdString(nina.id)},
                          {"role", "backup"},
                          {"start", now.addDays(1).toString("yyyy-MM-ddTHH:mm:ssZ")},
                          {"end", now.addDays(1).addSecs(3600).toString("yyyy-MM-ddTHH:mm:ssZ")}};
    for (const auto& [type, body] : std::vector<std::pair<QString, QJsonObject>>{
             {"oncall.shifts.add", add},
             {"oncall.shifts.list",
              {{"team_id", QString::fromStdString(team_id)},
               {"from", now.toString("yyyy-MM-ddTHH:mm:ssZ")},
               {"to", now.addDays(2).toString("yyyy-MM-ddTHH:mm:ssZ")}}}}) {
        std::optional<client::ServerResponse> reply;
        w->connection()->request(type, body, [&](const client::ServerResponse& r) { reply = r; });
        ASSERT_TRUE(qt_wait_for([&] { return reply.has_value(); }));
        EXPECT_EQ(reply->error_code, "forbidden") << type.toStdString();
    }
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 1);
    // No team creation offered anywhere in her window; asked for directly, refused.
    EXPECT_EQ(w->findChild<QPushButton*>("createTeamButton"), nullptr);
    EXPECT_EQ(w->findChild<QLineEdit*>("newTeamNameField"), nullptr);
    std::optional<client::ServerResponse> created;
    w->connection()->request("oncall.teams.create", {{"name", "Nurses' own"}},
                             [&](const client::ServerResponse& r) { created = r; });
    ASSERT_TRUE(qt_wait_for([&] { return created.has_value(); }));
    EXPECT_EQ(created->error_code, "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM oncall_teams"), 1);
}

TEST_F(ClientDirectoryUi, APhysicianStartsAPatientThreadThatTheNurseListsWithThePatientAndReads) {
    start();
    create_org("General");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    auto wa = open_window();
    sign_in_with_recovery(*wa, alice, 0);
    auto wb = open_window();
    sign_in_with_recovery(*wb, bob, 0);
    ASSERT_TRUE(has_key_packages(wb->shell()->engine()));
    auto* chat_a = wa->shell()->chat();
    auto* chat_b = wb->shell()->chat();

    click(chat_a, "newConversationButton");
    auto* dialog = chat_a->findChild<app::NewConversationDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->offered_kinds(), QStringList({"direct", "group", "patient"}))
        << "no announcement without org.settings";
    auto* kind = find<QComboBox>(dialog, "conversationKindPicker");
    kind->setCurrentIndex(2);
    ASSERT_EQ(dialog->kind(), "patient");
    for (QWidget* c : dialog->findChildren<QWidget*>()) {
        if (c->focusPolicy() == Qt::NoFocus) continue;
        EXPECT_FALSE(c->accessibleName().isEmpty())
            << c->metaObject()->className() << " " << c->objectName().toStdString();
    }
    type(dialog, "conversationTitleField", "Sepsis watch");
    type(dialog, "patientMrnField", "12-345 ab");
    type(dialog, "patientNameField", "Jane Roe");
    type(dialog, "patientBirthDateField", "1948-03-02");
    type(dialog, "patientUnitField", "4 West");
    type(dialog, "patientBedField", "12");
    // Without a colleague the dialog says so and sends nothing.
    auto* start_button = find<QPushButton>(dialog, "startConversationButton");
    EXPECT_FALSE(start_button->isEnabled());
    type(dialog, "colleagueSearchField", "bob");
    click(dialog, "colleagueSearchButton");
    auto* results = find<QListWidget>(dialog, "colleagueList");
    ASSERT_TRUE(qt_wait_for([&] { return results->count() == 1; }));
    click(dialog, "addColleagueButton");
    ASSERT_EQ(find<QListWidget>(dialog, "chosenColleagueList")->count(), 1);
    // A date of birth in the wrong form is named in the dialog.
    type(dialog, "patientBirthDateField", "02/03/1948");
    click(dialog, "startConversationButton");
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_TRUE(find<QLabel>(dialog, "colleagueSearchStatus")->text().contains("YYYY-MM-DD"));
    EXPECT_EQ(conversations_of_kind("patient"), 0);
    type(dialog, "patientBirthDateField", "1948-03-02");
    click(dialog, "startConversationButton");
    ASSERT_TRUE(qt_wait_for([&] { return !chat_a->open_conversation_id().isEmpty(); }, 20s))
        << chat_a->status().toStdString();
    const QString conversation = chat_a->open_conversation_id();
    EXPECT_EQ(conversations_of_kind("patient"), 1);

    // The first message.
    auto* editor = find<QPlainTextEdit>(chat_a, "composerField");
    editor->setFocus();
    QTest::keyClicks(editor, "Lactate 4.1, starting fluids");
    QTest::keyClick(editor, Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] { return chat_a->messages()->rowCount() == 1; }, 20s));

    // Bob's list shows the patient's name, normalized MRN, unit and bed.
    auto& list_b = chat_b->conversations();
    ASSERT_TRUE(qt_wait_for([&] { return list_b.row_of(conversation) >= 0; }, 20s));
    const auto row = [&] { return list_b.index(list_b.row_of(conversation)); };
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return row().data(ConversationListModel::PatientRole).toString() ==
                   "Jane Roe · MRN 12345AB · 4 West, bed 12";
        },
        20s))
        << row().data(ConversationListModel::PatientRole).toString().toStdString();
    EXPECT_EQ(row().data(ConversationListModel::TitleRole).toString(), "Sepsis watch");
    EXPECT_EQ(row().data(ConversationListModel::KindRole).toString(), "patient");
    ASSERT_TRUE(qt_wait_for(
        [&] { return row().data(ConversationListModel::UnreadRole).toLongLong() == 1; }, 20s));
    auto* view_b = find<QListView>(chat_b, "conversationList");
    QTest::mouseClick(view_b->viewport(), Qt::LeftButton, {}, view_b->visualRect(row()).center());
    ASSERT_EQ(chat_b->open_conversation_id(), conversation);
    ASSERT_EQ(chat_b->messages()->rowCount(), 1);
    EXPECT_EQ(chat_b->messages()->index(0).data(MessageListModel::BodyRole).toString(),
              "Lactate 4.1, starting fluids");
    // PHI stays inside the app: not in window titles, not in the server's log.
    EXPECT_EQ(wa->windowTitle(), "Wardline");
    EXPECT_EQ(wb->windowTitle(), "Wardline");
    const std::string log = server().log();
    EXPECT_EQ(log.find("Jane Roe"), std::string::npos);
    EXPECT_EQ(log.find("12345AB"), std::string::npos);
    snapshot(wb.get(), "patient-thread");
}

TEST_F(ClientDirectoryUi, ANurseWithoutPatientThreadsIsNotOfferedThemAndTheServerRefusesHer) {
    start();
    create_org("General");
    // This organization keeps patient threads to physicians: its nurses lack the permission.
    owner().exec(
        "DELETE FROM role_permissions WHERE permission = 'patient_threads.create' AND "
        "role_id = (SELECT id FROM roles WHERE name = 'nurse' AND org_id IS NULL)");
    TestUser nina = enroll("General", "nina.nurse", "nurse");
    TestUser alice = enroll("General", "alice.physician", "physician");
    auto w = open_window();
    sign_in_with_recovery(*w, nina, 0);
    auto* chat = w->shell()->chat();
    click(chat, "newConversationButton");
    auto* dialog = chat->findChild<app::NewConversationDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->offered_kinds(), QStringList({"direct", "group"}));
    // Whatever kind she picks, the announcement's posting roles and unit never show.
    auto* kinds = find<QComboBox>(dialog, "conversationKindPicker");
    for (int i = 0; i < kinds->count(); ++i) {
        kinds->setCurrentIndex(i);
        EXPECT_FALSE(find<QGroupBox>(dialog, "announcementOptions")->isVisible());
    }
    dialog->reject();

    // Asked for directly, through the same engine: the server refuses, nothing is created.
    client::ConversationDraft draft;
    draft.kind = QStringLiteral("patient");
    draft.title = QStringLiteral("Bed 3");
    draft.members = {QString::fromStdString(alice.id)};
    draft.patient = {
        QStringLiteral("A1"), QStringLiteral("John Doe"), QStringLiteral("1960-01-01"), {}, {}};
    std::optional<client::OperationResult> result;
    w->shell()->recorder().create(draft, [&](const client::OperationResult& r) { result = r; });
    ASSERT_TRUE(qt_wait_for([&] { return result.has_value(); }, 20s));
    EXPECT_FALSE(result->ok);
    EXPECT_EQ(result->error_code, "forbidden");
    // An announcement needs org.settings, which a nurse lacks.
    draft.kind = QStringLiteral("announcement");
    result.reset();
    w->shell()->recorder().create(draft, [&](const client::OperationResult& r) { result = r; });
    ASSERT_TRUE(qt_wait_for([&] { return result.has_value(); }, 20s));
    EXPECT_EQ(result->error_code, "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM conversations"), 0);
    EXPECT_EQ(w->shell()->chat()->conversations().rowCount(), 0);
}

TEST_F(ClientDirectoryUi, AnAdministratorAnnouncesToAGroupOfColleagues) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* chat = w->shell()->chat();
    click(chat, "newConversationButton");
    auto* dialog = chat->findChild<app::NewConversationDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->offered_kinds(), QStringList({"direct", "group", "announcement"}))
        << "an administrator has org.settings but not patient_threads.create";
    find<QComboBox>(dialog, "conversationKindPicker")->setCurrentIndex(2);
    type(dialog, "conversationTitleField", "Fire drill at 3 pm");
    type(dialog, "colleagueSearchField", "bob");
    click(dialog, "colleagueSearchButton");
    auto* results = find<QListWidget>(dialog, "colleagueList");
    ASSERT_TRUE(qt_wait_for([&] { return results->count() == 1; }));
    QTest::keyClick(results, Qt::Key_Return);  // Enter on a colleague adds them
    ASSERT_EQ(find<QListWidget>(dialog, "chosenColleagueList")->count(), 1);
    click(dialog, "startConversationButton");
    ASSERT_TRUE(qt_wait_for([&] { return !chat->open_conversation_id().isEmpty(); }, 20s))
        << chat->status().toStdString();
    EXPECT_EQ(conversations_of_kind("announcement"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM conversation_members m JOIN conversations c ON "
                    "c.id = m.conversation_id WHERE c.kind = 'announcement' AND m.user_id = '" +
                    bob.id + "' AND m.role = 'read_only'"),
              1)
        << "a nurse reads an announcement without a posting role";
}

TEST_F(ClientDirectoryUi, AnAdministratorCreatesATeamAndAnAnnouncementWithPostingRolesAndAUnit) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* shell = w->shell();

    // A team, created in the Schedule tab, appears in its picker and in the On call tab.
    auto* schedule = shell->shift_admin();
    ASSERT_NE(schedule, nullptr);
    shell->tabs()->setCurrentWidget(schedule);
    ASSERT_TRUE(qt_wait_for([&] {
        return schedule->status() == "There are no on-call teams yet.";
    })) << schedule->status().toStdString();
    click(schedule, "createTeamButton");
    EXPECT_EQ(schedule->status(), "Give the new team a name.") << "refused before it is sent";
    type(schedule, "newTeamNameField", "Neurology");
    QTest::keyClick(find<QLineEdit>(schedule, "newTeamNameField"), Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] { return schedule->team_count() == 1; }))
        << schedule->status().toStdString();
    ASSERT_TRUE(qt_wait_for([&] {
        return schedule->status() == "Team Neurology created. No shifts in these dates.";
    })) << schedule->status().toStdString();
    EXPECT_EQ(find<QComboBox>(schedule, "scheduleTeamPicker")->currentText(), "Neurology");
    EXPECT_TRUE(find<QLineEdit>(schedule, "newTeamNameField")->text().isEmpty());
    ASSERT_TRUE(qt_wait_for([&] {
        return shell->on_call()->model().loaded() && shell->on_call()->model().rowCount() == 1;
    })) << "the On call tab lists the new team";
    // The same name in other letters: refused in words, nothing created.
    type(schedule, "newTeamNameField", "NEUROLOGY");
    click(schedule, "createTeamButton");
    ASSERT_TRUE(qt_wait_for([&] { return schedule->status().contains("exists already"); }))
        << schedule->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM oncall_teams"), 1);
    EXPECT_EQ(audit_count("oncall.team.create"), 1);
    expect_named(w.get(), "schedule with team creation");

    // An announcement for the Cardiology unit that physicians may post to.
    auto* chat = shell->chat();
    shell->tabs()->setCurrentWidget(chat);
    auto& engine = shell->engine();
    ASSERT_TRUE(has_key_packages(engine));
    click(chat, "newConversationButton");
    auto* dialog = chat->findChild<app::NewConversationDialog*>();
    ASSERT_NE(dialog, nullptr);
    auto* options = find<QGroupBox>(dialog, "announcementOptions");
    EXPECT_FALSE(options->isVisible()) << "not for a direct conversation";
    find<QComboBox>(dialog, "conversationKindPicker")->setCurrentIndex(2);
    ASSERT_EQ(dialog->kind(), "announcement");
    EXPECT_TRUE(options->isVisible());
    for (QWidget* c : dialog->findChildren<QWidget*>()) {
        if (c->focusPolicy() == Qt::NoFocus || !c->isVisible()) continue;
        EXPECT_FALSE(c->accessibleName().isEmpty())
            << c->metaObject()->className() << " " << c->objectName().toStdString();
    }
    type(dialog, "conversationTitleField", "Cardiology rota changes");
    find<QCheckBox>(dialog, "postingRoleCheck_physician")->setChecked(true);
    type(dialog, "announcementUnitField", "Cardiology");
    for (const char* name : {"alice", "bob"}) {
        type(dialog, "colleagueSearchField", name);
        click(dialog, "colleagueSearchButton");
        auto* results = find<QListWidget>(dialog, "colleagueList");
        ASSERT_TRUE(qt_wait_for(
            [&] { return results->count() == 1 && results->item(0)->text().contains(name); }));
        click(dialog, "addColleagueButton");
    }
    // A unit with a line break is named in the dialog and nothing is sent.
    find<QLineEdit>(dialog, "announcementUnitField")->setText(QStringLiteral("Cardio\u2028logy"));
    click(dialog, "startConversationButton");
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_TRUE(find<QLabel>(dialog, "colleagueSearchStatus")->text().contains("visible"));
    type(dialog, "announcementUnitField", "Cardiology");
    const client::ConversationDraft draft = dialog->draft();
    EXPECT_EQ(draft.posting_roles, QStringList({"physician"}));
    click(dialog, "startConversationButton");
    ASSERT_TRUE(qt_wait_for([&] { return !chat->open_conversation_id().isEmpty(); }, 20s))
        << chat->status().toStdString();
    const std::string id = chat->open_conversation_id().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE id = '" + id +
                    "' AND kind = 'announcement' AND unit = 'Cardiology' AND roles = "
                    "ARRAY['physician']"),
              1);
    const auto role_of = [&](const TestUser& u, const char* role) {
        return count("SELECT count(*) FROM conversation_members WHERE conversation_id = '" + id +
                     "' AND user_id = '" + u.id + "' AND role = '" + role + "'");
    };
    EXPECT_EQ(role_of(alice, "member"), 1) << "a physician may post";
    EXPECT_EQ(role_of(bob, "read_only"), 1) << "a nurse reads only";
    // The members line says so.
    ASSERT_TRUE(qt_wait_for([&] { return chat->members_text().startsWith("3 members: "); }))
        << chat->members_text().toStdString();
    EXPECT_TRUE(chat->members_text().contains("Test bob.nurse (reads only)"));
}

}  // namespace
}  // namespace wardline::test
