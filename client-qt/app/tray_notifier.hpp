// SPDX-License-Identifier: Apache-2.0
#pragma once
// Desktop notifications of incoming messages (docs/client.md, "Notifications"), through the
// system tray when the desktop has one (QSystemTrayIcon::isSystemTrayAvailable; otherwise it
// shows nothing). Only messages from others, stored while the window is not the active one,
// are announced; the user's own messages (from any of their devices) never are. The text comes
// from client::notification_text: the priority, and as far as the organization's level allows
// the kind of conversation and the sender; never PHI. During the user's quiet hours routine
// messages are not announced (nor gathered); urgent and critical ones are. Messages that
// arrive within a few seconds of a notification are gathered into one ("3 new messages"), so a
// catch-up after a reconnect does not flood the desktop. Clicking the notification asks for its
// conversation to be opened (conversationRequested).
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/notification_text.hpp"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <QDateTime>

#include <chrono>
#include <functional>

class QSystemTrayIcon;
class QWidget;

namespace wardline::app {

class TrayNotifier : public QObject {
    Q_OBJECT
public:
    /// `recorder`, `store` and `colleagues` are the signed-in account's and outlive this object;
    /// `window` is the one whose activity silences notifications.
    TrayNotifier(client::MessageRecorder& recorder, client::LocalStore& store,
                 client::ColleagueDirectory& colleagues, QWidget* window,
                 client::NotificationPolicy policy = {}, QObject* parent = nullptr);
    ~TrayNotifier() override;

    /// True when the desktop has a system tray (notifications are shown there).
    bool tray_available() const { return tray_ != nullptr; }
    /// What clicking the last notification does: asks for its conversation.
    void open_last();
    /// How long after a notification further messages are gathered into one.
    void set_gathering_period(std::chrono::milliseconds period);
    /// The policy from the session (login, resume, the user's own quiet hours changed).
    void set_policy(const client::NotificationPolicy& policy) { policy_ = policy; }
    const client::NotificationPolicy& policy() const { return policy_; }
    /// What "now" is for quiet hours (tests); the system clock by default.
    void set_clock(std::function<QDateTime()> clock) { clock_ = std::move(clock); }

signals:
    /// A notification is due with `text` (shown in the tray when there is one).
    void notificationShown(const QString& conversation_id,
                           const wardline::client::NotificationText& text);
    void conversationRequested(const QString& conversation_id);

private:
    void on_message_added(const QString& conversation_id, qint64 seq);
    void flush_gathered();
    void show(const QString& conversation_id, const client::NotificationText& text,
              client::Priority priority);

    client::MessageRecorder& recorder_;
    client::LocalStore& store_;
    client::ColleagueDirectory& colleagues_;
    QPointer<QWidget> window_;
    client::NotificationPolicy policy_;
    std::function<QDateTime()> clock_ = [] { return QDateTime::currentDateTimeUtc(); };
    QSystemTrayIcon* tray_ = nullptr;
    QTimer quiet_;  ///< runs after each notification; what arrives meanwhile is gathered
    QString last_conversation_;
    int gathered_ = 0;
    client::Priority gathered_highest_ = client::Priority::routine;
    QString gathered_conversation_;
    client::NotificationText gathered_text_;  ///< the single gathered message's text
};

}  // namespace wardline::app
