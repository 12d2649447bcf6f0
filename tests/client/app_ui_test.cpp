// SPDX-License-Identifier: Apache-2.0
// The desktop application's widgets against a real server and PostgreSQL (issue #6, "UI
// tests"): fields are typed into and buttons clicked with QTest, on the offscreen platform.
// Signing in with TOTP, the first sign-in (password change, MFA enrollment with a QR code),
// a wrong password, the idle lock and unlocking, an administrator creating a user, a nurse
// without the admin view, and an accessible name on every control that takes focus; a restart
// that signs in on the same device with the account's engine and store, closed by the lock;
// an active user kept signed in past the server's idle timeout; the users, organization,
// templates and audit views; the chat between two windows.
#include "client-qt/app/audit_view.hpp"
#include "client-qt/app/chat_delegates.hpp"
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/org_policy_view.hpp"
#include "client-qt/app/main_window.hpp"
#include "client-qt/app/new_conversation_dialog.hpp"
#include "client-qt/app/sign_in_widget.hpp"
#include "client-qt/app/template_admin_view.hpp"
#include "client-qt/app/user_detail_panel.hpp"
#include "client-qt/app/user_admin_view.hpp"
#include "tests/client/app_window_driver.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace wardline::test {
namespace {

class ClientAppUi : public AppWindowTest {};

TEST_F(ClientAppUi, AnAdministratorSignsInWithTotpAndCreatesAUserWhoseOneTimePasswordWorks) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    enter_credentials(*w, "General", "ada.admin", admin.password);
    ASSERT_TRUE(reaches(*w, Page::code)) << w->sign_in_widget()->message().toStdString();
    snapshot(w.get(), "sign-in");
    type(w->sign_in_widget(), "codeField", QString::fromStdString(unused_code(admin)));
    click(w->sign_in_widget(), "verifyButton");
    ASSERT_TRUE(signed_in(*w)) << w->sign_in_widget()->message().toStdString();
    EXPECT_TRUE(find<QLabel>(w->shell(), "identityLabel")->text().contains("ada.admin"));
    EXPECT_TRUE(find<QLineEdit>(w->sign_in_widget(), "passwordField")->text().isEmpty())
        << "the password does not stay in the sign-in field";

    auto* admin_view = w->shell()->user_admin();
    ASSERT_NE(admin_view, nullptr) << "an administrator sees the users view";
    ASSERT_TRUE(qt_wait_for([&] { return admin_view->model().rowCount() == 1; }));
    EXPECT_EQ(admin_view->model().user_at(0)->username, "ada.admin");

    // To the Users tab from the keyboard (its mnemonic), then Ctrl+N to the new-user form.
    w->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(w.get()));
    QTest::keyClick(w.get(), Qt::Key_U, Qt::AltModifier);
    ASSERT_TRUE(admin_view->isVisible());
    QTest::keyClick(w.get(), Qt::Key_N, Qt::ControlModifier);
    EXPECT_EQ(QApplication::focusWidget(), find<QLineEdit>(admin_view, "newUsernameField"));
    type(admin_view, "newUsernameField", "bob.builder");
    type(admin_view, "newDisplayNameField", "Bob Builder");
    type(admin_view, "newDepartmentField", "Ward 3");
    click(admin_view, "createUserButton");
    auto* otp = find<QLineEdit>(admin_view, "oneTimePasswordField");
    ASSERT_TRUE(qt_wait_for([&] { return !otp->text().isEmpty(); }))
        << admin_view->status().toStdString();
    EXPECT_TRUE(find<QWidget>(admin_view, "oneTimePasswordPanel")->isVisible());
    EXPECT_TRUE(admin_view->status().contains("bob.builder"));
    snapshot(w.get(), "users-view");
    ASSERT_TRUE(qt_wait_for([&] { return admin_view->model().rowCount() == 2; }))
        << "the list shows the new user";
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE username = 'bob.builder' AND "
                    "department = 'Ward 3' AND must_change_password"),
              1);
    // The password shown is the one the server set: Bob's first login asks for a new one.
    TestUser bob;
    bob.org = "General";
    bob.username = "bob.builder";
    new_device_key(bob);
    auto ws = connect();
    const auto r = ws->request("auth.login", login_body(*ws, bob, otp->text().toStdString()));
    EXPECT_EQ(r["body"].value("next", ""), "change_password") << r.dump();

    // Creating the same username again is refused in words.
    type(admin_view, "newUsernameField", "bob.builder");
    type(admin_view, "newDisplayNameField", "Another Bob");
    const QString before = admin_view->status();
    click(admin_view, "createUserButton");
    ASSERT_TRUE(qt_wait_for([&] { return admin_view->status() != before; }));
    EXPECT_FALSE(admin_view->status().contains("created")) << admin_view->status().toStdString();
}

