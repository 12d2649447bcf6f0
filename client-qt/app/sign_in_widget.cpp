// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/sign_in_widget.hpp"

#include "client-qt/app/qr_image.hpp"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

QLineEdit* field(QWidget* parent, const char* object_name, const QString& accessible_name,
                 bool secret = false) {
    auto* e = new QLineEdit(parent);
    e->setObjectName(QLatin1String(object_name));
    e->setAccessibleName(accessible_name);
    if (secret) {
        e->setEchoMode(QLineEdit::Password);
        // Not offered to input methods' prediction or history.
        e->setInputMethodHints(Qt::ImhSensitiveData | Qt::ImhNoPredictiveText | Qt::ImhHiddenText);
    }
    return e;
}

QPushButton* button(QWidget* parent, const char* object_name, const QString& text) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(object_name));
    b->setAccessibleName(QString(text).remove(QLatin1Char('&')));
    return b;
}

QLabel* label_for(const QString& text, QWidget* buddy, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setBuddy(buddy);
    return l;
}

}  // namespace

SignInWidget::SignInWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("signInWidget"));
    auto* layout = new QVBoxLayout(this);
    title_ = new QLabel(tr("Sign in to Wardline"), this);
    title_->setObjectName(QStringLiteral("signInTitle"));
    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    title_->setFont(big);
    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("messageLabel"));
    message_->setAccessibleName(tr("Sign-in message"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();
    pages_ = new QStackedWidget(this);
    pages_->addWidget(make_credentials_page());
    pages_->addWidget(make_change_password_page());
    pages_->addWidget(make_enrollment_page());
    pages_->addWidget(make_code_page());
    pages_->addWidget(make_recovery_page());
    layout->addWidget(title_);
    layout->addWidget(message_);
    layout->addWidget(pages_);
    layout->addStretch();
}

QWidget* SignInWidget::make_credentials_page() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    server_ = field(page, "serverField", tr("Server address"));
    server_->setPlaceholderText(tr("wardline.example.org:8443"));
    organization_ = field(page, "organizationField", tr("Organization"));
    username_ = field(page, "usernameField", tr("Username"));
    password_ = field(page, "passwordField", tr("Password"), true);
    sign_in_ = button(page, "signInButton", tr("&Sign in"));
    sign_in_->setDefault(true);
    form->addRow(label_for(tr("Ser&ver"), server_, page), server_);
    form->addRow(label_for(tr("&Organization"), organization_, page), organization_);
    form->addRow(label_for(tr("&Username"), username_, page), username_);
    form->addRow(label_for(tr("&Password"), password_, page), password_);
    leave_lock_ = button(page, "leaveLockButton", tr("Sign in as &someone else"));
    leave_lock_->hide();
    form->addRow(sign_in_);
    form->addRow(leave_lock_);
    connect(leave_lock_, &QPushButton::clicked, this, &SignInWidget::leaveLockRequested);
    connect(sign_in_, &QPushButton::clicked, this, &SignInWidget::submit_credentials);
    for (auto* e : {server_, organization_, username_, password_})
        connect(e, &QLineEdit::returnPressed, this, &SignInWidget::submit_credentials);
    return page;
}

QPushButton* SignInWidget::make_start_over_button(QWidget* parent) {
    static int n = 0;
    auto* b = new QPushButton(tr("Start again"), parent);
    b->setObjectName(QStringLiteral("startOverButton%1").arg(++n));
    b->setAccessibleName(tr("Start the sign-in again"));
    connect(b, &QPushButton::clicked, this, &SignInWidget::startOverRequested);
    return b;
}

QWidget* SignInWidget::make_change_password_page() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    auto* intro = new QLabel(tr("Choose your own password. Use a long phrase that you do not use "
                                "anywhere else."),
                             page);
    intro->setWordWrap(true);
    new_password_ = field(page, "newPasswordField", tr("New password"), true);
    confirm_password_ = field(page, "confirmPasswordField", tr("New password again"), true);
    change_password_ = button(page, "changePasswordButton", tr("&Set password"));
    form->addRow(intro);
    form->addRow(label_for(tr("&New password"), new_password_, page), new_password_);
    form->addRow(label_for(tr("&Again"), confirm_password_, page), confirm_password_);
    form->addRow(change_password_);
    form->addRow(make_start_over_button(page));
    connect(change_password_, &QPushButton::clicked, this, &SignInWidget::submit_new_password);
    connect(confirm_password_, &QLineEdit::returnPressed, this, &SignInWidget::submit_new_password);
    return page;
}

