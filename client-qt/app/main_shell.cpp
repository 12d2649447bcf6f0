// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/main_shell.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/audit_view.hpp"
#include "client-qt/app/org_policy_view.hpp"
#include "client-qt/app/template_admin_view.hpp"
#include "client-qt/app/user_admin_view.hpp"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QShortcut>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace wardline::app {

MainShell::MainShell(client::ServerConnection& connection, const client::SessionInfo& info,
                     client::GroupEngine& /*engine*/, client::LocalStore& /*store*/,
                     QWidget* parent)
    : QWidget(parent), connection_(connection) {
    setObjectName(QStringLiteral("mainShell"));
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    auto* who = new QLabel(tr("Signed in as %1 (%2)").arg(info.display_name, info.username), this);
    who->setObjectName(QStringLiteral("identityLabel"));
    auto* lock = new QPushButton(tr("&Lock"), this);
    lock->setObjectName(QStringLiteral("lockButton"));
    lock->setAccessibleName(tr("Lock Wardline"));
    lock->setToolTip(tr("Lock now (Ctrl+L)"));
    auto* sign_out = new QPushButton(tr("Sign &out"), this);
    sign_out->setObjectName(QStringLiteral("signOutButton"));
    sign_out->setAccessibleName(tr("Sign out"));
    header->addWidget(who, 1);
    header->addWidget(lock);
    header->addWidget(sign_out);
    layout->addLayout(header);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("mainTabs"));
    tabs_->setAccessibleName(tr("Views"));
    tabs_->tabBar()->setAccessibleName(tr("Views"));
    auto* conversations_page = new QWidget(tabs_);
    auto* conversations_layout = new QVBoxLayout(conversations_page);
    conversations_status_ = new QLabel(conversations_page);
    conversations_status_->setObjectName(QStringLiteral("conversationsStatus"));
    conversations_status_->setWordWrap(true);
    conversations_ = new QListWidget(conversations_page);
    conversations_->setObjectName(QStringLiteral("conversationList"));
    conversations_->setAccessibleName(tr("Your conversations"));
    conversations_layout->addWidget(conversations_status_);
    conversations_layout->addWidget(conversations_, 1);
    tabs_->addTab(conversations_page, tr("&Conversations"));
    if (info.permissions.contains(kUsersRead)) {
        user_admin_ = new UserAdminView(connection_, info.permissions, tabs_);
        tabs_->addTab(user_admin_, tr("&Users"));
    }
    if (info.permissions.contains(kOrgSettings)) {
        org_policy_ = new OrgPolicyView(connection_, tabs_);
        tabs_->addTab(org_policy_, tr("O&rganization"));
        template_admin_ = new TemplateAdminView(connection_, tabs_);
        tabs_->addTab(template_admin_, tr("&Templates"));
    }
    if (info.permissions.contains(kAuditRead)) {
        audit_view_ = new AuditView(connection_, tabs_);
        tabs_->addTab(audit_view_, tr("&Audit"));
    }
    layout->addWidget(tabs_, 1);

    connect(lock, &QPushButton::clicked, this, &MainShell::lockRequested);
    auto* lock_key = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(lock_key, &QShortcut::activated, this, &MainShell::lockRequested);
    connect(sign_out, &QPushButton::clicked, this, &MainShell::signOutRequested);
    load_conversations();
}

void MainShell::load_conversations() {
    conversations_status_->setText(tr("Loading your conversations…"));
    QPointer<MainShell> self(this);
    connection_.request(
        QStringLiteral("conversations.list"), {{QStringLiteral("limit"), 200}},
        [self](const client::ServerResponse& r) {
            if (!self) return;
            if (!r.ok) {
                self->conversations_status_->setText(
                    admin_message_for(r.error_code, r.error_message));
                return;
            }
            const auto list = r.body.value(QLatin1String("conversations")).toArray();
            for (const auto& value : list) {
                const auto c = value.toObject();
                QString title = c.value(QLatin1String("title")).toString();
                const QString kind = c.value(QLatin1String("kind")).toString();
                if (title.isEmpty()) title = tr("Untitled %1 conversation").arg(kind);
                if (c.value(QLatin1String("archived")).toBool()) title += tr(" (archived)");
                self->conversations_->addItem(title);
            }
            self->conversations_status_->setText(
                list.isEmpty() ? tr("You are not a member of any conversation yet.")
                               : tr("%n conversation(s)", "", static_cast<int>(list.size())));
        });
}

}  // namespace wardline::app