TEST_F(ClientAppUi, AnAdministratorSuspendsReactivatesResetsAndUnlocksAUser) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* view = w->shell()->user_admin();
    ASSERT_NE(view, nullptr);
    w->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(w.get()));
    QTest::keyClick(w.get(), Qt::Key_U, Qt::AltModifier);
    // Search for the nurse from the keyboard (Ctrl+F, type, Return).
    QTest::keyClick(w.get(), Qt::Key_F, Qt::ControlModifier);
    auto* search = find<QLineEdit>(view, "userSearchField");
    ASSERT_EQ(QApplication::focusWidget(), search);
    QTest::keyClicks(search, "nina");
    QTest::keyClick(search, Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] {
        return view->model().rowCount() == 1 && view->model().user_at(0)->username == "nina.nurse";
    }));
    auto* table = find<QTableView>(view, "userTable");
    const auto select_nurse = [&] {
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(view->model().index(0, 0)).center());
    };
    select_nurse();
    // Clicks an action button and waits for the view to report the result.
    const auto act = [&](const char* button) {
        const QString before = view->status();
        click(view, button);
        return qt_wait_for([&] { return view->status() != before; });
    };
    const auto user_status = [&] {
        return count(
            "SELECT CASE status WHEN 'active' THEN 1 WHEN 'suspended' THEN 2 ELSE 3 END "
            "FROM users WHERE id = '" +
            nurse.id + "'");
    };

    EXPECT_FALSE(find<QPushButton>(view, "reactivateButton")->isEnabled());
    EXPECT_FALSE(find<QPushButton>(view, "unlockButton")->isEnabled()) << "she is not locked";
    ASSERT_TRUE(act("suspendButton"));
    EXPECT_TRUE(view->status().contains("suspended")) << view->status().toStdString();
    EXPECT_EQ(user_status(), 2);
    ASSERT_TRUE(qt_wait_for([&] { return view->model().user_at(0)->status == "suspended"; }));
    select_nurse();
    ASSERT_TRUE(act("reactivateButton"));
    EXPECT_EQ(user_status(), 1);

    ASSERT_TRUE(qt_wait_for([&] { return view->model().user_at(0)->status == "active"; }));
    select_nurse();
    click(view, "resetPasswordButton");
    auto* otp = find<QLineEdit>(view, "oneTimePasswordField");
    ASSERT_TRUE(qt_wait_for([&] { return !otp->text().isEmpty(); }))
        << view->status().toStdString();
    EXPECT_EQ(
        count("SELECT count(*) FROM users WHERE id = '" + nurse.id + "' AND must_change_password"),
        1);
    click(view, "oneTimePasswordDoneButton");
    EXPECT_TRUE(otp->text().isEmpty());
    EXPECT_FALSE(find<QWidget>(view, "oneTimePasswordPanel")->isVisible());

    // Locked by wrong passwords (behind the window's back), then unlocked from the view.
    owner().exec("UPDATE users SET locked = true WHERE id = '" + nurse.id + "'");
    QTest::keyClick(search, Qt::Key_Return);
    ASSERT_TRUE(
        qt_wait_for([&] { return view->model().user_at(0) && view->model().user_at(0)->locked; }));
    select_nurse();
    ASSERT_TRUE(act("unlockButton"));
    EXPECT_TRUE(view->status().contains("unlocked")) << view->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE id = '" + nurse.id + "' AND NOT locked"), 1);
}

TEST_F(ClientAppUi, TheFirstSignInChangesThePasswordAndEnrollsWithAQrCode) {
    start();
    create_org("General");
    const std::string otp = create_user("General", "nina.nurse", "nurse");
    auto w = open_window();
    auto* s = w->sign_in_widget();
    enter_credentials(*w, "General", "nina.nurse", otp);
    ASSERT_TRUE(reaches(*w, Page::change_password)) << s->message().toStdString();

    type(s, "newPasswordField", "a long and quiet night shift");
    type(s, "confirmPasswordField", "a long and quiet night shiff");
    click(s, "changePasswordButton");
    EXPECT_TRUE(s->message().startsWith("The two new passwords are not the same"));
    type(s, "newPasswordField", "12345678");
    type(s, "confirmPasswordField", "12345678");
    click(s, "changePasswordButton");
    ASSERT_TRUE(qt_wait_for([&] { return !s->message().isEmpty(); }));
    EXPECT_FALSE(s->message().contains("12345678")) << "the server's words, never the password";
    EXPECT_EQ(s->page(), Page::change_password);

    type(s, "newPasswordField", "a long and quiet night shift");
    type(s, "confirmPasswordField", "a long and quiet night shift");
    click(s, "changePasswordButton");
    auto* secret = find<QLineEdit>(s, "secretField");
    ASSERT_TRUE(qt_wait_for([&] { return !secret->text().isEmpty(); }))
        << s->message().toStdString();
    EXPECT_EQ(s->page(), Page::enrollment);
    snapshot(w.get(), "mfa-enrollment");
    const QPixmap qr = find<QLabel>(s, "qrLabel")->pixmap();
    ASSERT_FALSE(qr.isNull()) << "the QR code of the otpauth URI is shown";
    EXPECT_GE(qr.width(), 21 * 6);
    const QImage image = qr.toImage();
    int dark = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) dark += qGray(image.pixel(x, y)) < 128 ? 1 : 0;
    EXPECT_GT(dark, image.width() * image.height() / 10) << "the image holds a code, not blank";

    type(s, "enrollCodeField", "000000");
    click(s, "confirmCodeButton");
    ASSERT_TRUE(shows_message(*w));
    EXPECT_TRUE(s->message().startsWith("That code is not right")) << s->message().toStdString();
    type(s, "enrollCodeField",
         QString::fromStdString(totp_now(base32_secret(secret->text().toStdString()))));
    click(s, "confirmCodeButton");
    ASSERT_TRUE(reaches(*w, Page::recovery_codes)) << s->message().toStdString();
    const QString codes = find<QPlainTextEdit>(s, "recoveryCodesText")->toPlainText();
    EXPECT_EQ(codes.split('\n', Qt::SkipEmptyParts).size(), 10);
    EXPECT_EQ(w->shell(), nullptr) << "the codes are shown before anything else";
    click(s, "recoveryDoneButton");
    ASSERT_TRUE(signed_in(*w));
    EXPECT_TRUE(find<QPlainTextEdit>(s, "recoveryCodesText")->toPlainText().isEmpty());
    EXPECT_TRUE(secret->text().isEmpty());
    snapshot(w.get(), "signed-in-nurse");
}

