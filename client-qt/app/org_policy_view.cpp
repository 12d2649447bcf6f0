// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/org_policy_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

// The server's limits (docs/protocol.md, org.set_policy), in the units the view shows.
QSpinBox* spin(QWidget* parent, const char* object_name, const QString& accessible_name, int min,
               int max, const QString& suffix) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(QLatin1String(object_name));
    s->setAccessibleName(accessible_name);
    s->setRange(min, max);
    s->setSuffix(suffix);
    // The editor inside takes the focus: it carries the same name.
    if (auto* editor = s->findChild<QLineEdit*>()) editor->setAccessibleName(accessible_name);
    return s;
}

int seconds_to_minutes(const QJsonObject& policy, const char* key) {
    return static_cast<int>(policy.value(QLatin1String(key)).toInteger() / 60);
}

}  // namespace

OrgPolicyView::OrgPolicyView(client::ServerConnection& connection, QWidget* parent)
    : QWidget(parent), connection_(connection) {
    setObjectName(QStringLiteral("orgPolicyView"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    mfa_required_ = new QCheckBox(tr("Every user needs an authenticator code to sign in"), this);
    mfa_required_->setObjectName(QStringLiteral("mfaRequiredCheck"));
    mfa_required_->setAccessibleName(tr("Require an authenticator code"));
    idle_minutes_ =
        spin(this, "idleTimeoutField", tr("Idle timeout in minutes"), 1, 30, tr(" min"));
    lifetime_minutes_ = spin(this, "sessionLifetimeField", tr("Longest session in minutes"), 5,
                             24 * 60, tr(" min"));
    lockout_ = spin(this, "lockoutThresholdField", tr("Failed sign-ins before an account locks"), 3,
                    100, QString());
    break_glass_minutes_ = spin(this, "breakGlassMinutesField",
                                tr("Break-glass access duration in minutes"), 5, 240, tr(" min"));
    form->addRow(tr("Two-factor sign-in"), mfa_required_);
    form->addRow(tr("Lock after &idle"), idle_minutes_);
    form->addRow(tr("Sign out after"), lifetime_minutes_);
    form->addRow(tr("Lock account after failed sign-ins"), lockout_);
    form->addRow(tr("Break-glass access lasts"), break_glass_minutes_);
    notification_detail_ = new QComboBox(this);
    notification_detail_->setObjectName(QStringLiteral("notificationDetailField"));
    notification_detail_->setAccessibleName(tr("What notifications may show"));
    // Never the message, the conversation's name or patient details: no level offers them.
    notification_detail_->addItem(tr("Only that a message came, and its priority"),
                                  QStringLiteral("minimal"));
    notification_detail_->addItem(tr("Priority and kind of conversation (default)"),
                                  QStringLiteral("kind"));
    notification_detail_->addItem(tr("Priority, kind of conversation and sender's name"),
                                  QStringLiteral("sender"));
    form->addRow(tr("Notifications sho&w"), notification_detail_);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    save_ = named_button(this, "savePolicyButton", tr("Sa&ve settings"));
    reload_ = named_button(this, "reloadPolicyButton", tr("&Discard changes"));
    buttons->addWidget(save_);
    buttons->addWidget(reload_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("policyStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    layout->addStretch(1);

    connect(save_, &QPushButton::clicked, this, &OrgPolicyView::save);
    connect(reload_, &QPushButton::clicked, this, &OrgPolicyView::reload);
    reload();
}

void OrgPolicyView::reload() {
    loaded_ = false;
    save_->setEnabled(false);
    status_->setText(tr("Loading the organization's settings…"));
    QPointer<OrgPolicyView> self(this);
    connection_.request(
        QStringLiteral("org.get_policy"), {}, [self](const client::ServerResponse& r) {
            if (!self) return;
            if (!r.ok) {
                self->status_->setText(admin_message_for(r.error_code, r.error_message));
                return;
            }
            self->show_policy(r.body.value(QLatin1String("policy")).toObject());
            self->status_->setText(tr("These are the settings in force."));
        });
}

void OrgPolicyView::show_policy(const QJsonObject& policy) {
    mfa_required_->setChecked(policy.value(QLatin1String("mfa_required")).toBool());
    idle_minutes_->setValue(seconds_to_minutes(policy, "session_idle_timeout_seconds"));
    lifetime_minutes_->setValue(seconds_to_minutes(policy, "session_absolute_lifetime_seconds"));
    lockout_->setValue(policy.value(QLatin1String("lockout_threshold")).toInt());
    break_glass_minutes_->setValue(policy.value(QLatin1String("break_glass_minutes")).toInt());
    const int detail = notification_detail_->findData(
        policy.value(QLatin1String("notification_detail")).toString(QStringLiteral("minimal")));
    notification_detail_->setCurrentIndex(detail >= 0 ? detail : 0);
    loaded_ = true;
    save_->setEnabled(true);
}

void OrgPolicyView::save() {
    if (!loaded_) return;
    const QJsonObject body{
        {QStringLiteral("mfa_required"), mfa_required_->isChecked()},
        {QStringLiteral("session_idle_timeout_seconds"), idle_minutes_->value() * 60},
        {QStringLiteral("session_absolute_lifetime_seconds"), lifetime_minutes_->value() * 60},
        {QStringLiteral("lockout_threshold"), lockout_->value()},
        {QStringLiteral("break_glass_minutes"), break_glass_minutes_->value()},
        {QStringLiteral("notification_detail"), notification_detail_->currentData().toString()}};
    save_->setEnabled(false);
    status_->setText(tr("Saving…"));
    QPointer<OrgPolicyView> self(this);
    connection_.request(
        QStringLiteral("org.set_policy"), body, [self](const client::ServerResponse& r) {
            if (!self) return;
            self->save_->setEnabled(true);
            if (!r.ok) {
                self->status_->setText(admin_message_for(r.error_code, r.error_message));
                return;
            }
            const QJsonObject policy = r.body.value(QLatin1String("policy")).toObject();
            self->show_policy(policy);
            QString text =
                tr("Saved. New sign-ins use these settings; sessions already running keep "
                   "their timeouts and learn what notifications may show when they next "
                   "reconnect.");
            if (!policy.value(QLatin1String("mfa_required")).toBool())
                text +=
                    QLatin1Char(' ') + tr("Warning: users can now sign in with a password alone.");
            self->status_->setText(text);
        });
}

QString OrgPolicyView::status() const {
    return status_->text();
}

}  // namespace wardline::app
