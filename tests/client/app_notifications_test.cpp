// SPDX-License-Identifier: Apache-2.0
// Notification settings in the application against a real server on the offscreen platform
// (docs/client.md, "Notifications"): an administrator chooses in the organization view what
// notifications may show; any user opens their own quiet hours from the main window by keyboard
// (Alt+Q), every control named for screen readers, and saves them; the notifier follows the
// session's policy and the saved quiet hours.
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/notification_settings_dialog.hpp"
#include "client-qt/app/org_policy_view.hpp"
#include "client-qt/app/tray_notifier.hpp"
#include "tests/client/app_window_driver.hpp"

#include <QComboBox>
#include <QLabel>
#include <QTabWidget>
#include <QTimeEdit>

namespace wardline::test {
namespace {

class ClientAppNotifications : public AppWindowTest {};

TEST_F(ClientAppNotifications, AnAdministratorChoosesWhatNotificationsShow) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    ASSERT_NE(w->tray_notifier(), nullptr);
    EXPECT_EQ(w->tray_notifier()->policy().detail, client::NotificationDetail::kind)
        << "the organization default, from the session";
    auto* policy = w->shell()->org_policy();
    ASSERT_NE(policy, nullptr);
    find<QTabWidget>(w->shell(), "mainTabs")->setCurrentWidget(policy);
    ASSERT_TRUE(qt_wait_for([&] { return policy->loaded(); })) << policy->status().toStdString();
    auto* detail = find<QComboBox>(policy, "notificationDetailField");
    ASSERT_NE(detail, nullptr);
    EXPECT_FALSE(detail->accessibleName().isEmpty());
    EXPECT_EQ(detail->currentData().toString(), "kind");
    // No choice offers the message, the conversation's name or patient details.
    ASSERT_EQ(detail->count(), 3);
    for (int i = 0; i < detail->count(); ++i)
        for (const char* word : {"message text", "content", "patient", "title", "MRN"})
            EXPECT_FALSE(detail->itemText(i).contains(QLatin1String(word), Qt::CaseInsensitive))
                << detail->itemText(i).toStdString();
    detail->setCurrentIndex(detail->findData(QStringLiteral("minimal")));
    click(policy, "savePolicyButton");
    ASSERT_TRUE(qt_wait_for([&] { return policy->status().startsWith("Saved"); }))
        << policy->status().toStdString();
    EXPECT_EQ(
        count("SELECT count(*) FROM organization_policies p JOIN organizations o ON "
              "o.id = p.org_id WHERE o.name = 'General' AND p.notification_detail = 'minimal'"),
        1);
    // Discard shows what the server holds.
    detail->setCurrentIndex(detail->findData(QStringLiteral("sender")));
    click(policy, "reloadPolicyButton");
    ASSERT_TRUE(qt_wait_for(
        [&] { return policy->loaded() && detail->currentData().toString() == "minimal"; }));
}

TEST_F(ClientAppNotifications, AClinicianSetsOwnQuietHoursFromTheKeyboard) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse, 0);
    EXPECT_EQ(w->shell()->org_policy(), nullptr);
    ASSERT_NE(w->tray_notifier(), nullptr);
    EXPECT_FALSE(w->tray_notifier()->policy().quiet_hours.enabled);
    w->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(w.get()));
    QTest::keyClick(w.get(), Qt::Key_Q, Qt::AltModifier);
    ASSERT_TRUE(qt_wait_for([&] { return w->shell()->notification_settings() != nullptr; }));
    auto* dialog = w->shell()->notification_settings();
    ASSERT_TRUE(qt_wait_for([&] { return dialog->loaded(); })) << dialog->status().toStdString();
    EXPECT_TRUE(dialog->isVisible());
    expect_named(dialog, "notification settings", 6);
    EXPECT_TRUE(
        find<QLabel>(dialog, "notificationDetailLabel")->text().contains("kind of conversation"));
    EXPECT_FALSE(find<QCheckBox>(dialog, "quietHoursEnabledCheck")->isChecked());

    find<QCheckBox>(dialog, "quietHoursEnabledCheck")->setChecked(true);
    find<QTimeEdit>(dialog, "quietHoursStartField")->setTime(QTime(21, 30));
    find<QTimeEdit>(dialog, "quietHoursEndField")->setTime(QTime(6, 45));
    auto* zone = find<QComboBox>(dialog, "quietHoursZoneField");
    ASSERT_GE(zone->findText("Europe/Berlin"), 0);
    zone->setCurrentIndex(zone->findText("Europe/Berlin"));
    // The same start and end is no range: refused here, nothing sent.
    find<QTimeEdit>(dialog, "quietHoursEndField")->setTime(QTime(21, 30));
    click(dialog, "saveQuietHoursButton");
    EXPECT_TRUE(dialog->status().contains("must differ")) << dialog->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM user_quiet_hours"), 0);
    find<QTimeEdit>(dialog, "quietHoursEndField")->setTime(QTime(6, 45));
    click(dialog, "saveQuietHoursButton");
    ASSERT_TRUE(qt_wait_for([&] { return dialog->status().startsWith("Saved"); }))
        << dialog->status().toStdString();
    EXPECT_EQ(count("SELECT count(*) FROM user_quiet_hours WHERE user_id = '" + nurse.id +
                    "' AND enabled AND start_minute = 1290 AND end_minute = 405 AND "
                    "time_zone = 'Europe/Berlin'"),
              1);
    // The notifier follows at once, without a new sign-in.
    EXPECT_EQ(w->tray_notifier()->policy().quiet_hours,
              (client::QuietHours{true, 1290, 405, "Europe/Berlin"}));
    click(dialog, "closeNotificationSettingsButton");
    EXPECT_TRUE(qt_wait_for([&] {
        return !w->shell()->notification_settings() ||
               !w->shell()->notification_settings()->isVisible();
    }));
    // Opened again, it shows what the server holds.
    w->shell()->open_notification_settings();
    dialog = w->shell()->notification_settings();
    ASSERT_TRUE(qt_wait_for([&] { return dialog->loaded(); }));
    EXPECT_EQ(dialog->edited(), (client::QuietHours{true, 1290, 405, "Europe/Berlin"}));
}

}  // namespace
}  // namespace wardline::test