QWidget* SignInWidget::make_enrollment_page() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    auto* intro = new QLabel(tr("Scan this code with your authenticator app, or type the secret "
                                "into it. Then enter the six-digit code it shows."),
                             page);
    intro->setWordWrap(true);
    qr_ = new QLabel(page);
    qr_->setObjectName(QStringLiteral("qrLabel"));
    qr_->setAccessibleName(tr("QR code for your authenticator app"));
    secret_ = field(page, "secretField", tr("Authenticator secret"));
    secret_->setReadOnly(true);
    enroll_code_ = field(page, "enrollCodeField", tr("First code from the authenticator"));
    enroll_code_->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData);
    confirm_code_ = button(page, "confirmCodeButton", tr("&Confirm code"));
    form->addRow(intro);
    form->addRow(qr_);
    form->addRow(label_for(tr("S&ecret"), secret_, page), secret_);
    form->addRow(label_for(tr("&Code"), enroll_code_, page), enroll_code_);
    form->addRow(confirm_code_);
    form->addRow(make_start_over_button(page));
    auto submit = [this] {
        if (enroll_code_->text().trimmed().isEmpty()) return;
        const QString code = enroll_code_->text();
        enroll_code_->clear();
        emit confirmCodeRequested(code);
    };
    connect(confirm_code_, &QPushButton::clicked, this, submit);
    connect(enroll_code_, &QLineEdit::returnPressed, this, submit);
    return page;
}

QWidget* SignInWidget::make_code_page() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    code_ = field(page, "codeField", tr("Authenticator or recovery code"), true);
    recovery_ = new QCheckBox(tr("Use a &recovery code instead"), page);
    recovery_->setObjectName(QStringLiteral("recoveryCheck"));
    recovery_->setAccessibleName(tr("Use a recovery code instead"));
    verify_ = button(page, "verifyButton", tr("&Verify"));
    form->addRow(label_for(tr("&Code"), code_, page), code_);
    form->addRow(recovery_);
    form->addRow(verify_);
    form->addRow(make_start_over_button(page));
    auto submit = [this] {
        if (code_->text().trimmed().isEmpty()) return;
        const QString code = code_->text();
        code_->clear();
        emit verifyRequested(code, recovery_->isChecked());
    };
    connect(verify_, &QPushButton::clicked, this, submit);
    connect(code_, &QLineEdit::returnPressed, this, submit);
    return page;
}

QWidget* SignInWidget::make_recovery_page() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* intro = new QLabel(tr("These recovery codes sign you in when your authenticator is not "
                                "at hand, each once. Store them somewhere safe now: they are not "
                                "shown again."),
                             page);
    intro->setWordWrap(true);
    recovery_codes_ = new QPlainTextEdit(page);
    recovery_codes_->setObjectName(QStringLiteral("recoveryCodesText"));
    recovery_codes_->setAccessibleName(tr("Recovery codes"));
    recovery_codes_->setReadOnly(true);
    recovery_codes_->setTabChangesFocus(true);
    recovery_done_ = button(page, "recoveryDoneButton", tr("I have stored them, &continue"));
    layout->addWidget(intro);
    layout->addWidget(recovery_codes_);
    layout->addWidget(recovery_done_);
    connect(recovery_done_, &QPushButton::clicked, this, [this] {
        recovery_codes_->clear();
        emit recoveryCodesStored();
    });
    return page;
}

void SignInWidget::prefill(const QString& server, const QString& organization,
                           const QString& username) {
    server_->setText(server);
    organization_->setText(organization);
    username_->setText(username);
}