TEST_F(ClientAppUi, AWrongPasswordShowsTheMessageAndStaysOnTheSignIn) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    enter_credentials(*w, "General", "nina.nurse", "not her password");
    ASSERT_TRUE(shows_message(*w));
    EXPECT_EQ(w->sign_in_widget()->message(),
              client::Session::message_for("unauthenticated", client::Session::Step::password, {}));
    EXPECT_EQ(w->sign_in_widget()->page(), Page::credentials);
    EXPECT_TRUE(find<QPushButton>(w->sign_in_widget(), "signInButton")->isEnabled());
    EXPECT_EQ(w->shell(), nullptr);
    // An address that is not wss is refused before anything is sent.
    type(w->sign_in_widget(), "serverField", "http://localhost");
    type(w->sign_in_widget(), "passwordField", "x");
    click(w->sign_in_widget(), "signInButton");
    EXPECT_TRUE(w->sign_in_widget()->message().startsWith("That server address is not usable"));
}

TEST_F(ClientAppUi, AnIdleWindowLocksClearsItsContentAndUnlocksWithThePassword) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window(std::chrono::milliseconds(1500));
    sign_in_with_recovery(*w, nurse, 0);
    ASSERT_NE(w->shell()->chat(), nullptr);
    const QString session_id = w->session()->info()->session_id;

    ASSERT_TRUE(qt_wait_for([&] { return w->is_locked(); }, std::chrono::seconds(10)));
    EXPECT_EQ(w->shell(), nullptr);
    EXPECT_TRUE(w->findChildren<app::MainShell*>().isEmpty()) << "the shell is gone, not hidden";
    EXPECT_TRUE(w->findChildren<QListView*>().isEmpty());
    auto* s = w->sign_in_widget();
    EXPECT_TRUE(s->isVisible());
    EXPECT_TRUE(s->locked());
    EXPECT_TRUE(find<QLineEdit>(s, "usernameField")->isReadOnly());
    EXPECT_EQ(find<QLineEdit>(s, "usernameField")->text(), "nina.nurse");
    EXPECT_TRUE(find<QLineEdit>(s, "passwordField")->text().isEmpty());
    snapshot(w.get(), "lock-screen");
    ASSERT_TRUE(qt_wait_for([&] {
        return count("SELECT count(*) FROM sessions WHERE id = '" + session_id.toStdString() +
                     "' AND ended_at IS NOT NULL") == 1;
    })) << "locking ends the session on the server too";

    // A wrong password does not unlock.
    type(s, "passwordField", "not her password");
    click(s, "signInButton");
    ASSERT_TRUE(qt_wait_for([&] { return s->message().startsWith("The organization"); }));
    EXPECT_TRUE(w->is_locked());
    // The password, then the code the organization requires.
    type(s, "passwordField", QString::fromStdString(nurse.password));
    click(s, "signInButton");
    ASSERT_TRUE(reaches(*w, Page::code)) << s->message().toStdString();
    type(s, "codeField", QString::fromStdString(nurse.recovery_codes.at(1)));
    find<QCheckBox>(s, "recoveryCheck")->setChecked(true);
    click(s, "verifyButton");
    ASSERT_TRUE(signed_in(*w)) << s->message().toStdString();
    EXPECT_FALSE(w->is_locked());
    EXPECT_FALSE(s->locked());
    EXPECT_NE(w->session()->info()->session_id, session_id);

    // Locked again (Ctrl+L), someone else takes the workstation: an empty username to fill.
    w->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(w.get()));
    QTest::keyClick(w.get(), Qt::Key_L, Qt::ControlModifier);
    ASSERT_TRUE(w->is_locked());
    click(s, "leaveLockButton");
    EXPECT_FALSE(w->is_locked());
    EXPECT_FALSE(s->locked());
    EXPECT_FALSE(find<QLineEdit>(s, "usernameField")->isReadOnly());
    EXPECT_TRUE(find<QLineEdit>(s, "usernameField")->text().isEmpty());
    EXPECT_FALSE(find<QPushButton>(s, "leaveLockButton")->isVisible());
    sign_in_with_recovery(*w, nurse, 2);
    EXPECT_FALSE(w->is_locked());

    // Input keeps the window unlocked: keys every 300 ms for 2.5 s, longer than the timeout.
    for (int i = 0; i < 8; ++i) {
        QTest::keyClick(w->shell(), Qt::Key_Shift);
        qt_wait_for([] { return false; }, std::chrono::milliseconds(300));
        ASSERT_FALSE(w->is_locked()) << "locked despite input, after " << i;
    }
}

TEST_F(ClientAppUi, ANurseSeesNoAdminViewAndTheServerRefusesUsersListAnyway) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse, 0);
    EXPECT_EQ(w->shell()->user_admin(), nullptr);
    EXPECT_TRUE(w->findChildren<app::UserAdminView*>().isEmpty());
    EXPECT_TRUE(w->findChildren<QTableView*>().isEmpty());
    std::optional<client::ServerResponse> reply;
    w->connection()->request("users.list", {}, [&](const client::ServerResponse& r) { reply = r; });
    ASSERT_TRUE(qt_wait_for([&] { return reply.has_value(); }));
    EXPECT_FALSE(reply->ok);
    EXPECT_EQ(reply->error_code, "forbidden");
    EXPECT_EQ(w->shell()->audit_view(), nullptr);
    EXPECT_EQ(w->shell()->org_policy(), nullptr);
    for (const char* type : {"audit.query", "audit.verify", "org.get_policy"}) {
        std::optional<client::ServerResponse> refused;
        w->connection()->request(QString::fromLatin1(type), {},
                                 [&](const client::ServerResponse& r) { refused = r; });
        ASSERT_TRUE(qt_wait_for([&] { return refused.has_value(); }));
        EXPECT_EQ(refused->error_code, "forbidden") << type;
    }
}

