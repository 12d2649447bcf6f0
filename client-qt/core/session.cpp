// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/session.hpp"

#include <QJsonArray>

namespace wardline::client {
namespace {

QString text(const QJsonObject& o, const char* key) {
    return o.value(QLatin1String(key)).toString();
}

}  // namespace

Session::Session(ServerConnection& connection, DeviceIdentity& device, QObject* parent)
    : QObject(parent), connection_(connection), device_(device) {
    QObject::connect(&connection_, &ServerConnection::event, this, &Session::on_event);
    QObject::connect(&connection_, &ServerConnection::connected, this, &Session::on_connected);
}

void Session::sign_in(const QString& organization, const QString& username,
                      const QString& password) {
    send_login(organization, username, password, true);
}

void Session::send_login(const QString& organization, const QString& username,
                         const QString& password, bool may_retry) {
    // The device proves it holds its key by signing this connection's challenge (docs/client.md,
    // "Session"): ask for one, then sign and send the login.
    connection_.request(
        QStringLiteral("auth.challenge"), {},
        [this, organization, username, password, may_retry](const ServerResponse& c) {
            if (!c.ok) {
                emit refused(LoginRefusal{
                    c.error_code, message_for(c.error_code, Step::password, c.error_message)});
                return;
            }
            const QByteArray challenge = QByteArray::fromBase64(
                c.body.value(QLatin1String("challenge")).toString().toLatin1());
            const QJsonObject body{{QStringLiteral("organization"), organization},
                                   {QStringLiteral("username"), username},
                                   {QStringLiteral("password"), password},
                                   {QStringLiteral("device"),
                                    device_.login_object(challenge, organization, username)}};
            connection_.request(
                QStringLiteral("auth.login"), body,
                [this, organization, username, password, may_retry](const ServerResponse& r) {
                    // A challenge lost with a dropped connection (the login went out on the
                    // next one) is asked again, once.
                    if (!r.ok && may_retry &&
                        r.error_code == QLatin1String("device_proof_failed")) {
                        send_login(organization, username, password, false);
                        return;
                    }
                    on_reply(r, Step::password);
                });
        });
}

void Session::change_password(const QString& current_password, const QString& new_password) {
    call(QStringLiteral("auth.change_password"),
         {{QStringLiteral("current_password"), current_password},
          {QStringLiteral("new_password"), new_password}},
         Step::change_password);
}

void Session::enroll_mfa() {
    call(QStringLiteral("auth.mfa_enroll"), {}, Step::mfa_enroll);
}

void Session::confirm_mfa(const QString& code) {
    call(QStringLiteral("auth.mfa_confirm"), {{QStringLiteral("code"), code.trimmed()}},
         Step::mfa_confirm);
}

void Session::verify_mfa(const QString& code, bool recovery) {
    call(QStringLiteral("auth.mfa_verify"),
         {{recovery ? QStringLiteral("recovery_code") : QStringLiteral("code"), code.trimmed()}},
         Step::mfa_verify);
}

void Session::resume(const QString& token) {
    token_ = token;
    resuming_ = true;
    connection_.request(
        QStringLiteral("auth.resume"),
        {{QStringLiteral("token"), token_}, {QStringLiteral("device_id"), device_.device_id}},
        [this](const ServerResponse& r) { on_reply(r, Step::signed_in); });
}

void Session::sign_out() {
    if (step_ == Step::signed_in)
        connection_.request(QStringLiteral("auth.logout"), {}, [](const ServerResponse&) {});
    end(QStringLiteral("logout"));
}

void Session::call(const QString& type, const QJsonObject& body, Step step) {
    connection_.request(type, body, [this, step](const ServerResponse& r) { on_reply(r, step); });
}

void Session::on_reply(const ServerResponse& r, Step step) {
    if (step == Step::signed_in) {  // auth.resume
        resuming_ = false;
        if (r.ok) {
            take_session(r.body.value(QLatin1String("session")).toObject());
            return;
        }
        // The server no longer knows the session: sign in again. Anything else (the connection
        // dropped again) keeps the token for the next reconnect.
        if (r.error_code == QLatin1String("unauthenticated") ||
            r.error_code == QLatin1String("bad_request"))
            end(QStringLiteral("resume_refused"));
        return;
    }
    if (!r.ok) {
        emit refused(LoginRefusal{r.error_code, message_for(r.error_code, step, r.error_message)});
        return;
    }
    if (step == Step::mfa_enroll) {
        emit mfaEnrollment(text(r.body, "secret"), text(r.body, "otpauth_uri"));
        set_step(Step::mfa_confirm);
        return;
    }
    if (step == Step::mfa_confirm) {
        QStringList codes;
        for (const auto& c : r.body.value(QLatin1String("recovery_codes")).toArray())
            codes.append(c.toString());
        emit recoveryCodes(codes);
    }
    const QString next = text(r.body, "next");
    if (next == QLatin1String("session"))
        take_session(r.body.value(QLatin1String("session")).toObject());
    else if (next == QLatin1String("change_password"))
        set_step(Step::change_password);
    else if (next == QLatin1String("mfa_enroll"))
        set_step(Step::mfa_enroll);
    else if (next == QLatin1String("mfa_verify"))
        set_step(Step::mfa_verify);
    else
        emit refused(LoginRefusal{QStringLiteral("bad_response"),
                                  QStringLiteral("The server answered in a way this version of "
                                                 "Wardline does not understand. Call IT.")});
}

void Session::set_quiet_hours(const QuietHours& quiet) {
    if (!info_ || info_->notifications.quiet_hours == quiet) return;
    info_->notifications.quiet_hours = quiet;
    emit notificationPolicyChanged(info_->notifications);
}

void Session::take_session(const QJsonObject& s) {
    SessionInfo info;
    info.session_id = text(s, "session_id");
    info.device_id = text(s, "device_id");
    const auto user = s.value(QLatin1String("user")).toObject();
    info.user_id = text(user, "id");
    info.username = text(user, "username");
    info.display_name = text(user, "display_name");
    info.organization_id = text(user, "organization_id");
    for (const auto& p : s.value(QLatin1String("permissions")).toArray())
        info.permissions.append(p.toString());
    info.expires_at_ms = static_cast<qint64>(s.value(QLatin1String("expires_at_ms")).toDouble());
    info.idle_timeout_seconds = s.value(QLatin1String("idle_timeout_seconds")).toInt();
    info.notifications = notification_policy_from_session(s);
    if (s.contains(QLatin1String("token"))) token_ = text(s, "token");
    if (!info.device_id.isEmpty()) device_.device_id = info.device_id;
    const bool policy_changed = info_ && info_->notifications != info.notifications;
    info_ = info;
    set_step(Step::signed_in);
    emit signedIn(info);
    if (policy_changed) emit notificationPolicyChanged(info.notifications);
}

void Session::on_event(const ServerEvent& e) {
    if (e.type == QLatin1String("auth.session_ended") && step_ == Step::signed_in)
        end(text(e.body, "reason"));
}

void Session::on_connected() {
    // A new connection has no session: bind the one we have before anything else goes out.
    if (!token_.isEmpty() && !resuming_ && step_ == Step::signed_in) resume(token_);
}

void Session::end(const QString& reason) {
    const bool was_signed_in = step_ == Step::signed_in;
    token_.clear();
    info_.reset();
    resuming_ = false;
    set_step(Step::signed_out);
    if (was_signed_in || reason == QLatin1String("resume_refused")) emit sessionEnded(reason);
}

void Session::set_step(Step s) {
    if (step_ == s) return;
    step_ = s;
    emit stepChanged(s);
}

QString Session::message_for(const QString& code, Step step, const QString& server_message) {
    if (code == QLatin1String("unauthenticated")) {
        if (step == Step::password)
            return QStringLiteral(
                "The organization, username or password is not right. Check them and try "
                "again; after several failed attempts, wait a few minutes. If it keeps failing, "
                "call IT.");
        if (step == Step::mfa_verify || step == Step::mfa_confirm)
            return QStringLiteral(
                "That code is not right or was used already. Wait for the next code in your "
                "authenticator app and try again.");
        return QStringLiteral("The sign-in took too long. Start again.");
    }
    // Told only after the right password (the server never tells a stranger an account's state).
    if (code == QLatin1String("account_locked"))
        return QStringLiteral(
            "Your account is locked after too many failed sign-in attempts. Call IT to unlock it.");
    if (code == QLatin1String("account_suspended"))
        return QStringLiteral("Your account is suspended, so you cannot sign in. Call IT.");
    if (code == QLatin1String("account_deactivated"))
        return QStringLiteral(
            "Your account is deactivated, so you cannot sign in. Call IT if you need access "
            "again.");
    if (code == QLatin1String("device_revoked"))
        return QStringLiteral(
            "IT revoked or wiped this computer's access to Wardline, so Wardline erased its data "
            "on this computer. Sign in again to register this computer anew, or call IT if you "
            "did not expect this.");
    if (code == QLatin1String("device_proof_failed"))
        return QStringLiteral(
            "Wardline could not prove this computer's identity to the server. Try again; if it "
            "keeps failing, call IT.");
    if (code == QLatin1String("rate_limited"))
        return QStringLiteral("Too many attempts. Wait a minute, then try again.");
    if (code == QLatin1String("timeout") || code == QLatin1String("unavailable"))
        return QStringLiteral(
            "The Wardline server cannot be reached. Check the network connection; Wardline "
            "keeps trying.");
    if (code == QLatin1String("tls_refused"))
        return QStringLiteral(
            "The server's identity could not be verified, so Wardline did not connect. Do not "
            "sign in; call IT.");
    // The server's messages never repeat what was sent (no password, no code): the password
    // rules, for instance, are explained there.
    if (!server_message.isEmpty()) return server_message;
    return QStringLiteral("The server refused this (%1).").arg(code);
}

QString Session::message_for_end(const QString& reason) {
    struct Entry {
        const char* reason;
        const char* message;
    };
    static constexpr Entry kMessages[] = {
        {"logout", "You signed out on this device. Sign in again to continue."},
        {"revoked", "This session was ended from another device or by IT. Sign in again."},
        {"idle_timeout", "You were signed out after a period without activity. Sign in again."},
        {"expired", "Your session reached its maximum length. Sign in again."},
        {"password_changed", "Your password was changed. Sign in with the new password."},
        {"user_suspended", "Your account has been suspended. Call IT."},
        {"user_deactivated", "Your account has been deactivated. Call IT."},
        {"device_revoked", "This device's access was revoked. Call IT before using it again."},
        {"credentials_reset",
         "IT reset your password or second factor. Sign in with what IT gave you."},
        {"account_locked",
         "Your account was locked after too many wrong codes, and every session ended. Call IT "
         "to unlock it."},
        {"resume_refused", "Your earlier session is no longer valid. Sign in again."},
    };
    for (const auto& e : kMessages)
        if (reason == QLatin1String(e.reason)) return QString::fromUtf8(e.message);
    return QStringLiteral("You were signed out. Sign in again.");
}

}  // namespace wardline::client