void SignInWidget::set_locked(bool locked, const QString& who) {
    locked_ = locked;
    for (auto* e : {server_, organization_, username_}) e->setReadOnly(locked);
    leave_lock_->setVisible(locked);
    title_->setText(locked ? tr("Wardline is locked") : tr("Sign in to Wardline"));
    sign_in_->setText(locked ? tr("U&nlock") : tr("&Sign in"));
    sign_in_->setAccessibleName(locked ? tr("Unlock") : tr("Sign in"));
    if (locked)
        show_message(tr("Wardline is locked, after a period without activity or on request. %1, "
                        "enter your password to continue.")
                         .arg(who));
}

void SignInWidget::show_step(client::Session::Step step) {
    using Step = client::Session::Step;
    switch (step) {
        case Step::signed_out:
        case Step::password:
            show_page(Page::credentials);
            break;
        case Step::change_password:
            show_page(Page::change_password);
            break;
        case Step::mfa_enroll:
        case Step::mfa_confirm:
            show_page(Page::enrollment);
            break;
        case Step::mfa_verify:
            show_page(Page::code);
            break;
        case Step::signed_in:
            break;
    }
}

void SignInWidget::show_page(Page page) {
    pages_->setCurrentIndex(static_cast<int>(page));
    set_busy(false);
    focus_first_field();
}

SignInWidget::Page SignInWidget::page() const {
    return static_cast<Page>(pages_->currentIndex());
}

void SignInWidget::show_message(const QString& message) {
    message_->setText(message);
    message_->setVisible(!message.isEmpty());
    message_->setAccessibleDescription(message);
}

QString SignInWidget::message() const {
    return message_->text();
}

void SignInWidget::show_enrollment(const QString& secret, const QString& otpauth_uri) {
    const QImage image = qr_image(otpauth_uri);
    qr_->setPixmap(QPixmap::fromImage(image));
    qr_->setAccessibleDescription(
        tr("Scan it with the authenticator app, or type the secret shown below."));
    secret_->setText(secret);
    show_page(Page::enrollment);
}

void SignInWidget::show_recovery_codes(const QStringList& codes) {
    recovery_codes_->setPlainText(codes.join(QLatin1Char('\n')));
    show_page(Page::recovery_codes);
}

void SignInWidget::clear_secrets() {
    for (auto* e : {password_, new_password_, confirm_password_, enroll_code_, code_}) e->clear();
    secret_->clear();
    qr_->clear();
    recovery_->setChecked(false);
}

void SignInWidget::set_busy(bool busy) {
    for (auto* b : {sign_in_, change_password_, confirm_code_, verify_, leave_lock_})
        b->setEnabled(!busy);
}

void SignInWidget::submit_credentials() {
    if (!sign_in_->isEnabled()) return;
    if (server_->text().trimmed().isEmpty() || organization_->text().trimmed().isEmpty() ||
        username_->text().trimmed().isEmpty() || password_->text().isEmpty()) {
        show_message(tr("Enter the server, organization, username and password."));
        return;
    }
    show_message({});
    set_busy(true);
    emit signInRequested(server_->text().trimmed(), organization_->text().trimmed(),
                         username_->text().trimmed(), password_->text());
}

void SignInWidget::submit_new_password() {
    if (!change_password_->isEnabled()) return;
    if (new_password_->text() != confirm_password_->text()) {
        show_message(tr("The two new passwords are not the same. Type them again."));
        new_password_->clear();
        confirm_password_->clear();
        new_password_->setFocus();
        return;
    }
    if (new_password_->text().isEmpty()) return;
    show_message({});
    set_busy(true);
    emit passwordChangeRequested(password_->text(), new_password_->text());
}

void SignInWidget::focus_first_field() {
    switch (page()) {
        case Page::credentials:
            (locked_ || !username_->text().isEmpty() ? password_ : server_)->setFocus();
            break;
        case Page::change_password:
            new_password_->setFocus();
            break;
        case Page::enrollment:
            enroll_code_->setFocus();
            break;
        case Page::code:
            code_->setFocus();
            break;
        case Page::recovery_codes:
            recovery_done_->setFocus();
            break;
    }
}

}  // namespace wardline::app