TEST_F(ClientAppUi, AComplianceOfficerFiltersPagesAndVerifiesTheAuditTrail) {
    start({{"audit.checkpoint_every_records", "5"}});
    create_org("General");
    TestUser officer = enroll("General", "olga.compliance", "compliance_officer");
    enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, officer, 0);
    EXPECT_EQ(w->shell()->org_policy(), nullptr) << "no organization settings without org.settings";
    auto* audit = w->shell()->audit_view();
    ASSERT_NE(audit, nullptr);
    find<QTabWidget>(w->shell(), "mainTabs")->setCurrentWidget(audit);
    ASSERT_TRUE(qt_wait_for([&] { return audit->model().rowCount() > 0; }))
        << audit->status().toStdString();

    // Three logins so far (two enrollments and this sign-in): pages of two.
    audit->model().set_page_size(2);
    find<QComboBox>(audit, "auditActionField")->setEditText(QStringLiteral("auth.login"));
    click(audit, "auditSearchButton");
    ASSERT_TRUE(qt_wait_for([&] { return !audit->model().busy() && audit->model().rowCount() == 2; }))
        << audit->status().toStdString();
    EXPECT_TRUE(audit->model().has_older());
    auto* older = find<QPushButton>(audit, "auditOlderButton");
    ASSERT_TRUE(older->isEnabled());
    click(audit, "auditOlderButton");
    ASSERT_TRUE(qt_wait_for([&] { return audit->model().rowCount() == 3; }));
    ASSERT_TRUE(qt_wait_for([&] { return !audit->model().busy(); }));
    EXPECT_FALSE(audit->model().has_older());
    EXPECT_FALSE(older->isEnabled());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(audit->model().row_at(i)->action, "auth.login");
        if (i > 0) {
            EXPECT_LT(audit->model().row_at(i)->seq, audit->model().row_at(i - 1)->seq);
        }
    }
    auto* table = find<QTableView>(audit, "auditTable");
    table->selectRow(0);
    EXPECT_TRUE(find<QPlainTextEdit>(audit, "auditDetails")->toPlainText().contains("auth.login"));
    // Only failures: none of the logins failed.
    find<QComboBox>(audit, "auditOutcomeField")->setCurrentIndex(2);
    click(audit, "auditSearchButton");
    ASSERT_TRUE(qt_wait_for([&] { return !audit->model().busy(); }));
    EXPECT_EQ(audit->model().rowCount(), 0);
    EXPECT_FALSE(audit->status().isEmpty());

    // The chain check, intact and then after someone changed a record behind the server.
    const auto verdict = [&] {
        click(audit, "verifyChainButton");
        EXPECT_TRUE(qt_wait_for([&] {
            return find<QPushButton>(audit, "verifyChainButton")->isEnabled() &&
                   !audit->chain_result().isEmpty();
        }));
        return audit->chain_result();
    };
    EXPECT_TRUE(verdict().startsWith("Intact")) << audit->chain_result().toStdString();
    snapshot(w.get(), "audit-view");
    {
        auto c = owner();
        c.exec("ALTER TABLE audit_records DISABLE TRIGGER USER");
        c.exec("UPDATE audit_records SET details = '{}' WHERE seq = 3");
        c.exec("ALTER TABLE audit_records ENABLE TRIGGER USER");
    }
    const QString broken = verdict();
    EXPECT_TRUE(broken.startsWith("BROKEN")) << broken.toStdString();
    EXPECT_TRUE(broken.contains("record 3")) << broken.toStdString();
}

TEST_F(ClientAppUi, AnAdministratorChangesTheOrganizationsPolicy) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* policy = w->shell()->org_policy();
    ASSERT_NE(policy, nullptr);
    find<QTabWidget>(w->shell(), "mainTabs")->setCurrentWidget(policy);
    ASSERT_TRUE(qt_wait_for([&] { return policy->loaded(); })) << policy->status().toStdString();
    auto* idle = find<QSpinBox>(policy, "idleTimeoutField");
    EXPECT_EQ(idle->value(), 15) << "the default idle timeout";
    idle->setValue(7);
    find<QSpinBox>(policy, "lockoutThresholdField")->setValue(5);
    click(policy, "savePolicyButton");
    ASSERT_TRUE(qt_wait_for([&] { return policy->status().startsWith("Saved"); }))
        << policy->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM organization_policies p JOIN organizations o ON "
                    "o.id = p.org_id WHERE o.name = 'General' AND "
                    "p.session_idle_timeout_seconds = 420 AND p.lockout_threshold = 5"),
              1);
    EXPECT_EQ(audit_count("org.policy_change", "success"), 1);
    // An edit that is not saved is dropped by Discard.
    idle->setValue(29);
    click(policy, "reloadPolicyButton");
    ASSERT_TRUE(qt_wait_for([&] { return policy->loaded() && idle->value() == 7; }));
    // The spin box keeps the value inside the server's limits.
    idle->setValue(90);
    EXPECT_EQ(idle->value(), 30);
}

