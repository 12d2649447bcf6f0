// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/member_receipts_dialog.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace wardline::app {

using Receipts = client::MemberReceiptsModel;

QString receipts_refusal_text(const QString& code) {
    if (code == QLatin1String("not_found"))
        return MemberReceiptsDialog::tr(
            "Not shown: you are not a member of this conversation, or the message is gone.");
    if (code == QLatin1String("malformed"))
        return MemberReceiptsDialog::tr("The server's answer could not be read. Try Refresh.");
    if (code == QLatin1String("timeout") || code == QLatin1String("unavailable"))
        return MemberReceiptsDialog::tr(
            "The Wardline server cannot be reached; Refresh once it can.");
    return admin_message_for(code, {});
}

MemberReceiptsDialog::MemberReceiptsDialog(client::ServerConnection& connection,
                                           client::MessageRecorder& recorder,
                                           const client::ColleagueDirectory& colleagues,
                                           const QString& conversation_id, qint64 seq,
                                           const QString& heading, QWidget* parent)
    : QDialog(parent), model_(connection, recorder, colleagues, conversation_id) {
    setObjectName(QStringLiteral("memberReceiptsDialog"));
    setWindowTitle(seq > 0 ? tr("Receipts") : tr("Members"));
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(heading, this);
    title->setObjectName(QStringLiteral("memberReceiptsHeading"));
    title->setWordWrap(true);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);

    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("memberReceiptsTable"));
    table_->setAccessibleName(seq > 0 ? tr("Members and what they did with the message")
                                      : tr("Members of the conversation"));
    table_->setModel(&model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setTabKeyNavigation(false);  // Tab leaves the table; arrows move inside it
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    if (seq <= 0)
        for (int c :
             {Receipts::DeliveredColumn, Receipts::ReadColumn, Receipts::AcknowledgedColumn})
            table_->hideColumn(c);

    summary_ = new QLabel(tr("Loading…"), this);
    summary_->setObjectName(QStringLiteral("memberReceiptsSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByKeyboard | Qt::TextSelectableByMouse);
    summary_->setFocusPolicy(Qt::NoFocus);

    auto* buttons = new QDialogButtonBox(this);
    auto* refresh = named_button(this, "refreshReceiptsButton", tr("&Refresh"));
    refresh->setAutoDefault(false);
    buttons->addButton(refresh, QDialogButtonBox::ActionRole);
    auto* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("closeReceiptsButton"));
    close->setAccessibleName(tr("Close"));

    layout->addWidget(title);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);
    layout->addWidget(buttons);
    resize(620, 380);

    connect(refresh, &QPushButton::clicked, this, [this] {
        summary_->setText(tr("Loading…"));
        model_.reload();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&model_, &Receipts::failed, this, &MemberReceiptsDialog::update_summary);
    connect(&model_, &Receipts::loadedChanged, this, &MemberReceiptsDialog::update_summary);
    connect(&model_, &QAbstractItemModel::dataChanged, this, &MemberReceiptsDialog::update_summary);
    connect(&model_, &QAbstractItemModel::rowsRemoved, this, &MemberReceiptsDialog::update_summary);
    connect(&model_, &QAbstractItemModel::rowsInserted, this,
            &MemberReceiptsDialog::update_summary);
    model_.set_message(seq);
    table_->setFocus();
}

QString MemberReceiptsDialog::summary() const {
    return summary_->text();
}

void MemberReceiptsDialog::update_summary() {
    if (!model_.error().isEmpty()) {
        summary_->setText(receipts_refusal_text(model_.error()));
        return;
    }
    if (!model_.loaded()) return;  // "Loading…" until every answer is in
    const int members = model_.rowCount();
    if (model_.message() <= 0) {
        summary_->setText(members == 1 ? tr("1 member") : tr("%1 members").arg(members));
        return;
    }
    const client::ReceiptCounts c = model_.counts();
    QString s =
        tr("Delivered to %1 of %2 · read by %3").arg(c.delivered).arg(c.recipients).arg(c.read);
    if (model_.priority() != QLatin1String("routine"))
        s += tr(" · acknowledged by %1 of %2").arg(c.acknowledged).arg(c.recipients);
    if (model_.recalled()) s += tr(" · recalled");
    summary_->setText(s);
}

}  // namespace wardline::app
