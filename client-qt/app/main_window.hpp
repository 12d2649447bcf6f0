// SPDX-License-Identifier: Apache-2.0
#pragma once
// The application window (issue #6): the sign-in screens, then the signed-in shell, and the
// lock screen after the organization's idle timeout. It owns the connection, the session and
// the device identity, and drives the session from the sign-in widget's input.
//
// Locking signs the session out on the server (auth.logout: the server would end an idle
// session anyway, and there is no request to check a password on a live session) and destroys
// the shell, so nothing it showed stays in the window. Unlocking is a fresh auth.login for the
// same account on the same device, followed by the code step when the organization requires
// it; the server decides that, as for any sign-in.
//
// The device is kept across sign-ins and restarts (client::DeviceKeeper: one device file per
// server, organization and username in the data directory), opened on a worker thread before
// auth.login because the key file's Argon2id takes a noticeable moment. After a sign-in the window
// opens the account's storage (client::AccountStorage: the local key, the encrypted store) and runs
// the MLS engine on it; locking, signing out and a session the server ended close both, so
// neither the key nor the store stays open behind the lock screen. While the account is open,
// the user's input keeps the server's session alive (client::SessionKeepAlive). The session
// token is never written down: a restart is a fresh sign-in on the same device.
//
// While the account is open the window obeys the administrator's orders for this device
// (client::RemoteWipe): a wipe closes the account, erases its store, key file, device file and
// keychain entry, and returns to the sign-in screen saying so; a quarantine shows a notice in
// the shell and holds sending until the device is released. Messages from others that arrive
// while the window is not active are announced in the system tray without PHI (TrayNotifier).
#include "client-qt/app/idle_watcher.hpp"
#include "client-qt/core/account_opening.hpp"
#include "client-qt/core/account_storage.hpp"
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/device_keeper.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/keychain_key_store.hpp"
#include "client-qt/core/remote_wipe.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"
#include "client-qt/core/session_keep_alive.hpp"

#include <QMainWindow>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QStackedWidget;
class QThread;

namespace wardline::app {

class MainShell;
class SignInWidget;
class TrayNotifier;

struct AppOptions {
    QString server;        ///< prefilled server address
    QString organization;  ///< prefilled organization
    QString username;      ///< prefilled username
    QString ca_file;       ///< the organization's CA (PEM); empty: the system's CA store
    /// Lock after this much inactivity instead of the session's idle timeout (tests).
    std::optional<std::chrono::milliseconds> idle_timeout;
    /// Where the device files, key files and stores live; empty: the user's application data
    /// folder (QStandardPaths::AppLocalDataLocation).
    QString data_directory;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppOptions options, QWidget* parent = nullptr);
    ~MainWindow() override;

    SignInWidget* sign_in_widget() const { return sign_in_; }
    /// The signed-in shell, or null (signed out or locked).
    MainShell* shell() const { return shell_; }
    bool is_locked() const { return locked_.has_value(); }
    /// The current connection (null before the first sign-in).
    client::ServerConnection* connection() const { return connection_.get(); }
    client::Session* session() const { return session_.get(); }
    /// The signed-in account's MLS engine, storage and keep-alive (null when signed out or
    /// locked).
    client::GroupEngine* engine() const { return engine_.get(); }
    client::AccountStorage* account_storage() const { return storage_.get(); }
    client::SessionKeepAlive* keep_alive() const { return keep_alive_.get(); }
    /// The administrator's orders for the open account's device (null when signed out or
    /// locked).
    client::RemoteWipe* remote_wipe() const { return remote_wipe_.get(); }
    /// The desktop notifications of the signed-in shell (null when signed out or locked).
    TrayNotifier* tray_notifier() const { return tray_notifier_; }
    /// This installation's device identity (its device id once the server assigned one).
    const client::DeviceIdentity& device() const { return device_; }
    QString data_directory() const;

    /// Locks now, as the idle timeout does.
    void lock();
    /// True while the kept device is being opened (Argon2id) off the UI thread for a sign-in;
    /// the sign-in's buttons are disabled meanwhile.
    bool preparing_device() const { return preparing_ != nullptr; }
    /// After a sign-in: the account's key and storage are being opened (Argon2id on a worker).
    bool opening_account() const { return opening_ != nullptr; }

private:
    struct LockedAccount {
        QString user_id;
        QString display_name;
    };

    void start_sign_in(const QString& server, const QString& organization, const QString& username,
                       const QString& password);
    bool use_server(const QUrl& url);
    void on_step(client::Session::Step step);
    void on_signed_in(const client::SessionInfo& info);
    void on_session_ended(const QString& reason);
    void show_shell();
    void drop_shell();
    void sign_out();
    void start_over();
    /// Ends the session on the server and here; a sign-in started before the server answered
    /// waits for it (the server refuses auth.login on a connection that still has a session).
    void end_session();
    /// Finds the kept device of the account being signed in (or makes a new one) on a worker
    /// thread, since unlocking the key file runs Argon2id; then, on this thread, signs in.
    void prepare_device_and_sign_in(const QString& organization, const QString& username,
                                    const QString& password);
    /// After the sign-in: keeps the device and opens the account's storage (the key file's
    /// Argon2id on a worker thread, client::AccountOpening), then on_account_opened.
    void open_account(const client::SessionInfo& info);
    /// The account's storage is open (or why not): starts the engine and shows the shell.
    void on_account_opened(const client::SessionInfo& info, client::KeptAccount kept);
    /// Destroys the engine, the keep-alive and the storage (closing the store, zeroing the key),
    /// and the remote wipe's watch.
    void close_account();
    /// close_account() without the remote wipe's watch (which is running the wipe).
    void close_account_data();
    void watch_device_orders();
    void on_wiped_out(bool erased, bool confirmed);
    bool wiping() const;
    void forget_password();

    struct DeferredSignIn {
        QString organization;
        QString username;
        QString password;
    };

    AppOptions options_;
    QString device_name_;
    QString device_platform_;
    client::DeviceIdentity device_;
    client::KeychainKeyStore keychain_;
    std::shared_ptr<client::DeviceKeeper> keeper_;
    /// The worker opening the kept device (Argon2id) for the sign-in being started, or null.
    QThread* preparing_ = nullptr;
    /// Counts sign-ins started and abandoned: a preparation that finishes for an older one is
    /// dropped.
    quint64 sign_in_attempt_ = 0;
    /// The password that protects the key file, from the sign-in until the account is open
    /// (the new one after a password change).
    QString key_password_;
    std::unique_ptr<client::ServerConnection> connection_;
    std::unique_ptr<client::Session> session_;
    QUrl url_;
    QString organization_;
    QString username_;
    QStackedWidget* stack_ = nullptr;
    SignInWidget* sign_in_ = nullptr;
    MainShell* shell_ = nullptr;
    TrayNotifier* tray_notifier_ = nullptr;  ///< a child of the shell
    IdleWatcher idle_;
    std::optional<LockedAccount> locked_;
    bool recovery_codes_pending_ = false;
    bool ending_on_purpose_ = false;
    bool logout_pending_ = false;
    std::optional<DeferredSignIn> deferred_sign_in_;
    /// The account being opened after the sign-in, or null.
    std::unique_ptr<client::AccountOpening> opening_;
    std::unique_ptr<client::AccountStorage> storage_;
    std::unique_ptr<client::GroupEngine> engine_;
    std::unique_ptr<client::SessionKeepAlive> keep_alive_;
    std::unique_ptr<client::RemoteWipe> remote_wipe_;
};

}  // namespace wardline::app