TEST_F(ClientAppUi, AnAdministratorEditsAUsersProfileRolesSessionsAndDevices) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto nurse_ws = logged_in(nurse);  // a live session on her device
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* users = w->shell()->user_admin();
    ASSERT_NE(users, nullptr);
    find<QTabWidget>(w->shell(), "mainTabs")->setCurrentWidget(users);
    ASSERT_TRUE(qt_wait_for([&] { return users->model().rowCount() == 2; }));
    int row = 0;
    while (users->model().user_at(row)->username != "nina.nurse") ++row;
    find<QTableView>(users, "userTable")->selectRow(row);
    auto& detail = users->detail();
    ASSERT_TRUE(qt_wait_for([&] { return detail.lists_loaded(); }));
    ASSERT_EQ(detail.devices()->rowCount(), 1);
    EXPECT_EQ(detail.devices()->item(0, 4)->text(), "Active");
    EXPECT_EQ(detail.devices()->item(0, 5)->text(), "127.0.0.1") << "the last address";
    ASSERT_GE(detail.sessions()->rowCount(), 1);
    const auto live_before = count("SELECT count(*) FROM sessions WHERE user_id = '" + nurse.id +
                                   "' AND ended_at IS NULL");
    ASSERT_EQ(detail.sessions()->rowCount(), live_before);

    // Profile.
    type(&detail, "editDepartmentField", "Cardiology");
    click(&detail, "saveProfileButton");
    ASSERT_TRUE(qt_wait_for([&] { return detail.status().contains("saved"); }))
        << detail.status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE id = '" + nurse.id +
                    "' AND department = 'Cardiology'"),
              1);
    EXPECT_EQ(users->model().user_at(row)->department, "Cardiology") << "the list follows";

    // Roles: no role at all is refused here, nurse and physician is saved.
    find<QCheckBox>(&detail, "roleCheck_nurse")->setChecked(false);
    click(&detail, "saveRolesButton");
    EXPECT_TRUE(detail.status().contains("at least one role")) << detail.status().toStdString();
    find<QCheckBox>(&detail, "roleCheck_nurse")->setChecked(true);
    find<QCheckBox>(&detail, "roleCheck_physician")->setChecked(true);
    click(&detail, "saveRolesButton");
    ASSERT_TRUE(qt_wait_for([&] { return detail.status().contains("roles are now"); }))
        << detail.status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE "
                    "ur.user_id = '" + nurse.id + "' AND r.name IN ('nurse', 'physician')"),
              2);

    // End one session, then revoke the device.
    detail.sessions()->selectRow(0);
    click(&detail, "endSessionButton");
    ASSERT_TRUE(qt_wait_for([&] { return detail.status().contains("ended") && detail.lists_loaded(); }))
        << detail.status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE user_id = '" + nurse.id +
                    "' AND ended_at IS NULL"),
              live_before - 1);
    EXPECT_EQ(detail.sessions()->rowCount(), live_before - 1);
    detail.devices()->selectRow(0);
    click(&detail, "revokeDeviceButton");
    ASSERT_TRUE(qt_wait_for([&] {
        return detail.status().contains("revoked") && detail.lists_loaded() &&
               detail.devices()->rowCount() == 1 &&
               detail.devices()->item(0, 4)->text() == "Revoked";
    })) << detail.status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE id = '" + nurse.device_id +
                    "' AND revoked_at IS NOT NULL"),
              1);
    EXPECT_GE(audit_count("device.revoke", "success"), 1);
}

TEST_F(ClientAppUi, AComplianceOfficerSeesUsersButCannotChangeThem) {
    start();
    create_org("General");
    TestUser officer = enroll("General", "olga.compliance", "compliance_officer");
    auto w = open_window();
    sign_in_with_recovery(*w, officer, 0);
    auto* users = w->shell()->user_admin();
    ASSERT_NE(users, nullptr) << "users.read shows the list";
    ASSERT_TRUE(qt_wait_for([&] { return users->model().rowCount() == 1; }));
    find<QTableView>(users, "userTable")->selectRow(0);
    auto& detail = users->detail();
    ASSERT_TRUE(qt_wait_for([&] { return detail.lists_loaded(); }));
    // The enrollment's device and this window's.
    EXPECT_EQ(detail.devices()->rowCount(), 2) << "devices are visible with users.read";
    EXPECT_TRUE(find<QLineEdit>(&detail, "editDepartmentField")->isReadOnly());
    EXPECT_FALSE(find<QCheckBox>(&detail, "roleCheck_nurse")->isEnabled());
    for (const char* hidden :
         {"saveProfileButton", "saveRolesButton", "revokeDeviceButton", "endSessionButton"})
        EXPECT_FALSE(find<QPushButton>(&detail, hidden)->isVisible()) << hidden;
    // The server refuses the changes anyway.
    const QString me = QString::fromStdString(officer.id);
    const std::pair<const char*, QJsonObject> attempts[] = {
        {"users.update", {{"user_id", me}, {"department", "Elsewhere"}}},
        {"users.set_roles", {{"user_id", me}, {"roles", QJsonArray{"admin"}}}},
        {"devices.revoke", {{"device_id", QString::fromStdString(officer.device_id)}}}};
    for (const auto& [type, body] : attempts) {
        std::optional<client::ServerResponse> refused;
        w->connection()->request(QString::fromLatin1(type), body,
                                 [&](const client::ServerResponse& r) { refused = r; });
        ASSERT_TRUE(qt_wait_for([&] { return refused.has_value(); }));
        EXPECT_EQ(refused->error_code, "forbidden") << type;
    }
}

