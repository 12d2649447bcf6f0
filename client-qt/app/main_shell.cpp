// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/main_shell.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/audit_view.hpp"
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/device_order_text.hpp"
#include "client-qt/app/directory_view.hpp"
#include "client-qt/app/legal_hold_admin_view.hpp"
#include "client-qt/app/on_call_view.hpp"
#include "client-qt/app/notification_settings_dialog.hpp"
#include "client-qt/app/org_policy_view.hpp"
#include "client-qt/app/retention_admin_view.hpp"
#include "client-qt/app/shift_admin_view.hpp"
#include "client-qt/app/template_admin_view.hpp"
#include "client-qt/app/user_admin_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace wardline::app {

MainShell::MainShell(client::ServerConnection& connection, const client::SessionInfo& info,
                     client::GroupEngine& engine, client::LocalStore& store, QWidget* parent)
    : QWidget(parent),
      connection_(connection),
      engine_(engine),
      notification_detail_(info.notifications.detail),
      colleagues_(connection),
      recorder_(connection, engine, store, colleagues_) {
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
    auto* quiet = new QPushButton(tr("&Quiet hours…"), this);
    quiet->setObjectName(QStringLiteral("notificationSettingsButton"));
    quiet->setAccessibleName(tr("Notification settings"));
    quiet->setToolTip(tr("Quiet hours and what notifications show (Alt+Q)"));
    header->addWidget(who, 1);
    header->addWidget(quiet);
    header->addWidget(lock);
    header->addWidget(sign_out);
    layout->addLayout(header);
    quarantine_notice_ = new QLabel(quarantine_notice(), this);
    quarantine_notice_->setObjectName(QStringLiteral("quarantineNotice"));
    quarantine_notice_->setWordWrap(true);
    quarantine_notice_->setFrameShape(QFrame::StyledPanel);
    quarantine_notice_->setMargin(8);
    quarantine_notice_->setAccessibleName(tr("Device notice"));
    quarantine_notice_->setAccessibleDescription(quarantine_notice_->text());
    quarantine_notice_->hide();
    layout->addWidget(quarantine_notice_);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("mainTabs"));
    tabs_->setAccessibleName(tr("Views"));
    tabs_->tabBar()->setAccessibleName(tr("Views"));
    chat_ = new ChatView(connection_, store, recorder_, colleagues_, tabs_);
    chat_->set_permissions(info.permissions);
    tabs_->addTab(chat_, tr("&Chat"));
    directory_ = new DirectoryView(colleagues_, info.user_id, tabs_);
    tabs_->addTab(directory_, tr("&Directory"));
    on_call_ = new OnCallView(connection_, tabs_);
    tabs_->addTab(on_call_, tr("O&n call"));
    const auto message = [this](const QString& user_id) {
        tabs_->setCurrentWidget(chat_);
        chat_->open_direct(user_id);
    };
    connect(directory_, &DirectoryView::messageRequested, this, message);
    connect(on_call_, &OnCallView::messageRequested, this, message);
    if (info.permissions.contains(kUsersRead)) {
        user_admin_ = new UserAdminView(connection_, info.permissions, tabs_);
        tabs_->addTab(user_admin_, tr("&Users"));
    }
    if (info.permissions.contains(kOrgSettings)) {
        org_policy_ = new OrgPolicyView(connection_, tabs_);
        tabs_->addTab(org_policy_, tr("O&rganization"));
        template_admin_ = new TemplateAdminView(connection_, tabs_);
        tabs_->addTab(template_admin_, tr("&Templates"));
        shift_admin_ = new ShiftAdminView(connection_, colleagues_, tabs_);
        tabs_->addTab(shift_admin_, tr("&Schedule"));
        connect(shift_admin_, &ShiftAdminView::teamCreated, on_call_, &OnCallView::reload);
    }
    if (info.permissions.contains(kAuditRead)) {
        audit_view_ = new AuditView(connection_, tabs_);
        tabs_->addTab(audit_view_, tr("&Audit"));
    }
    if (info.permissions.contains(kRetentionManage)) {
        retention_admin_ = new RetentionAdminView(connection_, colleagues_, tabs_);
        tabs_->addTab(retention_admin_, tr("R&etention"));
    }
    if (info.permissions.contains(kLegalHoldManage)) {
        legal_hold_admin_ = new LegalHoldAdminView(connection_, colleagues_, tabs_);
        tabs_->addTab(legal_hold_admin_, tr("Legal &holds"));
    }
    layout->addWidget(tabs_, 1);

    connect(lock, &QPushButton::clicked, this, &MainShell::lockRequested);
    auto* lock_key = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(lock_key, &QShortcut::activated, this, &MainShell::lockRequested);
    connect(sign_out, &QPushButton::clicked, this, &MainShell::signOutRequested);
    connect(quiet, &QPushButton::clicked, this, &MainShell::open_notification_settings);
    colleagues_.load_names();
    recorder_.start();
    directory_->search();
    on_call_->reload();
    if (shift_admin_) shift_admin_->load_teams();
}

void MainShell::open_notification_settings() {
    if (!notification_settings_) {
        notification_settings_ =
            new NotificationSettingsDialog(connection_, notification_detail_, this);
        notification_settings_->setAttribute(Qt::WA_DeleteOnClose);
        connect(notification_settings_, &NotificationSettingsDialog::quietHoursSaved, this,
                &MainShell::quietHoursChanged);
    }
    notification_settings_->show();
    notification_settings_->raise();
    notification_settings_->activateWindow();
}

NotificationSettingsDialog* MainShell::notification_settings() const {
    return notification_settings_;
}

void MainShell::open_conversation(const QString& conversation_id) {
    tabs_->setCurrentWidget(chat_);
    chat_->open(conversation_id);
}

void MainShell::set_quarantined(bool quarantined) {
    if (quarantined == quarantined_) return;
    quarantined_ = quarantined;
    quarantine_notice_->setVisible(quarantined);
    chat_->hold_sending(quarantined);
    if (!quarantined) recorder_.start();  // what changed meanwhile
}

MainShell::~MainShell() {
    delete tabs_;  // the views first: they refer to the recorder and the directory
}

}  // namespace wardline::app
