// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/retention_admin_view.hpp"

#include "client-qt/app/named_widgets.hpp"
#include "client-qt/app/retention_text.hpp"
#include "client-qt/core/colleague_directory.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wardline::app {

RetentionAdminView::RetentionAdminView(client::ServerConnection& connection,
                                       client::ColleagueDirectory& names, QWidget* parent)
    : QWidget(parent), model_(connection) {
    setObjectName(QStringLiteral("retentionAdminView"));
    model_.set_name_lookup(
        [&names](const QString& user_id) { return names.display_name(user_id); });
    auto* layout = new QVBoxLayout(this);

    auto* policies_label = new QLabel(tr("Retention &policies"), this);
    list_ = new QListView(this);
    list_->setObjectName(QStringLiteral("retentionPolicyList"));
    list_->setAccessibleName(tr("Retention policies"));
    list_->setModel(&model_);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    policies_label->setBuddy(list_);
    layout->addWidget(policies_label);
    layout->addWidget(list_, 1);

    auto* form = new QFormLayout;
    scope_ = new QComboBox(this);
    scope_->setObjectName(QStringLiteral("retentionScopeCombo"));
    scope_->setAccessibleName(tr("The policy covers"));
    scope_->addItem(tr("The whole organization"), QStringLiteral("organization"));
    scope_->addItem(tr("One conversation kind"), QStringLiteral("kind"));
    scope_->addItem(tr("One conversation"), QStringLiteral("conversation"));
    kind_ = new QComboBox(this);
    kind_->setObjectName(QStringLiteral("retentionKindCombo"));
    kind_->setAccessibleName(tr("Conversation kind"));
    for (const auto& k : client::retention_kinds()) kind_->addItem(kind_label(k), k);
    conversation_ = named_field(this, "retentionConversationField", tr("Conversation id"));
    conversation_->setPlaceholderText(tr("The conversation's id, as the audit trail shows it"));
    conversation_->setMaxLength(36);
    forever_ = new QCheckBox(tr("Keep fore&ver"), this);
    forever_->setObjectName(QStringLiteral("retentionForeverCheck"));
    forever_->setAccessibleName(tr("Keep messages forever"));
    days_ = new QSpinBox(this);
    days_->setObjectName(QStringLiteral("retentionDaysField"));
    days_->setAccessibleName(tr("Keep messages for this many days"));
    days_->setRange(1, client::kMaxRetentionDays);
    days_->setValue(365);
    days_->setSuffix(tr(" days"));
    if (auto* editor = days_->findChild<QLineEdit*>())
        editor->setAccessibleName(days_->accessibleName());
    auto* keep = new QHBoxLayout;
    keep->addWidget(days_);
    keep->addWidget(forever_);
    keep->addStretch(1);
    form->addRow(tr("&Covers"), scope_);
    form->addRow(tr("&Kind"), kind_);
    form->addRow(tr("Co&nversation"), conversation_);
    auto* keep_label = new QLabel(tr("Keep &for"), this);
    keep_label->setBuddy(days_);
    form->addRow(keep_label, keep);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    preview_button_ = named_button(this, "previewRetentionButton", tr("P&review deletion"));
    save_ = named_button(this, "saveRetentionButton", tr("Save pol&icy"));
    buttons->addWidget(preview_button_);
    buttons->addWidget(save_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    preview_ = new QLabel(this);
    preview_->setObjectName(QStringLiteral("retentionPreview"));
    preview_->setAccessibleName(tr("What the policy would delete"));
    preview_->setWordWrap(true);
    preview_->setFrameShape(QFrame::StyledPanel);
    preview_->hide();
    layout->addWidget(preview_);

    auto* pending_label = new QLabel(tr("Shortenings &waiting for a second administrator"), this);
    pending_ = new QListWidget(this);
    pending_->setObjectName(QStringLiteral("pendingChangesList"));
    pending_->setAccessibleName(tr("Shortenings waiting for a second administrator"));
    pending_label->setBuddy(pending_);
    layout->addWidget(pending_label);
    layout->addWidget(pending_);
    auto* decisions = new QHBoxLayout;
    confirm_ = named_button(this, "confirmChangeButton", tr("C&onfirm change"));
    reject_ = named_button(this, "rejectChangeButton", tr("Re&ject change"));
    decisions->addWidget(confirm_);
    decisions->addWidget(reject_);
    decisions->addStretch(1);
    layout->addLayout(decisions);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("retentionStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connect(scope_, &QComboBox::currentIndexChanged, this, &RetentionAdminView::update_form);
    connect(forever_, &QCheckBox::toggled, this, &RetentionAdminView::update_form);
    connect(preview_button_, &QPushButton::clicked, this, &RetentionAdminView::preview);
    connect(save_, &QPushButton::clicked, this, &RetentionAdminView::save);
    connect(confirm_, &QPushButton::clicked, this, [this] { decide(true); });
    connect(reject_, &QPushButton::clicked, this, [this] { decide(false); });
    connect(pending_, &QListWidget::currentRowChanged, this, [this](int row) {
        confirm_->setEnabled(row >= 0);
        reject_->setEnabled(row >= 0);
    });
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { select_policy(current.row()); });
    connect(&model_, &client::RetentionPolicyModel::listed, this,
            &RetentionAdminView::show_pending);
    connect(&names, &client::ColleagueDirectory::namesChanged, this, [this] {
        list_->viewport()->update();
        show_pending();
    });
    update_form();
    show_pending();
    reload();
}

void RetentionAdminView::reload() {
    QPointer<RetentionAdminView> self(this);
    model_.load([self](const client::AdminReply& r) {
        if (self && !r.ok) self->show_status(retention_message_for(r.error_code, r.error_message));
    });
}

client::RetentionScope RetentionAdminView::target() const {
    client::RetentionScope t;
    t.scope = scope_->currentData().toString();
    if (t.scope == QLatin1String("kind")) t.kind = kind_->currentData().toString();
    if (t.scope == QLatin1String("conversation"))
        t.conversation_id = conversation_->text().trimmed().toLower();
    return t;
}

std::optional<int> RetentionAdminView::keep_days() const {
    if (forever_->isChecked()) return std::nullopt;
    return days_->value();
}

void RetentionAdminView::update_form() {
    const QString scope = scope_->currentData().toString();
    kind_->setEnabled(scope == QLatin1String("kind"));
    conversation_->setEnabled(scope == QLatin1String("conversation"));
    days_->setEnabled(!forever_->isChecked());
    preview_button_->setEnabled(!forever_->isChecked());
}

void RetentionAdminView::select_policy(int row) {
    if (row < 0 || row >= model_.rowCount()) return;
    const auto& p = model_.policies()[static_cast<std::size_t>(row)];
    scope_->setCurrentIndex(scope_->findData(p.target.scope));
    if (!p.target.kind.isEmpty()) kind_->setCurrentIndex(kind_->findData(p.target.kind));
    conversation_->setText(p.target.conversation_id);
    forever_->setChecked(!p.keep_days.has_value());
    if (p.keep_days) days_->setValue(*p.keep_days);
    update_form();
}

void RetentionAdminView::preview() {
    const auto t = target();
    const auto days = keep_days();
    if (!days) {
        show_status(tr("Keeping messages forever deletes nothing: there is nothing to preview."));
        return;
    }
    QPointer<RetentionAdminView> self(this);
    model_.preview(t, *days,
                   [self, t, days](const client::AdminReply& r, const client::RetentionPreview& p) {
                       if (!self) return;
                       if (!r.ok) {
                           self->show_status(retention_message_for(r.error_code, r.error_message));
                           return;
                       }
                       self->previewed_ = std::make_pair(t, *days);
                       self->preview_->setText(preview_report(t, *days, p));
                       self->preview_->setAccessibleDescription(self->preview_->text());
                       self->preview_->show();
                       if (self->model_.shortens(t, days))
                           self->show_status(
                               tr("This shortens the policy. Read what it would delete, then press "
                                  "Save policy again to propose it to a second administrator."));
                       else
                           self->show_status(tr("This keeps messages at least as long as now."));
                   });
}

void RetentionAdminView::save() {
    const auto t = target();
    const auto days = keep_days();
    if (const auto problem = client::retention_scope_problem(t)) {
        show_status(*problem);
        return;
    }
    // Whether it shortens depends on what applies now, which another administrator may have
    // changed since the list was read: read it again first.
    QPointer<RetentionAdminView> self(this);
    model_.load([self, t, days](const client::AdminReply& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(retention_message_for(r.error_code, r.error_message));
            return;
        }
        self->propose(t, days);
    });
}