TEST_F(ClientAppUi, AnAdministratorManagesTheMessageTemplates) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* view = w->shell()->template_admin();
    ASSERT_NE(view, nullptr);
    find<QTabWidget>(w->shell(), "mainTabs")->setCurrentWidget(view);
    ASSERT_TRUE(qt_wait_for([&] { return view->loaded(); })) << view->status().toStdString();
    EXPECT_TRUE(view->templates().empty());
    const auto create = [&](const QString& title, const QString& body) {
        click(view, "newTemplateButton");
        type(view, "templateTitleField", title);
        find<QPlainTextEdit>(view, "templateBodyField")->setPlainText(body);
        const QString before = view->status();
        click(view, "saveTemplateButton");
        EXPECT_TRUE(qt_wait_for([&] { return view->status() != before; }));
    };
    create("Sepsis screen", "Please screen bed %s for sepsis:\nlactate, cultures, fluids.");
    create("Arrival", "Patient has arrived on the ward.");
    ASSERT_EQ(view->templates().size(), 2u);
    EXPECT_EQ(view->templates()[0].title, "Arrival") << "by title";
    EXPECT_EQ(count("SELECT count(*) FROM message_templates"), 2);
    EXPECT_EQ(audit_count("template.create", "success"), 2);

    // Edit the second one's text.
    view->select(1);
    EXPECT_EQ(find<QLineEdit>(view, "templateTitleField")->text(), "Sepsis screen");
    find<QPlainTextEdit>(view, "templateBodyField")->setPlainText("Screen for sepsis now.");
    click(view, "saveTemplateButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->templates()[1].body == "Screen for sepsis now."; }));
    EXPECT_EQ(count("SELECT count(*) FROM message_templates"), 2) << "changed, not added";

    // Refusals: an empty text here, a control character by the server, both in words.
    click(view, "newTemplateButton");
    type(view, "templateTitleField", "Empty");
    click(view, "saveTemplateButton");
    EXPECT_TRUE(view->status().contains("needs a title and a text")) << view->status().toStdString();
    find<QLineEdit>(view, "templateTitleField")->setText(QStringLiteral("Bell\x07"));
    find<QPlainTextEdit>(view, "templateBodyField")->setPlainText("Ring");
    const QString before = view->status();
    click(view, "saveTemplateButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->status() != before; }));
    EXPECT_FALSE(view->status().contains("saved")) << view->status().toStdString();
    EXPECT_EQ(view->templates().size(), 2u);

    // Delete the first.
    view->select(0);
    click(view, "deleteTemplateButton");
    ASSERT_TRUE(qt_wait_for([&] { return view->templates().size() == 1u; }));
    EXPECT_EQ(view->templates()[0].title, "Sepsis screen");
    EXPECT_EQ(count("SELECT count(*) FROM message_templates"), 1);
}

TEST_F(ClientAppUi, EveryControlThatTakesFocusHasAnAccessibleName) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    expect_named(w.get(), "sign-in");
    sign_in_with_recovery(*w, admin, 0);
    ASSERT_NE(w->shell()->user_admin(), nullptr);
    // The directory, on-call and schedule tabs are part of the window checked.
    ASSERT_NE(w->shell()->directory(), nullptr);
    ASSERT_NE(w->shell()->on_call(), nullptr);
    ASSERT_NE(w->shell()->shift_admin(), nullptr);
    expect_named(w.get(), "signed in as an administrator");
}

TEST_F(ClientAppUi, ARestartSignsInOnTheSameDeviceWithTheEngineAndStoreThatTheLockCloses) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    const long long enrolled = devices_of(nurse);  // the test's own enrollment device
    QString device_id;
    {
        auto w = open_window();
        sign_in_with_recovery(*w, nurse, 0);
        device_id = w->device().device_id;
        ASSERT_FALSE(device_id.isEmpty());
        ASSERT_NE(w->account_storage(), nullptr);
        ASSERT_NE(w->engine(), nullptr);
        EXPECT_EQ(w->account_storage()->store().account().device_id, device_id);
        ASSERT_TRUE(qt_wait_for([&] { return w->engine()->started(); }));
        EXPECT_EQ(devices_of(nurse), enrolled + 1);
        // Locked: nothing of the account stays open behind the lock screen.
        w->lock();
        EXPECT_EQ(w->engine(), nullptr);
        EXPECT_EQ(w->account_storage(), nullptr);
        EXPECT_EQ(w->keep_alive(), nullptr);
    }
    // The application starts again: the same device signs in, no new one is registered.
    auto w = open_window();
    EXPECT_TRUE(w->device().device_id.isEmpty()) << "known only once the sign-in is typed";
    sign_in_with_recovery(*w, nurse, 1);
    EXPECT_EQ(w->device().device_id, device_id);
    EXPECT_EQ(w->session()->info()->device_id, device_id);
    EXPECT_EQ(devices_of(nurse), enrolled + 1) << "a restart registered a new device";
    ASSERT_NE(w->engine(), nullptr);
    EXPECT_TRUE(qt_wait_for([&] { return w->engine()->started(); }));
    // Signing out closes the account too.
    click(w->shell(), "signOutButton");
    EXPECT_EQ(w->engine(), nullptr);
    EXPECT_EQ(w->account_storage(), nullptr);
}

