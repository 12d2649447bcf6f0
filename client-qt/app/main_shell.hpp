// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a signed-in user sees (issue #6): who is signed in, the chat (ChatView, over the
// account's local store and MLS engine, kept in step by a MessageRecorder), the directory and
// the on-call view (both open direct conversations in the chat), the on-call schedule for
// holders of org.settings, the users view
// for holders of users.read, the organization and templates views for org.settings, the
// audit view for audit.read, the retention view for retention.manage and the legal-hold view
// for legal_hold.manage. The shell is built at sign-in and destroyed whole on lock and
// sign-out, so nothing it showed stays in memory behind the lock screen.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTabWidget;

namespace wardline::app {

class AuditView;
class ChatView;
class DirectoryView;
class LegalHoldAdminView;
class OnCallView;
class ShiftAdminView;
class NotificationSettingsDialog;
class OrgPolicyView;
class RetentionAdminView;
class TemplateAdminView;
class UserAdminView;

class MainShell : public QWidget {
    Q_OBJECT
public:
    /// `engine` and `store` are the signed-in account's; both outlive the shell.
    MainShell(client::ServerConnection& connection, const client::SessionInfo& info,
              client::GroupEngine& engine, client::LocalStore& store, QWidget* parent = nullptr);
    ~MainShell() override;

    /// The users view, or null when the user's roles do not grant users.read.
    UserAdminView* user_admin() const { return user_admin_; }
    ChatView* chat() const { return chat_; }
    client::MessageRecorder& recorder() { return recorder_; }
    client::GroupEngine& engine() { return engine_; }
    client::ColleagueDirectory& colleagues() { return colleagues_; }
    /// Shows the chat tab with `conversation_id` open (a notification was clicked).
    void open_conversation(const QString& conversation_id);
    /// The compliance view, or null without audit.read.
    AuditView* audit_view() const { return audit_view_; }
    /// The organization settings, or null without org.settings.
    OrgPolicyView* org_policy() const { return org_policy_; }
    /// The message templates, or null without org.settings.
    TemplateAdminView* template_admin() const { return template_admin_; }
    /// The administrator quarantined this device (true) or released it (false): a notice above
    /// the views and no sending while it lasts; on release the conversations are read again.
    void set_quarantined(bool quarantined);
    bool quarantined() const { return quarantined_; }
    DirectoryView* directory() const { return directory_; }
    OnCallView* on_call() const { return on_call_; }
    /// The on-call schedule, or null without org.settings.
    ShiftAdminView* shift_admin() const { return shift_admin_; }
    QTabWidget* tabs() const { return tabs_; }
    /// Opens the user's own notification settings (the "Quiet hours" button, Alt+Q).
    void open_notification_settings();
    /// The open notification settings dialog, or null.
    NotificationSettingsDialog* notification_settings() const;
    /// The retention policies, or null without retention.manage.
    RetentionAdminView* retention_admin() const { return retention_admin_; }
    /// The legal holds, or null without legal_hold.manage.
    LegalHoldAdminView* legal_hold_admin() const { return legal_hold_admin_; }

signals:
    void lockRequested();
    void signOutRequested();
    /// The user saved new quiet hours.
    void quietHoursChanged(const wardline::client::QuietHours& quiet);

private:
    client::ServerConnection& connection_;
    client::GroupEngine& engine_;
    client::NotificationDetail notification_detail_;
    QPointer<NotificationSettingsDialog> notification_settings_;
    client::ColleagueDirectory colleagues_;
    client::MessageRecorder recorder_;
    QTabWidget* tabs_ = nullptr;
    QLabel* quarantine_notice_ = nullptr;
    bool quarantined_ = false;
    ChatView* chat_ = nullptr;
    UserAdminView* user_admin_ = nullptr;
    AuditView* audit_view_ = nullptr;
    OrgPolicyView* org_policy_ = nullptr;
    TemplateAdminView* template_admin_ = nullptr;
    DirectoryView* directory_ = nullptr;
    OnCallView* on_call_ = nullptr;
    ShiftAdminView* shift_admin_ = nullptr;
    RetentionAdminView* retention_admin_ = nullptr;
    LegalHoldAdminView* legal_hold_admin_ = nullptr;
};

}  // namespace wardline::app
