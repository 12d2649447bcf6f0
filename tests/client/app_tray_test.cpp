// SPDX-License-Identifier: Apache-2.0
// Desktop notifications in the application (docs/client.md, "Notifications") with two windows
// against a real server on the offscreen platform, which has no system tray: the TrayNotifier
// still decides, and its notificationShown signal says what the tray would show. A message from
// someone else while the window is not active is announced with no PHI; the user's own
// messages and messages to the active window are not; messages that follow within the quiet
// period are gathered into one; clicking opens the conversation.
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/tray_notifier.hpp"
#include "tests/client/app_window_driver.hpp"

#include <QSystemTrayIcon>
#include <QTimeZone>

#include <vector>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;

struct Shown {
    QString conversation_id;
    client::NotificationText text;
};

class ClientAppTray : public AppWindowTest {};

TEST_F(ClientAppTray, MessagesFromOthersToAnInactiveWindowAreAnnouncedWithoutPhi) {
    start();
    create_org("General");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    auto wa = open_window();
    sign_in_with_recovery(*wa, alice, 0);
    auto wb = open_window();
    sign_in_with_recovery(*wb, bob, 0);
    ASSERT_TRUE(wa->tray_notifier() && wb->tray_notifier());
    // What notifications may show comes with the session: the organization default.
    EXPECT_EQ(wb->tray_notifier()->policy().detail, client::NotificationDetail::kind);
    EXPECT_EQ(wb->tray_notifier()->tray_available(), QSystemTrayIcon::isSystemTrayAvailable());
    std::vector<Shown> to_alice;
    std::vector<Shown> to_bob;
    QObject::connect(wa->tray_notifier(), &app::TrayNotifier::notificationShown,
                     [&](const QString& c, const client::NotificationText& t) {
                         to_alice.push_back({c, t});
                     });
    QObject::connect(wb->tray_notifier(), &app::TrayNotifier::notificationShown,
                     [&](const QString& c, const client::NotificationText& t) {
                         to_bob.push_back({c, t});
                     });
    std::vector<qint64> stored_by_bob;
    QObject::connect(&wb->shell()->recorder(), &client::MessageRecorder::messageAdded,
                     [&](const QString&, qint64 seq) { stored_by_bob.push_back(seq); });

    // Alice opens a direct conversation with Bob once his device has KeyPackages.
    auto& engine_b = wb->shell()->engine();
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return engine_b.started() && engine_b.key_package_stock().checks() > 0 &&
                   !engine_b.key_package_stock().busy();
        },
        20s));
    std::optional<client::OperationResult> started;
    wa->shell()->recorder().start_direct(QString::fromStdString(bob.id),
                                         [&](const client::OperationResult& r) { started = r; });
    ASSERT_TRUE(qt_wait_for([&] { return started.has_value(); }, 20s));
    ASSERT_TRUE(started->ok) << started->error_code.toStdString();
    const QString conv = started->conversation_id;
    auto send = [&](const char* text, const char* priority) {
        std::optional<client::OperationResult> sent;
        wa->shell()->recorder().send(conv, QString::fromUtf8(text), QString::fromLatin1(priority),
                                     [&](const client::OperationResult& r) { sent = r; });
        EXPECT_TRUE(qt_wait_for([&] { return sent.has_value(); }, 20s));
        EXPECT_TRUE(sent && sent->ok);
    };

    // Bob's window is the active one: nothing for him; Alice's message is her own: nothing.
    wb->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(wb.get()));
    ASSERT_FALSE(wa->isActiveWindow());
    send("Good morning", "routine");
    ASSERT_TRUE(qt_wait_for([&] { return stored_by_bob.size() == 1; }, 20s));
    EXPECT_TRUE(to_bob.empty()) << to_bob.front().text.title.toStdString();
    EXPECT_TRUE(to_alice.empty()) << "her own message";

    // Alice's window active, Bob's not: the first message is announced at once, in words
    // without its content; the two that follow are gathered into one.
    wa->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(wa.get()));
    ASSERT_FALSE(wb->isActiveWindow());
    send("Jane Roe, MRN 00451234: K+ 6.9, repeat now", "routine");
    send("Bed 12 is desaturating", "urgent");
    send("Code blue, bed 12", "critical");
    ASSERT_TRUE(qt_wait_for([&] { return to_bob.size() == 1; }, 20s));
    EXPECT_EQ(to_bob[0].conversation_id, conv);
    EXPECT_EQ(to_bob[0].text, (client::NotificationText{"New message", "A direct message"}));
    ASSERT_TRUE(qt_wait_for([&] { return to_bob.size() == 2; }, 20s));
    EXPECT_EQ(to_bob[1].text,
              (client::NotificationText{"2 new messages", "At least one is critical."}));
    for (const auto& shown : to_bob)
        for (const char* secret : {"Jane", "00451234", "6.9", "bed 12", "Bed 12", "Code", "alice"})
            EXPECT_FALSE(shown.text.title.contains(QLatin1String(secret)) ||
                         shown.text.body.contains(QLatin1String(secret)))
                << secret;
    EXPECT_TRUE(to_alice.empty());

    // Clicking the notification brings Bob's window up with the conversation open.
    ASSERT_NE(wb->shell()->chat()->open_conversation_id(), conv);
    wb->tray_notifier()->open_last();
    EXPECT_EQ(wb->shell()->chat()->open_conversation_id(), conv);
    EXPECT_TRUE(wb->shell()->chat()->isVisible());
    EXPECT_TRUE(QTest::qWaitForWindowActive(wb.get()));

    // Bob's quiet hours (all day, as his session would bring them): a routine message stays
    // silent, an urgent one breaks through.
    client::NotificationPolicy quiet = wb->tray_notifier()->policy();
    quiet.quiet_hours = client::QuietHours{true, 0, 1439, QStringLiteral("UTC")};
    wb->tray_notifier()->set_policy(quiet);
    wb->tray_notifier()->set_clock(
        [] { return QDateTime(QDate(2026, 1, 15), QTime(12, 0), QTimeZone::utc()); });
    wa->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(wa.get()));
    const auto shown_before = to_bob.size();
    const auto stored_before = stored_by_bob.size();
    send("Lunch later?", "routine");
    ASSERT_TRUE(qt_wait_for([&] { return stored_by_bob.size() == stored_before + 1; }, 20s));
    send("Bed 12 again", "urgent");
    ASSERT_TRUE(qt_wait_for([&] { return to_bob.size() == shown_before + 1; }, 20s));
    EXPECT_EQ(to_bob.back().text, (client::NotificationText{"New urgent message", "A direct message"}));
}

}  // namespace
}  // namespace wardline::test
