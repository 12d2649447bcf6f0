// SPDX-License-Identifier: Apache-2.0
// The desktop application's logic that needs no server: the server address the user types,
// the QR code of MFA enrollment, the idle watcher, the admin view's plain words.
#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/idle_watcher.hpp"
#include "client-qt/app/qr_image.hpp"
#include "client-qt/app/server_address.hpp"
#include "tests/client/qt_wait.hpp"

#include <QLineEdit>
#include <QTest>

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;

TEST(ClientAppLogic, ServerAddressesBecomeWssUrls) {
    EXPECT_EQ(app::server_url("wardline.example.org")->toString(),
              "wss://wardline.example.org:8443/v1/ws");
    EXPECT_EQ(app::server_url(" localhost:9443 ")->toString(), "wss://localhost:9443/v1/ws");
    EXPECT_EQ(app::server_url("wss://h.example:443/v1/ws")->toString(),
              "wss://h.example:443/v1/ws");
    EXPECT_EQ(app::server_url("wss://h.example/")->toString(), "wss://h.example:8443/v1/ws");
    for (const char* bad :
         {"", "   ", "http://h.example", "ws://h.example:8443/v1/ws", "wss://user:pw@h.example",
          "wss://h.example/other", "h.example:99999", "two words", "wss://h.example/v1/ws?x=1"})
        EXPECT_FALSE(app::server_url(QString::fromLatin1(bad)).has_value()) << bad;
}

TEST(ClientAppLogic, TheQrCodeHasAQuietZoneAndFinderPatterns) {
    const QString uri = QStringLiteral(
        "otpauth://totp/"
        "Wardline:nina.nurse?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Wardline");
    const QImage image = app::qr_image(uri, 4);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.width(), image.height());
    EXPECT_EQ(image.width() % 4, 0);
    const int modules = image.width() / 4;
    EXPECT_EQ((modules - 8 - 21) % 4, 0) << "a QR version's size plus the quiet zone";
    // The quiet zone is light; the top-left finder pattern starts dark right after it.
    EXPECT_EQ(qGray(image.pixel(2, 2)), 255);
    EXPECT_EQ(qGray(image.pixel(4 * 4 + 1, 4 * 4 + 1)), 0);
    EXPECT_EQ(qGray(image.pixel(4 * 5 + 1, 4 * 5 + 1)), 255) << "the finder's light ring";
    EXPECT_EQ(qGray(image.pixel(4 * 6 + 1, 4 * 6 + 1)), 0) << "the finder's dark centre";
    EXPECT_NE(app::qr_image(uri, 4), app::qr_image(uri + QLatin1Char('X'), 4));
    EXPECT_TRUE(app::qr_image(QString(8000, QLatin1Char('x'))).isNull()) << "too long to encode";
}

TEST(ClientAppLogic, TheIdleWatcherFiresAfterQuietAndInputPostponesIt) {
    app::IdleWatcher watcher;
    int fired = 0;
    QObject::connect(&watcher, &app::IdleWatcher::idle, [&] { ++fired; });
    QLineEdit field;
    field.show();
    watcher.start(400ms);
    for (int i = 0; i < 6; ++i) {  // 6 x 150 ms of typing: longer than the timeout
        QTest::keyClick(&field, Qt::Key_A);
        qt_wait_for([] { return false; }, 150ms);
    }
    EXPECT_EQ(fired, 0);
    EXPECT_TRUE(qt_wait_for([&] { return fired == 1; }, 2s));
    qt_wait_for([] { return false; }, 600ms);
    EXPECT_EQ(fired, 1) << "once, until started again";
    watcher.start(100ms);
    watcher.stop();
    qt_wait_for([] { return false; }, 300ms);
    EXPECT_EQ(fired, 1) << "a stopped watcher stays quiet";
}

TEST(ClientAppLogic, AdminRefusalsAreInPlainWords) {
    EXPECT_TRUE(app::admin_message_for("forbidden", "your roles do not grant users.manage")
                    .startsWith("Your roles do not allow this"));
    EXPECT_TRUE(app::admin_message_for("unavailable", {}).contains("cannot be reached"));
    EXPECT_EQ(app::admin_message_for("conflict", "the username is taken"), "the username is taken");
    EXPECT_EQ(app::default_roles().size(), 6);
}

}  // namespace
}  // namespace wardline::test
