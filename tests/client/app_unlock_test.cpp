// SPDX-License-Identifier: Apache-2.0
// Unlocking (and signing in) opens the kept device with the key file's Argon2id on a worker
// thread (docs/client.md, "The application"): against a real server on the offscreen platform,
// the UI thread keeps running a timer while the derivation runs, the sign-in's buttons are
// disabled meanwhile, and the unlock then goes on to the code step and the shell as before.
// The first sign-in makes the key file (Argon2id) after the server's answer, also off the UI
// thread.
#include "client-qt/app/main_shell.hpp"
#include "tests/client/app_window_driver.hpp"

#include <QElapsedTimer>
#include <QTimer>

namespace wardline::test {
namespace {

class ClientAppUnlock : public AppWindowTest {};

TEST_F(ClientAppUnlock, TheKeyDerivationRunsOffTheUiThreadWithTheButtonsDisabled) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse, 0);  // the first sign-in writes the key file
    const QString device_id = w->device().device_id;
    w->lock();
    ASSERT_TRUE(w->is_locked());
    auto* s = w->sign_in_widget();
    auto* sign_in = find<QPushButton>(s, "signInButton");
    auto* leave = find<QPushButton>(s, "leaveLockButton");

    int ticks = 0;
    QTimer timer;
    timer.setInterval(2);
    QObject::connect(&timer, &QTimer::timeout, [&] { ++ticks; });
    timer.start();
    type(s, "passwordField", QString::fromStdString(nurse.password));
    QElapsedTimer clock;
    clock.start();
    click(s, "signInButton");
    // The click returned while the key file is still being opened: the UI thread is free.
    ASSERT_TRUE(w->preparing_device()) << "the derivation ran (and ended) inside the click";
    EXPECT_FALSE(sign_in->isEnabled());
    EXPECT_FALSE(leave->isEnabled());
    const int ticks_at_click = ticks;
    bool buttons_stayed_disabled = true;
    ASSERT_TRUE(qt_wait_for([&] {
        if (w->preparing_device() && (sign_in->isEnabled() || leave->isEnabled()))
            buttons_stayed_disabled = false;
        return !w->preparing_device();
    }));
    const auto derivation_ms = clock.elapsed();
    EXPECT_TRUE(buttons_stayed_disabled);
    // The timer kept firing through the derivation (64 MiB, 3 passes: tens of milliseconds at
    // least), as it cannot when the UI thread is busy.
    EXPECT_GE(ticks - ticks_at_click, 3) << "over " << derivation_ms << " ms";

    // The unlock goes on as before: the kept device, the code step, the shell.
    ASSERT_TRUE(reaches(*w, Page::code)) << s->message().toStdString();
    EXPECT_EQ(w->device().device_id, device_id);
    type(s, "codeField", QString::fromStdString(nurse.recovery_codes.at(1)));
    find<QCheckBox>(s, "recoveryCheck")->setChecked(true);
    click(s, "verifyButton");
    ASSERT_TRUE(signed_in(*w)) << s->message().toStdString();
    EXPECT_FALSE(w->is_locked());
    EXPECT_EQ(w->session()->info()->device_id, device_id);
    EXPECT_NE(w->account_storage(), nullptr);
}

TEST_F(ClientAppUnlock, TheFirstSignInMakesTheKeyFileOffTheUiThread) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    // A timer of the UI thread that notes when it fires while the account is being opened:
    // if the key file were made on this thread, it could not fire then.
    int ticks_while_opening = 0;
    bool opened = false;
    QTimer timer;
    timer.setInterval(2);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        if (w->opening_account()) {
            ++ticks_while_opening;
            opened = true;
        }
    });
    timer.start();
    sign_in_with_recovery(*w, nurse, 0);  // the first sign-in on this computer
    ASSERT_TRUE(signed_in(*w)) << w->sign_in_widget()->message().toStdString();
    EXPECT_TRUE(opened) << "the account was opened inside one event";
    EXPECT_GE(ticks_while_opening, 3);
    EXPECT_FALSE(w->opening_account());
    EXPECT_NE(w->account_storage(), nullptr);
}

TEST_F(ClientAppUnlock, AWindowClosedWhileTheKeyIsDerivedWaitsForTheWorker) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto w = open_window();
    sign_in_with_recovery(*w, nurse, 0);
    w->lock();
    type(w->sign_in_widget(), "passwordField", QString::fromStdString(nurse.password));
    click(w->sign_in_widget(), "signInButton");
    ASSERT_TRUE(w->preparing_device());
    w.reset();  // no crash, no worker left touching a destroyed window
    SUCCEED();
}

}  // namespace
}  // namespace wardline::test
