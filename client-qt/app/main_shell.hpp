// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a signed-in user sees (issue #6), for now: who is signed in, the titles of their
// conversations as conversations.list returns them (read-only: reading and writing messages
// come with the MLS engine), and the users view for holders of users.read. The shell is built
// at sign-in and destroyed whole on lock and sign-out, so nothing it showed stays in memory
// behind the lock screen.
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <QWidget>

class QLabel;
class QListWidget;
class QTabWidget;

namespace wardline::app {

class AuditView;
class OrgPolicyView;
class TemplateAdminView;
class UserAdminView;

class MainShell : public QWidget {
    Q_OBJECT
public:
    /// `engine` and `store` are the signed-in account's (MainWindow owns them and destroys
    /// the shell first).
    MainShell(client::ServerConnection& connection, const client::SessionInfo& info,
              client::GroupEngine& engine, client::LocalStore& store, QWidget* parent = nullptr);

    /// The users view, or null when the user's roles do not grant users.read.
    UserAdminView* user_admin() const { return user_admin_; }
    QListWidget* conversations() const { return conversations_; }
    /// The compliance view, or null without audit.read.
    AuditView* audit_view() const { return audit_view_; }
    /// The organization settings, or null without org.settings.
    OrgPolicyView* org_policy() const { return org_policy_; }
    /// The message templates, or null without org.settings.
    TemplateAdminView* template_admin() const { return template_admin_; }

signals:
    void lockRequested();
    void signOutRequested();

private:
    void load_conversations();

    client::ServerConnection& connection_;
    QTabWidget* tabs_ = nullptr;
    QListWidget* conversations_ = nullptr;
    QLabel* conversations_status_ = nullptr;
    UserAdminView* user_admin_ = nullptr;
    AuditView* audit_view_ = nullptr;
    OrgPolicyView* org_policy_ = nullptr;
    TemplateAdminView* template_admin_ = nullptr;
};

}  // namespace wardline::app
