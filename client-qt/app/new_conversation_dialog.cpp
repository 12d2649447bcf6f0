// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/new_conversation_dialog.hpp"

#include "client-qt/app/admin_text.hpp"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace wardline::app {

NewConversationDialog::NewConversationDialog(client::ColleagueDirectory& colleagues,
                                             QString own_user_id, QWidget* parent)
    : QDialog(parent), colleagues_(colleagues), own_user_id_(std::move(own_user_id)) {
    setObjectName(QStringLiteral("newConversationDialog"));
    setWindowTitle(tr("New conversation"));
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    query_ = new QLineEdit(this);
    query_->setObjectName(QStringLiteral("colleagueSearchField"));
    query_->setAccessibleName(tr("Colleague's name"));
    query_->setPlaceholderText(tr("Name or username"));
    query_->setMaxLength(100);
    auto* find = new QPushButton(tr("&Find"), this);
    find->setObjectName(QStringLiteral("colleagueSearchButton"));
    find->setAccessibleName(tr("Find colleagues"));
    find->setAutoDefault(false);
    row->addWidget(query_, 1);
    row->addWidget(find);
    results_ = new QListWidget(this);
    results_->setObjectName(QStringLiteral("colleagueList"));
    results_->setAccessibleName(tr("Colleagues found"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("colleagueSearchStatus"));
    auto* buttons = new QDialogButtonBox(this);
    start_ = buttons->addButton(tr("&Start conversation"), QDialogButtonBox::AcceptRole);
    start_->setObjectName(QStringLiteral("startConversationButton"));
    start_->setAccessibleName(tr("Start the conversation"));
    start_->setEnabled(false);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAccessibleName(tr("Cancel"));
    layout->addLayout(row);
    layout->addWidget(results_, 1);
    layout->addWidget(status_);
    layout->addWidget(buttons);

    connect(find, &QPushButton::clicked, this, &NewConversationDialog::search);
    connect(query_, &QLineEdit::returnPressed, this, &NewConversationDialog::search);
    connect(results_, &QListWidget::currentRowChanged, this,
            [this](int r) { start_->setEnabled(r >= 0); });
    connect(results_, &QListWidget::itemActivated, this, [this] { accept(); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString NewConversationDialog::chosen() const {
    const auto* item = results_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void NewConversationDialog::search() {
    status_->setText(tr("Searching…"));
    QPointer<NewConversationDialog> self(this);
    client::DirectoryQuery q;
    q.text = query_->text();
    colleagues_.search(
        q, [self](const std::vector<client::Colleague>& found, const QString& error) {
            if (!self) return;
            self->results_->clear();
            if (!error.isEmpty()) {
                self->status_->setText(admin_message_for(error, {}));
                return;
            }
            for (const auto& c : found) {
                if (c.id == self->own_user_id_) continue;
                QString label = c.display_name;
                QStringList parts;
                for (const auto& part : {c.job_title, c.department})
                    if (!part.isEmpty()) parts << part;
                const QString where = parts.join(QStringLiteral(", "));
                if (!where.isEmpty()) label += QStringLiteral(" — ") + where;
                label += QStringLiteral(" (%1)").arg(c.presence);
                auto* item = new QListWidgetItem(label, self->results_);
                item->setData(Qt::UserRole, c.id);
            }
            self->status_->setText(self->results_->count() == 0
                                       ? tr("Nobody matches.")
                                       : tr("%n colleague(s) found", "", self->results_->count()));
            if (self->results_->count() > 0) self->results_->setCurrentRow(0);
        });
}

}  // namespace wardline::app
