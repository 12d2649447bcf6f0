// SPDX-License-Identifier: Apache-2.0
#pragma once
// Signing in and staying signed in (issue #6, "Login"; docs/client.md, "Session"). Walks the
// server's login steps (auth.challenge, then auth.login signed over it with the device key,
// then as the server asks: auth.change_password after a one-time password, auth.mfa_enroll +
// auth.mfa_confirm when no TOTP is enrolled yet, auth.mfa_verify with a TOTP or a recovery
// code), keeps the session token in memory, resumes the session (auth.resume) whenever the
// connection comes back, and reports the end of the session (auth.session_ended, or a resume
// the server refuses). Every refusal comes with a message a clinician can act on; passwords
// and codes are never logged or kept.
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/notification_policy.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QObject>
#include <QStringList>

#include <optional>

namespace wardline::client {

/// The session the server bound to this connection.
struct SessionInfo {
    QString session_id;
    QString device_id;
    QString user_id;
    QString username;
    QString display_name;
    QString organization_id;
    QStringList permissions;
    qint64 expires_at_ms = 0;
    int idle_timeout_seconds = 0;
    /// What notifications may show and the user's quiet hours, as of this login or resume.
    NotificationPolicy notifications;
};

/// Why a step was refused, for the screen: `code` is the protocol's error code (or a local
/// one: timeout, unavailable, tls_refused), `message` says what to do.
struct LoginRefusal {
    QString code;
    QString message;
};

class Session : public QObject {
    Q_OBJECT
public:
    enum class Step {
        signed_out,
        password,
        change_password,
        mfa_enroll,
        mfa_confirm,
        mfa_verify,
        signed_in
    };
    Q_ENUM(Step)

    Session(ServerConnection& connection, DeviceIdentity& device, QObject* parent = nullptr);

    /// First step: organization, username, password (or the one-time password).
    void sign_in(const QString& organization, const QString& username, const QString& password);
    /// After a one-time password: the user's new password.
    void change_password(const QString& current_password, const QString& new_password);
    /// Asks the server for a new TOTP secret (mfaEnrollment carries it).
    void enroll_mfa();
    /// The first code of the new authenticator; recoveryCodes carries the ten codes.
    void confirm_mfa(const QString& code);
    /// A TOTP code, or (recovery = true) a recovery code.
    void verify_mfa(const QString& code, bool recovery = false);
    /// Binds the session of an earlier sign-in (token kept by the caller) after a restart.
    void resume(const QString& token);
    /// Ends the session on the server (and on this client).
    void sign_out();
    /// The user changed their quiet hours (account.quiet_hours.set answered): keeps the
    /// session's copy current and emits notificationPolicyChanged.
    void set_quiet_hours(const QuietHours& quiet);

    Step step() const noexcept { return step_; }
    const std::optional<SessionInfo>& info() const noexcept { return info_; }
    /// The token to resume with; empty when signed out. Keep it only in protected storage.
    const QString& token() const noexcept { return token_; }

    /// The message for a refusal with protocol error `code` during step `step`.
    static QString message_for(const QString& code, Step step, const QString& server_message);
    /// What to tell the user when the session ended for `reason` (a reason of
    /// auth.session_ended, or "resume_refused"), before the sign-in screen.
    static QString message_for_end(const QString& reason);

signals:
    void stepChanged(wardline::client::Session::Step step);
    void refused(const wardline::client::LoginRefusal& refusal);
    void mfaEnrollment(const QString& secret, const QString& otpauth_uri);
    void recoveryCodes(const QStringList& codes);
    void signedIn(const wardline::client::SessionInfo& info);
    /// What notifications may show, or when they stay silent, changed (a resume brought the
    /// organization's new level, or the user set quiet hours).
    void notificationPolicyChanged(const wardline::client::NotificationPolicy& policy);
    /// The session ended (reason as auth.session_ended names it, or "resume_refused").
    void sessionEnded(const QString& reason);

private:
    void call(const QString& type, const QJsonObject& body, Step step);
    /// auth.challenge, then auth.login signed over it; `may_retry`: a device_proof_failed
    /// answer starts once more with a new challenge.
    void send_login(const QString& organization, const QString& username, const QString& password,
                    bool may_retry);
    void on_reply(const ServerResponse& r, Step step);
    void on_event(const ServerEvent& e);
    void on_connected();
    void take_session(const QJsonObject& session);
    void end(const QString& reason);
    void set_step(Step s);

    ServerConnection& connection_;
    DeviceIdentity& device_;
    Step step_ = Step::signed_out;
    std::optional<SessionInfo> info_;
    QString token_;
    bool resuming_ = false;
};

}  // namespace wardline::client