TEST_F(ClientAppUi, ARevokedDeviceIsErasedAtSignInAndTheNextSignInRegistersANewOne) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    QString old_device;
    {
        auto w = open_window();
        sign_in_with_recovery(*w, nurse, 0);
        old_device = w->device().device_id;
        click(w->shell(), "signOutButton");
    }
    const QDir data(data_.path());
    const QStringList kept{QStringLiteral("device-*"), QStringLiteral("key-*"),
                           QStringLiteral("account-*")};
    ASSERT_GE(data.entryList(kept, QDir::Files).size(), 3) << "device file, key file and store";
    owner().exec("UPDATE devices SET revoked_at = now() WHERE id = '" + old_device.toStdString() +
                 "'");
    const long long before = devices_of(nurse);

    auto w = open_window();
    enter_credentials(*w, nurse.org, nurse.username, nurse.password);
    ASSERT_TRUE(shows_message(*w));
    EXPECT_EQ(w->sign_in_widget()->message(),
              client::Session::message_for("device_revoked", client::Session::Step::password, {}));
    EXPECT_EQ(w->sign_in_widget()->page(), Page::credentials);
    EXPECT_TRUE(find<QPushButton>(w->sign_in_widget(), "signInButton")->isEnabled());
    EXPECT_TRUE(data.entryList(kept, QDir::Files).isEmpty())
        << data.entryList(kept, QDir::Files).join(',').toStdString();
    EXPECT_TRUE(w->device().secret_key.isEmpty());

    sign_in_with_recovery(*w, nurse, 1);
    EXPECT_NE(w->device().device_id, old_device);
    EXPECT_EQ(devices_of(nurse), before + 1) << "registered as a new device";
}

TEST_F(ClientAppUi, AnActiveUserStaysSignedInPastTheServersIdleTimeoutAndAnIdleOneDoesNot) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    owner().exec("UPDATE organization_policies SET session_idle_timeout_seconds = 5");
    auto w = open_window();  // locks after the session's idle timeout: 5 s
    sign_in_with_recovery(*w, nurse, 0);
    ASSERT_EQ(w->session()->info()->idle_timeout_seconds, 5);
    // She reads for 7 s: input every 300 ms, no request of her own.
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < std::chrono::seconds(7)) {
        ASSERT_NE(w->shell(), nullptr) << "signed out while active";
        QTest::keyClick(w->shell(), Qt::Key_Shift);
        qt_wait_for([] { return false; }, std::chrono::milliseconds(300));
    }
    ASSERT_NE(w->shell(), nullptr);
    EXPECT_EQ(w->session()->step(), client::Session::Step::signed_in);
    ASSERT_NE(w->keep_alive(), nullptr);
    EXPECT_GE(w->keep_alive()->pings_sent(), 2);
    // Then nothing: the window and the server's session end within the timeout.
    ASSERT_TRUE(qt_wait_for([&] { return w->shell() == nullptr; }, std::chrono::seconds(8)));
    EXPECT_EQ(w->engine(), nullptr);
    EXPECT_EQ(w->account_storage(), nullptr);
}

using namespace std::chrono_literals;
using client::ConversationListModel;
using client::MessageListModel;

/// The last message of the conversation open in `chat`, for `role`.
QVariant last_message(app::ChatView* chat, int role) {
    auto* m = chat->messages();
    return m && m->rowCount() > 0 ? m->index(m->rowCount() - 1).data(role) : QVariant();
}

