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
#include "client-qt/app/idle_watcher.hpp"
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <QMainWindow>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QStackedWidget;

namespace wardline::app {

class MainShell;
class SignInWidget;

struct AppOptions {
    QString server;        ///< prefilled server address
    QString organization;  ///< prefilled organization
    QString username;      ///< prefilled username
    QString ca_file;       ///< the organization's CA (PEM); empty: the system's CA store
    /// Lock after this much inactivity instead of the session's idle timeout (tests).
    std::optional<std::chrono::milliseconds> idle_timeout;
    /// Where the local stores live; empty: the application's data directory.
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

    /// Locks now, as the idle timeout does.
    void lock();

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
    /// The signed-in account's local store and MLS engine, which the shell's chat uses.
    /// TEMPORARY shape (the persist branch replaces this function at merge): the engine's
    /// stores are in memory (temporary_account_storage.hpp). False when the store cannot be
    /// opened (its key is missing or does not open it).
    bool open_account_storage();
    void drop_shell();
    void sign_out();
    void start_over();
    /// Ends the session on the server and here; a sign-in started before the server answered
    /// waits for it (the server refuses auth.login on a connection that still has a session).
    void end_session();

    struct DeferredSignIn {
        QString organization;
        QString username;
        QString password;
    };

    AppOptions options_;
    client::DeviceIdentity device_;
    std::unique_ptr<client::ServerConnection> connection_;
    std::unique_ptr<client::Session> session_;
    QUrl url_;
    QString organization_;
    QString username_;
    QStackedWidget* stack_ = nullptr;
    SignInWidget* sign_in_ = nullptr;
    MainShell* shell_ = nullptr;
    IdleWatcher idle_;
    std::optional<LockedAccount> locked_;
    bool recovery_codes_pending_ = false;
    bool ending_on_purpose_ = false;
    bool logout_pending_ = false;
    std::optional<DeferredSignIn> deferred_sign_in_;
    struct AccountStorage;
    std::unique_ptr<AccountStorage> storage_;
    /// Unlocks the local key file when the keychain has none; held only from the sign-in
    /// request until open_account_storage().
    QString storage_password_;
};

}  // namespace wardline::app
