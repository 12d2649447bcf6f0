// SPDX-License-Identifier: Apache-2.0
#pragma once
// The sign-in screens (issue #6, "Login"), one page per login step of client::Session: server
// address, organization, username and password; the new password after a one-time password;
// MFA enrollment (the otpauth:// URI as a QR code and the secret as text, then the first
// code); a TOTP or recovery code; the ten recovery codes, shown once. The same widget is the
// lock screen: then the server, organization and username are fixed and only the password
// (and a code, when the organization requires one) are asked. The widget only collects input
// and shows what it is told; MainWindow drives the session. Passwords and codes are cleared
// from the fields once used and never logged.
#include "client-qt/core/session.hpp"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace wardline::app {

class SignInWidget : public QWidget {
    Q_OBJECT
public:
    enum class Page { credentials, change_password, enrollment, code, recovery_codes };

    explicit SignInWidget(QWidget* parent = nullptr);

    /// Fills in the fields a user would otherwise type again.
    void prefill(const QString& server, const QString& organization, const QString& username);
    /// Lock screen: server, organization and username fixed; `who` names the locked account.
    void set_locked(bool locked, const QString& who = {});
    bool locked() const { return locked_; }

    /// Shows the page for the session's step.
    void show_step(client::Session::Step step);
    void show_page(Page page);
    Page page() const;
    /// A refusal or an explanation, in words; empty hides it.
    void show_message(const QString& message);
    QString message() const;
    void show_enrollment(const QString& secret, const QString& otpauth_uri);
    void show_recovery_codes(const QStringList& codes);
    /// Empties every password and code field (after a sign-in, and on lock).
    void clear_secrets();
    /// Enables or disables the page's buttons while a step is with the server.
    void set_busy(bool busy);

signals:
    void signInRequested(const QString& server, const QString& organization,
                         const QString& username, const QString& password);
    void passwordChangeRequested(const QString& current_password, const QString& new_password);
    void confirmCodeRequested(const QString& code);
    void verifyRequested(const QString& code, bool recovery);
    void recoveryCodesStored();
    void startOverRequested();
    /// On the lock screen: give the workstation to someone else (the locked account's window
    /// is already signed out on the server).
    void leaveLockRequested();

private:
    QWidget* make_credentials_page();
    QWidget* make_change_password_page();
    QWidget* make_enrollment_page();
    QWidget* make_code_page();
    QWidget* make_recovery_page();
    QPushButton* make_start_over_button(QWidget* parent);
    void submit_credentials();
    void submit_new_password();
    void focus_first_field();

    bool locked_ = false;
    QLabel* title_ = nullptr;
    QLabel* message_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QLineEdit* server_ = nullptr;
    QLineEdit* organization_ = nullptr;
    QLineEdit* username_ = nullptr;
    QLineEdit* password_ = nullptr;
    QPushButton* sign_in_ = nullptr;
    QPushButton* leave_lock_ = nullptr;
    QLineEdit* new_password_ = nullptr;
    QLineEdit* confirm_password_ = nullptr;
    QPushButton* change_password_ = nullptr;
    QLabel* qr_ = nullptr;
    QLineEdit* secret_ = nullptr;
    QLineEdit* enroll_code_ = nullptr;
    QPushButton* confirm_code_ = nullptr;
    QLineEdit* code_ = nullptr;
    QCheckBox* recovery_ = nullptr;
    QPushButton* verify_ = nullptr;
    QPlainTextEdit* recovery_codes_ = nullptr;
    QPushButton* recovery_done_ = nullptr;
};

}  // namespace wardline::app
