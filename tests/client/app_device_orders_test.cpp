// SPDX-License-Identifier: Apache-2.0
// The application obeying the administrator's orders for its device (docs/client.md, "Remote
// wipe and quarantine"), against a real server, PostgreSQL and TLS on the offscreen platform:
// an administrator's devices.wipe closes the window's account, erases the account's store, key
// file and device file, is confirmed to the server and leaves the sign-in screen saying so; a
// quarantine shows a notice and holds the composer until the release; a nurse's devices.wipe of
// a colleague's device is refused and changes nothing.
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/device_order_text.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/message_composer.hpp"
#include "tests/client/app_window_driver.hpp"

#include <QDir>
#include <QLabel>

namespace wardline::test {
namespace {

class ClientAppRemoteWipe : public AppWindowTest {
protected:
    void SetUp() override {
        AppWindowTest::SetUp();
        start();
        create_org("General");
        admin_ = enroll("General", "ada.admin", "admin");
        nurse_ = enroll("General", "nina.nurse", "nurse");
    }

    /// The account files in the window's data directory, by kind ("account-", "key-",
    /// "device-").
    QStringList files(const char* prefix) const {
        return QDir(data_.path())
            .entryList({QLatin1String(prefix) + QLatin1Char('*')}, QDir::Files);
    }
    /// The account databases (each with its -wal and -shm files).
    QStringList stores() const {
        return QDir(data_.path()).entryList({QStringLiteral("account-*.sqlite")}, QDir::Files);
    }
    std::string device_column(const QString& device_id, const std::string& expression) {
        return owner()
            .exec("SELECT coalesce((" + expression + ")::text, '') FROM devices WHERE id = '" +
                  device_id.toStdString() + "'")
            .text_or_throw(0, 0)
            .data();
    }
    static std::string code_of(const nlohmann::json& r) {
        return r.contains("error") ? r["error"].value("code", "") : r.value("status", "");
    }

