// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/tray_notifier.hpp"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QWidget>

#include <algorithm>

namespace wardline::app {

TrayNotifier::TrayNotifier(client::MessageRecorder& recorder, client::LocalStore& store,
                           client::ColleagueDirectory& colleagues, QWidget* window,
                           client::NotificationPolicy policy, QObject* parent)
    : QObject(parent),
      recorder_(recorder),
      store_(store),
      colleagues_(colleagues),
      window_(window),
      policy_(policy) {
    quiet_.setSingleShot(true);
    quiet_.setInterval(std::chrono::seconds(3));
    connect(&quiet_, &QTimer::timeout, this, &TrayNotifier::flush_gathered);
    connect(&recorder_, &client::MessageRecorder::messageAdded, this,
            &TrayNotifier::on_message_added);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        tray_ = new QSystemTrayIcon(this);
        const QIcon icon =
            window && !window->windowIcon().isNull()
                ? window->windowIcon()
                : QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
        tray_->setIcon(icon);
        tray_->setToolTip(tr("Wardline"));  // never a count or a name: it is always visible
        connect(tray_, &QSystemTrayIcon::messageClicked, this, &TrayNotifier::open_last);
        connect(tray_, &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason r) {
                    if (r == QSystemTrayIcon::Trigger) open_last();
                });
        tray_->show();
    }
}

TrayNotifier::~TrayNotifier() {
    if (tray_) tray_->hide();
}

void TrayNotifier::set_gathering_period(std::chrono::milliseconds period) {
    quiet_.setInterval(period);
}

void TrayNotifier::on_message_added(const QString& conversation_id, qint64 seq) {
    if (window_ && window_->isActiveWindow()) return;  // the user is looking at Wardline
    std::optional<client::StoredMessage> message;
    std::optional<client::StoredConversation> conversation;
    try {
        message = store_.message(conversation_id, seq);
        conversation = store_.conversation(conversation_id);
    } catch (const client::LocalStoreError&) {
        return;  // the recorder reports store errors
    }
    if (!message || message->state != client::MessageState::received ||
        message->sender_user_id == recorder_.user_id())
        return;
    if (!client::should_notify(message->priority, policy_, clock_())) return;  // quiet hours
    if (!conversation) {
        conversation = client::StoredConversation{};
        conversation->id = conversation_id;
    }
    const auto text = client::notification_text(
        *conversation, *message, colleagues_.display_name(message->sender_user_id), policy_);
    if (!quiet_.isActive()) {
        show(conversation_id, text, message->priority);
        return;
    }
    ++gathered_;
    gathered_highest_ = std::max(gathered_highest_, message->priority);
    gathered_conversation_ = conversation_id;
    gathered_text_ = text;
}

void TrayNotifier::flush_gathered() {
    if (gathered_ == 0) return;
    if (window_ && window_->isActiveWindow()) {
        gathered_ = 0;  // the user came back to Wardline meanwhile and sees them there
        gathered_highest_ = client::Priority::routine;
        gathered_text_ = {};
        return;
    }
    const auto text = gathered_ == 1
                          ? gathered_text_
                          : client::notification_text_for_several(gathered_, gathered_highest_);
    const auto priority = gathered_highest_;
    const QString conversation_id = gathered_conversation_;
    gathered_ = 0;
    gathered_highest_ = client::Priority::routine;
    gathered_text_ = {};
    show(conversation_id, text, priority);
}

void TrayNotifier::show(const QString& conversation_id, const client::NotificationText& text,
                        client::Priority priority) {
    last_conversation_ = conversation_id;
    quiet_.start();
    if (tray_)
        tray_->showMessage(text.title, text.body,
                           priority == client::Priority::routine ? QSystemTrayIcon::Information
                                                                 : QSystemTrayIcon::Warning);
    emit notificationShown(conversation_id, text);
}

void TrayNotifier::open_last() {
    if (!last_conversation_.isEmpty()) emit conversationRequested(last_conversation_);
}

}  // namespace wardline::app
