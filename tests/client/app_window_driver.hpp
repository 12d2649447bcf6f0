// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the application tests drive MainWindow on the offscreen platform against a real server
// (tests/client/app_*_test.cpp): find a named widget, type into a field, click a button, save
// a screenshot on request, and a fixture that opens windows on a private data directory and
// signs users in through the widgets.
#include "client-qt/app/main_window.hpp"
#include "client-qt/app/sign_in_widget.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

namespace wardline::test {

using app::MainWindow;
using app::SignInWidget;
using Page = app::SignInWidget::Page;

template <typename T>
inline T* find(QWidget* root, const char* name) {
    T* w = root->findChild<T*>(QLatin1String(name));
    EXPECT_NE(w, nullptr) << "no widget " << name;
    return w;
}

inline void type(QWidget* root, const char* name, const QString& text) {
    auto* e = find<QLineEdit>(root, name);
    if (!e) return;
    e->clear();
    QTest::keyClicks(e, text);
}

inline void click(QWidget* root, const char* name) {
    auto* b = find<QPushButton>(root, name);
    if (!b) return;
    ASSERT_TRUE(b->isVisible() && b->isEnabled()) << name << " cannot be clicked";
    QTest::mouseClick(b, Qt::LeftButton);
}

/// With WARDLINE_TEST_SCREENSHOTS=DIR, saves what the window shows as DIR/NAME.png (to look at
/// the screens; the tests never compare pictures).
inline void snapshot(QWidget* window, const char* name) {
    const QString dir = qEnvironmentVariable("WARDLINE_TEST_SCREENSHOTS");
    if (!dir.isEmpty()) window->grab().save(dir + QLatin1Char('/') + QLatin1String(name) + ".png");
}

/// A test of the application window against a real server (start() it first).
class AppWindowTest : public IdentityFixture {
protected:
    std::unique_ptr<MainWindow> open_window(
        std::optional<std::chrono::milliseconds> idle_timeout = std::nullopt) {
        app::AppOptions o;
        o.ca_file = QString::fromStdString(server().certificate());
        o.idle_timeout = idle_timeout;
        o.data_directory = data_.path();
        auto w = std::make_unique<MainWindow>(o);
        w->show();
        return w;
    }

    void enter_credentials(MainWindow& w, const std::string& org, const std::string& username,
                           const std::string& password) {
        auto* s = w.sign_in_widget();
        type(s, "serverField", QStringLiteral("localhost:%1").arg(server().port()));
        type(s, "organizationField", QString::fromStdString(org));
        type(s, "usernameField", QString::fromStdString(username));
        type(s, "passwordField", QString::fromStdString(password));
        click(s, "signInButton");
    }

    /// Waits for `page` of the sign-in widget, or a message on it.
    static bool reaches(MainWindow& w, Page page) {
        return qt_wait_for([&] { return w.sign_in_widget()->page() == page; });
    }
    static bool shows_message(MainWindow& w) {
        return qt_wait_for([&] { return !w.sign_in_widget()->message().isEmpty(); });
    }
    static bool signed_in(MainWindow& w) {
        return qt_wait_for([&] { return w.shell() != nullptr; });
    }

    long long devices_of(const TestUser& user) {
        return count("SELECT count(*) FROM devices WHERE user_id = '" + user.id + "'");
    }

    QTemporaryDir data_;

    /// Signs `user` in through the widgets with recovery code number `index`.
    void sign_in_with_recovery(MainWindow& w, TestUser& user, std::size_t index) {
        enter_credentials(w, user.org, user.username, user.password);
        ASSERT_TRUE(reaches(w, Page::code)) << w.sign_in_widget()->message().toStdString();
        auto* s = w.sign_in_widget();
        type(s, "codeField", QString::fromStdString(user.recovery_codes.at(index)));
        find<QCheckBox>(s, "recoveryCheck")->setChecked(true);
        click(s, "verifyButton");
        ASSERT_TRUE(signed_in(w)) << s->message().toStdString();
    }
};

/// Every control of `window` that takes focus has an accessible name.
inline void expect_named(QWidget* window, const char* when, int at_least = 6) {
    int checked = 0;
    for (QWidget* c : window->findChildren<QWidget*>()) {
        if (c->focusPolicy() == Qt::NoFocus || c->window() != window) continue;
        ++checked;
        EXPECT_FALSE(c->accessibleName().isEmpty())
            << when << ": " << c->metaObject()->className() << " " << c->objectName().toStdString()
            << " has no accessible name";
    }
    EXPECT_GE(checked, at_least) << when;
}

}  // namespace wardline::test
