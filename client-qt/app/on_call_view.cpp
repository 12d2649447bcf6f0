// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/on_call_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace wardline::app {

using Teams = client::OnCallModel;

OnCallView::OnCallView(client::ServerConnection& connection, QWidget* parent)
    : QWidget(parent), model_(connection) {
    setObjectName(QStringLiteral("onCallView"));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    filter_ = named_field(this, "onCallFilterField", tr("Who is on call for (team name)"));
    filter_->setPlaceholderText(tr("Who is on call for… (team name)"));
    filter_->setMaxLength(100);
    auto* refresh = named_button(this, "onCallRefreshButton", tr("&Refresh"));
    top->addWidget(filter_, 1);
    top->addWidget(refresh);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(&model_);
    proxy_->setFilterRole(Teams::TeamNameRole);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    teams_ = new QListView(this);
    teams_->setObjectName(QStringLiteral("onCallList"));
    teams_->setAccessibleName(tr("Teams and who is on call now"));
    teams_->setModel(proxy_);
    teams_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    teams_->setWordWrap(true);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("onCallStatus"));
    message_primary_ = named_button(this, "messagePrimaryButton", tr("Message &primary"));
    message_backup_ = named_button(this, "messageBackupButton", tr("Message &backup"));
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(status_, 1);
    bottom->addWidget(message_primary_);
    bottom->addWidget(message_backup_);
    layout->addLayout(top);
    layout->addWidget(teams_, 1);
    layout->addLayout(bottom);

    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(refresh, &QPushButton::clicked, this, &OnCallView::reload);
    connect(teams_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &OnCallView::update_buttons);
    const auto select_first = [this] {
        if (!teams_->currentIndex().isValid() && proxy_->rowCount() > 0) select(0);
        update_buttons();
    };
    connect(proxy_, &QAbstractItemModel::dataChanged, this, &OnCallView::update_buttons);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &OnCallView::update_buttons);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &OnCallView::update_buttons);
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, select_first);
    connect(filter_, &QLineEdit::textChanged, this, select_first);
    connect(message_primary_, &QPushButton::clicked, this, [this] {
        if (const auto* t = current_team(); t && t->primary)
            emit messageRequested(t->primary->user_id);
    });
    connect(message_backup_, &QPushButton::clicked, this, [this] {
        if (const auto* t = current_team(); t && !t->backups.empty())
            emit messageRequested(t->backups.front().user_id);
    });
    connect(teams_, &QListView::activated, this, [this] {
        if (const auto* t = current_team(); t && t->primary)
            emit messageRequested(t->primary->user_id);
    });
    connect(&model_, &Teams::failed, this,
            [this](const QString& error) { status_->setText(admin_message_for(error, {})); });
    connect(&model_, &Teams::loadedChanged, this, [this] {
        if (!model_.loaded()) return;
        if (model_.rowCount() == 0 && status_->text().isEmpty())
            status_->setText(tr("Your organization has no on-call teams yet."));
        if (!teams_->currentIndex().isValid() && proxy_->rowCount() > 0) select(0);
        update_buttons();
    });
    update_buttons();
}

void OnCallView::reload() {
    status_->clear();
    model_.reload();
}

void OnCallView::select(int row) {
    teams_->setCurrentIndex(proxy_->index(row, 0));
}

const client::OnCallTeam* OnCallView::current_team() const {
    const QModelIndex current = teams_->currentIndex();
    if (!current.isValid()) return nullptr;
    return model_.at(proxy_->mapToSource(current).row());
}

void OnCallView::update_buttons() {
    const auto* t = current_team();
    message_primary_->setEnabled(t && t->primary);
    message_backup_->setEnabled(t && !t->backups.empty());
}

}  // namespace wardline::app