TEST_F(ClientAppUi, AMessageTypedAndSentWithEnterAppearsInTheOtherClientsChat) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    {
        auto ws = logged_in(admin);
        const auto r = ws->request("templates.create",
                                   {{"title", "Lab recheck"}, {"body", "Please repeat the labs"}});
        ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    }
    auto wa = open_window();
    sign_in_with_recovery(*wa, alice, 0);
    auto wb = open_window();
    sign_in_with_recovery(*wb, bob, 0);
    auto* chat_a = wa->shell()->chat();
    auto* chat_b = wb->shell()->chat();
    ASSERT_TRUE(chat_a && chat_b);
    // Bob's device has KeyPackages on the server before Alice adds it to a group.
    auto& engine_b = wb->shell()->engine();
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return engine_b.started() && engine_b.key_package_stock().checks() > 0 &&
                   !engine_b.key_package_stock().busy();
        },
        20s));
    EXPECT_EQ(wa->windowTitle(), "Wardline");

    // Alice starts a direct conversation with Bob, found through the directory.
    click(chat_a, "newConversationButton");
    auto* dialog = chat_a->findChild<app::NewConversationDialog*>();
    ASSERT_NE(dialog, nullptr);
    for (QWidget* c : dialog->findChildren<QWidget*>()) {
        if (c->focusPolicy() == Qt::NoFocus) continue;
        EXPECT_FALSE(c->accessibleName().isEmpty())
            << c->metaObject()->className() << " " << c->objectName().toStdString();
    }
    type(dialog, "colleagueSearchField", "bob");
    click(dialog, "colleagueSearchButton");
    auto* found = find<QListWidget>(dialog, "colleagueList");
    ASSERT_TRUE(qt_wait_for([&] { return found->count() == 1; }));
    EXPECT_TRUE(found->item(0)->text().contains("Test bob.nurse"));
    click(dialog, "startConversationButton");
    ASSERT_TRUE(qt_wait_for([&] { return !chat_a->open_conversation_id().isEmpty(); }, 20s));
    const QString conv = chat_a->open_conversation_id();
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->conversations().row_of(conv) >= 0; }, 20s))
        << "bob's chat never listed the conversation";
    expect_named(wa.get(), "chat open");

    // A template fills the composer; Alice edits nothing and presses Enter.
    auto* editor = find<QPlainTextEdit>(chat_a, "composerField");
    auto* templates = find<QComboBox>(chat_a, "templatePicker");
    ASSERT_TRUE(qt_wait_for([&] { return templates->count() == 2; }));
    templates->setCurrentIndex(1);
    emit templates->activated(1);
    EXPECT_EQ(editor->toPlainText(), "Please repeat the labs");
    editor->clear();
    editor->setFocus();
    QTest::keyClicks(editor, "Bed 4 needs a potassium recheck");
    QTest::keyClick(editor, Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] { return chat_a->messages()->rowCount() == 1; }, 20s));
    EXPECT_TRUE(editor->toPlainText().isEmpty()) << "the composer is cleared after sending";
    EXPECT_EQ(last_message(chat_a, MessageListModel::BodyRole).toString(),
              "Bed 4 needs a potassium recheck");

    // Bob sees it unread in his list, opens the conversation, reads it; Alice sees it read.
    auto& list_b = chat_b->conversations();
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return list_b.index(list_b.row_of(conv)).data(ConversationListModel::UnreadRole) == 1;
        },
        20s))
        << "bob's chat shows " << (chat_b->messages() ? chat_b->messages()->rowCount() : -1)
        << " messages of " << chat_b->open_conversation_id().toStdString();
    auto* view_b = find<QListView>(chat_b, "conversationList");
    const QRect item = view_b->visualRect(list_b.index(list_b.row_of(conv)));
    QTest::mouseClick(view_b->viewport(), Qt::LeftButton, {}, item.center());
    ASSERT_EQ(chat_b->open_conversation_id(), conv);
    EXPECT_EQ(last_message(chat_b, MessageListModel::BodyRole).toString(),
              "Bed 4 needs a potassium recheck");
    EXPECT_EQ(last_message(chat_b, MessageListModel::SenderNameRole).toString(),
              "Test alice.physician");
    EXPECT_TRUE(qt_wait_for([&] {
        return list_b.index(list_b.row_of(conv)).data(ConversationListModel::UnreadRole) == 0;
    }));
    EXPECT_TRUE(qt_wait_for([&] {
        return last_message(chat_a, MessageListModel::ReadCountRole).toInt() == 1;
    })) << "alice never saw bob's read receipt";

    // A critical message: Bob's acknowledge button, then Alice sees it acknowledged.
    auto* ack = find<QPushButton>(chat_b, "acknowledgeButton");
    EXPECT_FALSE(ack->isEnabled());
    find<QComboBox>(chat_a, "priorityPicker")->setCurrentIndex(2);
    editor->setFocus();
    QTest::keyClicks(editor, "Code blue, bed 4");
    QTest::keyClick(editor, Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->messages()->rowCount() == 2; }, 20s));
    EXPECT_EQ(last_message(chat_b, MessageListModel::PriorityRole).toString(), "critical");
    ASSERT_TRUE(qt_wait_for([&] { return ack->isEnabled(); }));
    EXPECT_EQ(list_b.index(list_b.row_of(conv)).data(ConversationListModel::BadgeRole), 1);
    click(chat_b, "acknowledgeButton");
    EXPECT_TRUE(qt_wait_for([&] {
        return list_b.index(list_b.row_of(conv)).data(ConversationListModel::BadgeRole) == 0;
    }));
    EXPECT_FALSE(ack->isEnabled());
    EXPECT_TRUE(qt_wait_for([&] {
        return last_message(chat_a, MessageListModel::AcknowledgedRole).toBool();
    })) << "alice never saw the acknowledgement";
    EXPECT_EQ(wb->windowTitle(), "Wardline") << "no message text or title in the window title";
    snapshot(wa.get(), "chat-sender");
    snapshot(wb.get(), "chat-recipient");

    // Day separators: the first message of the day says so, the next one of the same day not.
    const auto* messages_a = chat_a->messages();
    EXPECT_TRUE(app::MessageDelegate::text_of(messages_a->index(0)).startsWith("— Today —"));
    EXPECT_FALSE(app::MessageDelegate::text_of(messages_a->index(1)).contains("— Today —"));

    // Recall: Bob cannot recall Alice's message (the button stays off on it); Alice recalls her
    // first message, and it loses its body on both sides.
    auto* list_view_b = find<QListView>(chat_b, "messageList");
    list_view_b->setCurrentIndex(list_view_b->model()->index(0, 0));
    EXPECT_FALSE(find<QPushButton>(chat_b, "recallButton")->isEnabled());
    auto* list_view_a = find<QListView>(chat_a, "messageList");
    list_view_a->setCurrentIndex(list_view_a->model()->index(0, 0));
    auto* recall = find<QPushButton>(chat_a, "recallButton");
    ASSERT_TRUE(recall->isEnabled());
    click(chat_a, "recallButton");
    EXPECT_TRUE(qt_wait_for([&] {
        return chat_b->messages()->index(0).data(MessageListModel::RecalledRole).toBool();
    })) << "bob's view still shows the recalled message";
    EXPECT_TRUE(chat_b->messages()->index(0).data(MessageListModel::BodyRole).toString().isEmpty());
    EXPECT_TRUE(qt_wait_for([&] {
        return chat_a->messages()->index(0).data(MessageListModel::RecalledRole).toBool() &&
               find<QLabel>(chat_a, "chatStatus")->text() == "Recalled.";
    })) << find<QLabel>(chat_a, "chatStatus")->text().toStdString();
    EXPECT_FALSE(recall->isEnabled()) << "a recalled message cannot be recalled again";
    EXPECT_EQ(chat_b->messages()->index(1).data(MessageListModel::BodyRole).toString(),
              "Code blue, bed 4")
        << "the other message is untouched";
}

}  // namespace
}  // namespace wardline::test