void RetentionAdminView::propose(const client::RetentionScope& t, std::optional<int> days) {
    // A shortening deletes messages: its dry run is shown first, for exactly these values.
    if (model_.shortens(t, days) &&
        (!previewed_ || previewed_->first != t || previewed_->second != *days)) {
        preview();
        return;
    }
    QPointer<RetentionAdminView> self(this);
    model_.set(t, days, [self, t, days](const client::AdminReply& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(retention_message_for(r.error_code, r.error_message));
            return;
        }
        self->previewed_.reset();
        self->preview_->clear();
        self->preview_->hide();
        const QString scope = client::RetentionPolicyModel::scope_text(t);
        const QString duration = client::RetentionPolicyModel::duration_text(days);
        if (r.status == QLatin1String("pending"))
            self->show_status(tr("Proposed: %1 would keep messages %2. A second administrator "
                                 "must confirm it before it applies.")
                                  .arg(scope, duration));
        else
            self->show_status(tr("Saved: %1 keeps messages %2, from now on.").arg(scope, duration));
    });
}

void RetentionAdminView::show_pending() {
    const QString selected = pending_->currentItem()
                                 ? pending_->currentItem()->data(Qt::UserRole).toString()
                                 : QString();
    const QSignalBlocker quiet(pending_);
    pending_->clear();
    const QLocale locale;
    for (const auto& c : model_.pending()) {
        const QString text =
            tr("%1: keep %2 instead of %3. Proposed by %4, %5.")
                .arg(client::RetentionPolicyModel::scope_text(c.target),
                     client::RetentionPolicyModel::duration_text(c.keep_days),
                     client::RetentionPolicyModel::duration_text(c.previous_keep_days),
                     model_.name_of(c.proposed_by),
                     locale.toString(QDateTime::fromMSecsSinceEpoch(c.proposed_ms),
                                     QLocale::ShortFormat));
        auto* item = new QListWidgetItem(text, pending_);
        item->setData(Qt::UserRole, c.id);
        if (c.id == selected) pending_->setCurrentItem(item);
    }
    confirm_->setEnabled(pending_->currentRow() >= 0);
    reject_->setEnabled(pending_->currentRow() >= 0);
}

void RetentionAdminView::decide(bool confirm) {
    auto* item = pending_->currentItem();
    if (!item) return;
    const QString change_id = item->data(Qt::UserRole).toString();
    const QString what = item->text();
    QPointer<RetentionAdminView> self(this);
    const auto done = [self, confirm, what](const client::AdminReply& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(retention_message_for(r.error_code, r.error_message));
            return;
        }
        self->show_status(confirm ? tr("Confirmed; it applies now, and the next run of the "
                                       "retention job deletes by it. %1")
                                        .arg(what)
                                  : tr("Rejected; the policy stays as it was. %1").arg(what));
    };
    if (confirm)
        model_.confirm(change_id, done);
    else
        model_.reject(change_id, done);
}

void RetentionAdminView::show_status(const QString& text) {
    status_->setText(text);
}

QString RetentionAdminView::status() const {
    return status_->text();
}

QString RetentionAdminView::preview_text() const {
    return preview_->text();
}

}  // namespace wardline::app