    TestUser admin_;
    TestUser nurse_;
};

TEST_F(ClientAppRemoteWipe, AWipeOrderErasesTheAccountAndReturnsToTheSignInSayingSo) {
    auto w = open_window();
    sign_in_with_recovery(*w, nurse_, 0);
    const QString device_id = w->device().device_id;
    ASSERT_FALSE(device_id.isEmpty());
    ASSERT_NE(w->remote_wipe(), nullptr);
    ASSERT_EQ(stores().size(), 1) << stores().join(QLatin1Char(32)).toStdString();
    ASSERT_EQ(files("key-").size(), 1);
    ASSERT_EQ(files("device-").size(), 1);

    auto admin = logged_in(admin_);
    ASSERT_EQ(code_of(admin->request("devices.wipe", {{"device_id", device_id.toStdString()}})),
              "ok");

    auto* s = w->sign_in_widget();
    ASSERT_TRUE(qt_wait_for([&] { return s->message().contains("wiped by your administrator"); }))
        << s->message().toStdString();
    EXPECT_EQ(s->message(),
              "This device was wiped by your administrator. Its local messages and keys are "
              "erased.");
    EXPECT_EQ(w->shell(), nullptr);
    EXPECT_TRUE(w->findChildren<app::MainShell*>().isEmpty());
    EXPECT_TRUE(s->isVisible());
    EXPECT_EQ(s->page(), Page::credentials);
    EXPECT_FALSE(s->locked());
    EXPECT_EQ(w->engine(), nullptr);
    EXPECT_EQ(w->account_storage(), nullptr);
    EXPECT_EQ(w->keep_alive(), nullptr);
    EXPECT_TRUE(w->device().secret_key.isEmpty());
    // Nothing of the account is left in the data directory.
    EXPECT_TRUE(QDir(data_.path())
                    .entryList({QStringLiteral("account-*"), QStringLiteral("key-*"),
                                QStringLiteral("device-*")},
                               QDir::Files)
                    .isEmpty())
        << QDir(data_.path()).entryList(QDir::Files).join(' ').toStdString();
    // The server has the confirmation: the device is wiped and revoked.
    ASSERT_TRUE(qt_wait_for([&] { return device_column(device_id, "wiped_at") != ""; }));
    EXPECT_NE(device_column(device_id, "revoked_at"), "");
    EXPECT_EQ(audit_count("device.wipe_confirm", "success"), 1);
    // The message stays when the server ends the session of the revoked device.
    qt_wait_for([] { return false; }, std::chrono::milliseconds(300));
    EXPECT_TRUE(s->message().startsWith("This device was wiped")) << s->message().toStdString();

    // Signing in again registers a new device with a new store.
    sign_in_with_recovery(*w, nurse_, 1);
    EXPECT_NE(w->device().device_id, device_id);
    EXPECT_EQ(files("device-").size(), 1);
}

TEST_F(ClientAppRemoteWipe, AQuarantineShowsANoticeAndHoldsSendingUntilTheRelease) {
    auto w = open_window();
    sign_in_with_recovery(*w, nurse_, 0);
    const QString device_id = w->device().device_id;
    auto* notice = find<QLabel>(w->shell(), "quarantineNotice");
    auto* composer = w->shell()->chat()->findChild<app::MessageComposer*>();
    ASSERT_TRUE(notice && composer);
    EXPECT_FALSE(notice->isVisible());
    w->shell()->chat()->open(QStringLiteral("a-conversation"));
    EXPECT_TRUE(composer->isEnabled()) << "an open conversation can be written to";

    auto admin = logged_in(admin_);
    ASSERT_EQ(code_of(admin->request("devices.quarantine", {{"device_id", device_id.toStdString()},
                                                            {"reason", "left in the ward"}})),
              "ok");
    ASSERT_TRUE(qt_wait_for([&] { return notice->isVisible(); }));
    EXPECT_TRUE(notice->text().startsWith("This device is quarantined by your administrator"));
    EXPECT_FALSE(notice->text().contains("left in the ward"));
    EXPECT_FALSE(composer->isEnabled());
    EXPECT_TRUE(w->shell()->quarantined());
    // Another conversation opened meanwhile is held too.
    w->shell()->chat()->open(QStringLiteral("another-conversation"));
    EXPECT_FALSE(composer->isEnabled());
    // The data stays: nothing is erased by a quarantine.
    EXPECT_EQ(stores().size(), 1);
    EXPECT_NE(w->account_storage(), nullptr);

    ASSERT_EQ(code_of(admin->request("devices.release", {{"device_id", device_id.toStdString()}})),
              "ok");
    ASSERT_TRUE(qt_wait_for([&] { return !notice->isVisible(); }));
    EXPECT_TRUE(composer->isEnabled());
    EXPECT_FALSE(w->shell()->quarantined());
    EXPECT_EQ(w->sign_in_widget()->message(), "");
}

TEST_F(ClientAppRemoteWipe, ANursesWipeOfAColleaguesDeviceIsRefusedAndTheAppKeepsWorking) {
    TestUser other = enroll("General", "noah.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse_, 0);
    const QString device_id = w->device().device_id;

    auto ws = logged_in(other);
    for (const char* type : {"devices.wipe", "devices.quarantine"})
        EXPECT_EQ(code_of(ws->request(type, {{"device_id", device_id.toStdString()}})), "forbidden")
            << type;
    EXPECT_EQ(device_column(device_id,
                            "wipe_requested_at IS NOT NULL OR quarantined_at IS NOT "
                            "NULL"),
              "false");
    // The window goes on: still signed in, its files in place, its requests answered.
    std::optional<client::ServerResponse> reply;
    w->connection()->request("conversations.list", {},
                             [&](const client::ServerResponse& r) { reply = r; });
    ASSERT_TRUE(qt_wait_for([&] { return reply.has_value(); }));
    EXPECT_TRUE(reply->ok) << reply->error_code.toStdString();
    ASSERT_NE(w->shell(), nullptr);
    EXPECT_FALSE(w->shell()->quarantined());
    EXPECT_EQ(w->remote_wipe()->state(), client::RemoteWipe::State::active);
    EXPECT_EQ(stores().size(), 1);
    EXPECT_EQ(files("key-").size(), 1);
    EXPECT_EQ(files("device-").size(), 1);
}

TEST(ClientAppRemoteWipeMessage, SaysWhatWasErasedAndWhetherTheServerWasTold) {
    EXPECT_EQ(app::wiped_out_message(true, true),
              "This device was wiped by your administrator. Its local messages and keys are "
              "erased.");
    const QString unconfirmed = app::wiped_out_message(true, false);
    EXPECT_TRUE(unconfirmed.contains("Its local messages and keys are erased."));
    EXPECT_TRUE(unconfirmed.contains("could not tell the server")) << unconfirmed.toStdString();
    const QString left = app::wiped_out_message(false, false);
    EXPECT_FALSE(left.contains("are erased")) << "it must not claim what did not happen";
    EXPECT_TRUE(left.contains("could not be erased"));
    EXPECT_TRUE(left.contains("could not tell the server"));
}

}  // namespace
}  // namespace wardline::test
