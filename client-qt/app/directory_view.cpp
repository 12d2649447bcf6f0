// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/directory_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/app/presence_icon.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

using Directory = client::DirectoryModel;

/// Puts the presence icon before each colleague's line (the line names the presence too).
class PresenceDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        option->icon =
            presence_icon(index.data(Directory::PresenceRole).toString(), option->palette);
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->decorationSize = QSize(16, 16);
    }
};

}  // namespace

DirectoryView::DirectoryView(client::ColleagueDirectory& colleagues, const QString& own_user_id,
                             QWidget* parent)
    : QWidget(parent), model_(colleagues, own_user_id) {
    setObjectName(QStringLiteral("directoryView"));
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    name_ = named_field(this, "directoryNameField", tr("Colleague's name"));
    name_->setPlaceholderText(tr("Name or username"));
    name_->setMaxLength(100);
    department_ = named_field(this, "directoryDepartmentField", tr("Department"));
    department_->setPlaceholderText(tr("Department"));
    department_->setMaxLength(100);
    role_ = new QComboBox(this);
    role_->setObjectName(QStringLiteral("directoryRolePicker"));
    role_->setAccessibleName(tr("Role"));
    role_->addItem(tr("Any role"), QString());
    for (const auto& r : default_roles()) role_->addItem(r, r);
    on_call_only_ = new QCheckBox(tr("On call &now only"), this);
    on_call_only_->setObjectName(QStringLiteral("directoryOnCallCheck"));
    on_call_only_->setAccessibleName(tr("Only colleagues on call now"));
    auto* find = named_button(this, "directorySearchButton", tr("&Search"));
    find->setAutoDefault(false);
    filters->addWidget(name_, 2);
    filters->addWidget(department_, 1);
    filters->addWidget(role_);
    filters->addWidget(on_call_only_);
    filters->addWidget(find);

    results_ = new QListView(this);
    results_->setObjectName(QStringLiteral("directoryList"));
    results_->setAccessibleName(tr("Colleagues found"));
    results_->setModel(&model_);
    results_->setItemDelegate(new PresenceDelegate(results_));
    results_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("directoryStatus"));
    message_ = named_button(this, "directoryMessageButton", tr("&Message"));
    message_->setEnabled(false);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(status_, 1);
    bottom->addWidget(message_);
    layout->addLayout(filters);
    layout->addWidget(results_, 1);
    layout->addLayout(bottom);

    connect(find, &QPushButton::clicked, this, &DirectoryView::search);
    for (auto* field : {name_, department_})
        connect(field, &QLineEdit::returnPressed, this, &DirectoryView::search);
    connect(results_, &QListView::activated, this, &DirectoryView::message_current);
    connect(message_, &QPushButton::clicked, this, &DirectoryView::message_current);
    connect(&model_, &QAbstractItemModel::modelReset, this,
            [this] { message_->setEnabled(false); });
    connect(results_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { message_->setEnabled(current.isValid()); });
    connect(&model_, &Directory::searchFinished, this, [this](const QString& error) {
        if (!error.isEmpty()) {
            status_->setText(admin_message_for(error, {}));
            return;
        }
        const int n = model_.rowCount();
        status_->setText(n == 0 ? tr("Nobody matches.") : tr("%n colleague(s) found", "", n));
        if (n > 0) results_->setCurrentIndex(model_.index(0));
    });
}

QString DirectoryView::status() const {
    return status_->text();
}

void DirectoryView::search() {
    client::DirectoryQuery q;
    q.text = name_->text();
    q.department = department_->text();
    q.role = role_->currentData().toString();
    if (on_call_only_->isChecked()) q.on_call = true;
    status_->setText(tr("Searching…"));
    model_.search(q);
}

void DirectoryView::message_current() {
    const auto* c = model_.at(results_->currentIndex().row());
    if (c) emit messageRequested(c->id);
}

}  // namespace wardline::app
