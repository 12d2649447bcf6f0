// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/main_window.hpp"

#include "client-qt/app/device_order_text.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/server_address.hpp"
#include "client-qt/app/sign_in_widget.hpp"
#include "client-qt/app/tray_notifier.hpp"

#include <QCoreApplication>
#include <QLineEdit>
#include <QPointer>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>

namespace wardline::app {

using client::Session;
using Step = Session::Step;

MainWindow::MainWindow(AppOptions options, QWidget* parent)
    : QMainWindow(parent),
      options_(std::move(options)),
      device_name_(QSysInfo::machineHostName().left(100)),
      device_platform_(
          QStringLiteral("%1 / Wardline %2")
              .arg(QSysInfo::prettyProductName(), QCoreApplication::applicationVersion())
              .left(50)) {
    setWindowTitle(tr("Wardline"));
    stack_ = new QStackedWidget(this);
    sign_in_ = new SignInWidget(stack_);
    sign_in_->prefill(options_.server, options_.organization, options_.username);
    stack_->addWidget(sign_in_);
    setCentralWidget(stack_);
    resize(900, 640);

    connect(sign_in_, &SignInWidget::signInRequested, this, &MainWindow::start_sign_in);
    connect(sign_in_, &SignInWidget::passwordChangeRequested, this,
            [this](const QString& current, const QString& next) {
                if (!session_) return;
                forget_password();
                key_password_ = next;  // the key file is written under the new password
                session_->change_password(current, next);
            });
    connect(sign_in_, &SignInWidget::confirmCodeRequested, this, [this](const QString& code) {
        if (session_) session_->confirm_mfa(code);
    });
    connect(sign_in_, &SignInWidget::verifyRequested, this,
            [this](const QString& code, bool recovery) {
                if (session_) session_->verify_mfa(code, recovery);
            });
    connect(sign_in_, &SignInWidget::recoveryCodesStored, this, [this] {
        recovery_codes_pending_ = false;
        show_shell();
    });
    connect(sign_in_, &SignInWidget::startOverRequested, this, &MainWindow::start_over);
    connect(sign_in_, &SignInWidget::leaveLockRequested, this, [this] {
        locked_.reset();
        sign_in_->set_locked(false);
        start_over();
        sign_in_->prefill(sign_in_->findChild<QLineEdit*>(QStringLiteral("serverField"))->text(),
                          organization_, QString());
        sign_in_->show_page(SignInWidget::Page::credentials);
    });
    connect(&idle_, &IdleWatcher::idle, this, &MainWindow::lock);
    connect(&idle_, &IdleWatcher::activity, this, [this] {
        if (keep_alive_) keep_alive_->user_active();
    });
}

MainWindow::~MainWindow() {
    if (preparing_) preparing_->wait();  // it uses the keychain member
    idle_.stop();
    drop_shell();
    close_account();
    session_.reset();  // before the connection it refers to
    connection_.reset();
    device_.forget_secret();
}

bool MainWindow::use_server(const QUrl& url) {
    if (connection_ && url == url_) return true;
    drop_shell();
    close_account();
    session_.reset();
    connection_.reset();
    client::ConnectionOptions o;
    o.url = url;
    o.tls.ca_file = options_.ca_file;
    connection_ = std::make_unique<client::ServerConnection>(o);
    session_ = std::make_unique<Session>(*connection_, device_);
    url_ = url;
    connect(session_.get(), &Session::stepChanged, this, &MainWindow::on_step);
    connect(session_.get(), &Session::refused, this, [this](const client::LoginRefusal& r) {
        if (client::device_refused(r) && keeper_) {
            // The server will not take this device again (revoked or wiped by IT): erase it and
            // the account's data here, as a remote wipe does; the next sign-in registers a new
            // device.
            keeper_->forget(&device_);
            device_ = client::DeviceIdentity{};
            forget_password();
            sign_in_->show_message(r.message);
        } else {
            sign_in_->show_message(r.message);
        }
        sign_in_->set_busy(false);
    });
    connect(session_.get(), &Session::mfaEnrollment, sign_in_, &SignInWidget::show_enrollment);
    connect(session_.get(), &Session::recoveryCodes, this, [this](const QStringList& codes) {
        recovery_codes_pending_ = true;
        sign_in_->show_recovery_codes(codes);
    });
    connect(session_.get(), &Session::signedIn, this, &MainWindow::on_signed_in);
    connect(session_.get(), &Session::sessionEnded, this, &MainWindow::on_session_ended);
    if (!connection_->open()) {
        sign_in_->show_message(tr("Wardline cannot use the organization's certificate file: %1")
                                   .arg(connection_->refusal()));
        sign_in_->set_busy(false);
        return false;
    }
    return true;
}

void MainWindow::start_sign_in(const QString& server, const QString& organization,
                               const QString& username, const QString& password) {
    if (preparing_) return;  // the last sign-in is still opening its device; it goes on
    const auto url = server_url(server);
    if (!url) {
        sign_in_->show_message(
            tr("That server address is not usable. Enter it as IT gave it to "
               "you, for example wardline.example.org or "
               "wardline.example.org:8443."));
        sign_in_->set_busy(false);
        return;
    }
    if (connection_ && *url != url_) logout_pending_ = false;  // a new connection has no session
    if (!use_server(*url)) return;
    organization_ = organization;
    username_ = username;
    prepare_device_and_sign_in(organization, username, password);
}

void MainWindow::on_step(Step step) {
    if (step == Step::mfa_enroll) {
        // The server wants an authenticator: ask for the secret straight away.
        session_->enroll_mfa();
        return;
    }
    if (step == Step::signed_in) return;  // on_signed_in takes over
    if (!recovery_codes_pending_) sign_in_->show_step(step);
}

void MainWindow::on_signed_in(const client::SessionInfo& info) {
    if (locked_ && locked_->user_id != info.user_id) {
        // Only the locked account may unlock: anyone else signs in after a sign-out.
        end_session();
        sign_in_->show_message(tr("Only %1 can unlock this window. Others: sign out first.")
                                   .arg(locked_->display_name));
        sign_in_->show_page(SignInWidget::Page::credentials);
        return;
    }
    open_account(info);
}

void MainWindow::on_account_opened(const client::SessionInfo& info, client::KeptAccount kept) {
    const bool current = session_ && session_->step() == Step::signed_in && session_->info() &&
                         session_->info()->user_id == info.user_id;
    if (!current) return;  // the session ended while the account was being opened
    if (!kept.storage) {
        // The sign-in stands, but without its storage the account cannot be used here.
        end_session();
        sign_in_->show_message(kept.error);
        sign_in_->show_page(SignInWidget::Page::credentials);
        return;
    }
    storage_ = std::move(kept.storage);
    engine_ = std::make_unique<client::GroupEngine>(*connection_, *session_, device_,
                                                    storage_->group_states(),
                                                    storage_->key_package_secrets());
    engine_->start();
    keep_alive_ = std::make_unique<client::SessionKeepAlive>(*connection_, *session_);
    watch_device_orders();
    locked_.reset();
    sign_in_->set_locked(false);
    sign_in_->show_message({});
    if (!recovery_codes_pending_) show_shell();
}

QString MainWindow::data_directory() const {
    if (!options_.data_directory.isEmpty()) return options_.data_directory;
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

void MainWindow::prepare_device_and_sign_in(const QString& organization, const QString& username,
                                            const QString& password) {
    struct Prepared {
        client::DeviceIdentity identity;
        client::DevicePreparation outcome;
    };
    const client::DeviceAccount account{
        url_.host() + QLatin1Char(':') + QString::number(url_.port()), organization, username};
    auto keeper = std::make_shared<client::DeviceKeeper>(data_directory(), account, keychain_);
    auto prepared = std::make_shared<Prepared>();
    const quint64 attempt = ++sign_in_attempt_;
    // The worker touches only `keeper` (and through it the keychain, which nothing else uses
    // meanwhile) and `prepared`; the window waits for it before it goes.
    QThread* worker = QThread::create(
        [keeper, prepared, password, name = device_name_, platform = device_platform_] {
            prepared->outcome = keeper->prepare(prepared->identity, password, name, platform);
        });
    worker->setParent(this);
    preparing_ = worker;
    connect(worker, &QThread::finished, this,
            [this, worker, keeper, prepared, attempt, organization, username,
             pw = QString(password)]() mutable {
                worker->deleteLater();
                if (preparing_ == worker) preparing_ = nullptr;
                if (attempt != sign_in_attempt_ || !session_) {
                    // Abandoned (start over, another server) while it ran.
                    prepared->identity.forget_secret();
                    pw.fill(QChar(u'\0'));
                    return;
                }
                keeper_ = std::move(keeper);
                device_.forget_secret();
                device_ = std::move(prepared->identity);
                prepared->identity.forget_secret();
                forget_password();
                key_password_ = pw;
                const auto error = prepared->outcome.file_error;
                if (error != client::DeviceFileError::none &&
                    error != client::DeviceFileError::not_found)
                    sign_in_->show_message(client::describe(error));
                if (logout_pending_) {
                    deferred_sign_in_ = DeferredSignIn{organization, username, pw};
                } else {
                    session_->sign_in(organization, username, pw);
                }
                pw.fill(QChar(u'\0'));
            });
    worker->start();
}

void MainWindow::open_account(const client::SessionInfo& info) {
    QString password = std::move(key_password_);
    key_password_.clear();
    close_account();
    if (!keeper_) {
        client::KeptAccount none;
        none.error =
            tr("Wardline cannot open this account's data on this computer. Sign in "
               "again.");
        on_account_opened(info, std::move(none));
        return;
    }
    // Argon2id (the key file made on the first sign-in, or unlocked) runs on a worker; the
    // window stays responsive and the rest follows in on_account_opened.
    opening_ = std::make_unique<client::AccountOpening>(
        keeper_, device_, info, password, [this, info](client::KeptAccount kept) {
            // This runs inside the opening's own slot: it goes once control is back in the loop.
            opening_.release()->deleteLater();
            on_account_opened(info, std::move(kept));
        });
    password.fill(QChar(u'\0'));
}

void MainWindow::watch_device_orders() {
    client::LocalWipeTargets targets;
    targets.store_database =
        client::LocalStore::database_path(keeper_->directory(), storage_->store().account());
    targets.key_file = keeper_->key_file_path();
    targets.device_file = keeper_->device_file_path();
    targets.device = &device_;
    targets.keychain = &keychain_;
    targets.keychain_account = keeper_->account().keychain_name();
    // The key itself is the storage's: closing it (wipeStarting) zeroes it.
    remote_wipe_ = std::make_unique<client::RemoteWipe>(*connection_, *session_, targets);
    connect(remote_wipe_.get(), &client::RemoteWipe::wipeStarting, this, [this] {
        // Before anything is erased: nothing may still read or write the store.
        idle_.stop();
        drop_shell();
        close_account_data();
    });
    connect(remote_wipe_.get(), &client::RemoteWipe::wipedOut, this, &MainWindow::on_wiped_out);
    connect(remote_wipe_.get(), &client::RemoteWipe::quarantineChanged, this,
            [this](bool quarantined) {
                if (shell_) shell_->set_quarantined(quarantined);
                if (!quarantined && engine_) engine_->sync();  // what was held back meanwhile
            });
}

bool MainWindow::wiping() const {
    return remote_wipe_ && remote_wipe_->state() == client::RemoteWipe::State::wiping;
}

void MainWindow::on_wiped_out(bool erased, bool confirmed) {
    idle_.stop();
    drop_shell();
    close_account_data();
    // This runs inside the watch's own signal: it goes once control is back in the event loop.
    remote_wipe_.release()->deleteLater();
    end_session();
    // The device is gone (revoked by the confirmation): the next sign-in registers a new one.
    device_.forget_secret();
    device_ = client::DeviceIdentity{};
    keeper_.reset();
    locked_.reset();
    recovery_codes_pending_ = false;
    sign_in_->set_locked(false);
    sign_in_->clear_secrets();
    sign_in_->show_message(wiped_out_message(erased, confirmed));
    sign_in_->show_page(SignInWidget::Page::credentials);
    stack_->setCurrentWidget(sign_in_);
}

void MainWindow::close_account() {
    close_account_data();
    remote_wipe_.reset();
}

void MainWindow::close_account_data() {
    opening_.reset();  // waits for its worker if it still runs; its outcome is dropped
    keep_alive_.reset();
    engine_.reset();
    storage_.reset();
    forget_password();
}

void MainWindow::forget_password() {
    key_password_.fill(QChar(u'\0'));
    key_password_.clear();
}

void MainWindow::show_shell() {
    if (!session_ || !session_->info()) return;
    const auto& info = *session_->info();
    sign_in_->clear_secrets();
    drop_shell();
    if (!engine_ || !storage_) return;
    shell_ = new MainShell(*connection_, info, *engine_, storage_->store(), stack_);
    stack_->addWidget(shell_);
    stack_->setCurrentWidget(shell_);
    connect(shell_, &MainShell::lockRequested, this, &MainWindow::lock);
    connect(shell_, &MainShell::signOutRequested, this, &MainWindow::sign_out);
    if (remote_wipe_ && remote_wipe_->quarantined()) shell_->set_quarantined(true);
    // What notifications may show and the quiet hours come with the session; a resume or the
    // user's own change brings new ones.
    tray_notifier_ = new TrayNotifier(shell_->recorder(), storage_->store(), shell_->colleagues(),
                                      this, info.notifications, shell_);
    connect(session_.get(), &Session::notificationPolicyChanged, tray_notifier_,
            &TrayNotifier::set_policy);
    connect(shell_, &MainShell::quietHoursChanged, session_.get(), &Session::set_quiet_hours);
    connect(tray_notifier_, &TrayNotifier::conversationRequested, this,
            [this](const QString& conversation_id) {
                if (!shell_) return;
                showNormal();
                raise();
                activateWindow();
                shell_->open_conversation(conversation_id);
            });
    const auto timeout = options_.idle_timeout.value_or(
        std::chrono::seconds(info.idle_timeout_seconds > 0 ? info.idle_timeout_seconds : 900));
    idle_.start(timeout);
}

void MainWindow::drop_shell() {
    if (!shell_) return;
    stack_->removeWidget(shell_);
    delete tray_notifier_;  // before the recorder it listens to
    tray_notifier_ = nullptr;
    // Deleted now, not later: its models hold names and titles that must not outlive the lock.
    delete shell_;
    shell_ = nullptr;
}

void MainWindow::lock() {
    if (!session_ || session_->step() != Step::signed_in || locked_) return;
    idle_.stop();
    const auto& info = *session_->info();
    locked_ = LockedAccount{info.user_id, info.display_name};
    const QString who = info.display_name;
    drop_shell();
    close_account();
    sign_in_->clear_secrets();
    sign_in_->prefill(url_.host() + QLatin1Char(':') + QString::number(url_.port()), organization_,
                      username_);
    sign_in_->set_locked(true, who);
    sign_in_->show_page(SignInWidget::Page::credentials);
    stack_->setCurrentWidget(sign_in_);
    end_session();
}

void MainWindow::sign_out() {
    idle_.stop();
    drop_shell();
    close_account();
    end_session();
    sign_in_->clear_secrets();
    sign_in_->show_message(Session::message_for_end(QStringLiteral("logout")));
    sign_in_->show_page(SignInWidget::Page::credentials);
    stack_->setCurrentWidget(sign_in_);
}

void MainWindow::start_over() {
    ++sign_in_attempt_;  // a device still being opened for the last sign-in is dropped
    drop_shell();
    close_account();
    end_session();
    recovery_codes_pending_ = false;
    sign_in_->clear_secrets();
    sign_in_->show_message({});
    sign_in_->show_page(SignInWidget::Page::credentials);
}

void MainWindow::end_session() {
    if (!session_) return;
    if (session_->step() == Step::signed_in) {
        logout_pending_ = true;
        QPointer<MainWindow> self(this);
        // Its answer means the connection has no session any more, whoever ended it.
        connection_->request(QStringLiteral("auth.logout"), {},
                             [self](const client::ServerResponse&) {
                                 if (!self) return;
                                 self->logout_pending_ = false;
                                 if (!self->deferred_sign_in_ || !self->session_) return;
                                 const DeferredSignIn d = std::move(*self->deferred_sign_in_);
                                 self->deferred_sign_in_.reset();
                                 self->session_->sign_in(d.organization, d.username, d.password);
                             });
    }
    ending_on_purpose_ = true;
    session_->sign_out();
    ending_on_purpose_ = false;
}

void MainWindow::on_session_ended(const QString& reason) {
    if (ending_on_purpose_) return;
    // The confirmation of a wipe revokes the device, which ends the session: the wipe's own
    // message follows.
    if (wiping()) return;
    // Ended by the server (another device, IT, a timeout): back to the sign-in, saying why.
    idle_.stop();
    drop_shell();
    close_account();
    locked_.reset();
    recovery_codes_pending_ = false;
    sign_in_->set_locked(false);
    sign_in_->clear_secrets();
    sign_in_->show_message(Session::message_for_end(reason));
    sign_in_->show_page(SignInWidget::Page::credentials);
    stack_->setCurrentWidget(sign_in_);
}

}  // namespace wardline::app
