// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/audit_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/app/palette_colors.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

QComboBox* named_combo(QWidget* parent, const char* object_name, const QString& accessible_name) {
    auto* c = new QComboBox(parent);
    c->setObjectName(QLatin1String(object_name));
    c->setAccessibleName(accessible_name);
    return c;
}

// Actions a compliance officer looks for most; any other can be typed.
const char* const kCommonActions[] = {
    "auth.login",       "auth.logout",        "authz.denied",        "break_glass.open",
    "break_glass.read", "break_glass.revoke", "messages.recall",     "messages.escalate",
    "user.create",      "user.set_roles",     "user.reset_password", "user.unlock",
    "device.register",  "device.revoke",      "session.revoke",      "org.policy_change",
    "audit.query",      "audit.verify",       "audit.export"};

}  // namespace

AuditView::AuditView(client::ServerConnection& connection, QWidget* parent)
    : QWidget(parent),
      connection_(connection),
      model_(new client::AuditRecordModel(connection, this)) {
    setObjectName(QStringLiteral("auditView"));
    auto* layout = new QVBoxLayout(this);

    auto* filters = new QHBoxLayout;
    action_ = named_combo(this, "auditActionField", tr("Action to show"));
    action_->setEditable(true);
    action_->addItem(QString());
    for (const char* a : kCommonActions) action_->addItem(QString::fromLatin1(a));
    action_->lineEdit()->setPlaceholderText(tr("Every action"));
    action_->lineEdit()->setAccessibleName(action_->accessibleName());
    outcome_ = named_combo(this, "auditOutcomeField", tr("Outcome to show"));
    outcome_->addItem(tr("Any outcome"), QString());
    outcome_->addItem(tr("Success"), QStringLiteral("success"));
    outcome_->addItem(tr("Failure"), QStringLiteral("failure"));
    outcome_->addItem(tr("Denied"), QStringLiteral("denied"));
    period_ = named_combo(this, "auditPeriodField", tr("Period to show"));
    period_->addItem(tr("Any time"), 0);
    period_->addItem(tr("Last 24 hours"), 1);
    period_->addItem(tr("Last 7 days"), 7);
    period_->addItem(tr("Last 30 days"), 30);
    actor_ = named_field(this, "auditActorField", tr("User id of the person who acted"));
    actor_->setPlaceholderText(tr("Who (user id)"));
    auto* search_button = named_button(this, "auditSearchButton", tr("&Search"));
    filters->addWidget(action_, 2);
    filters->addWidget(outcome_, 1);
    filters->addWidget(period_, 1);
    filters->addWidget(actor_, 2);
    filters->addWidget(search_button);
    layout->addLayout(filters);

    auto* split = new QSplitter(Qt::Vertical, this);
    table_ = new QTableView(split);
    table_->setObjectName(QStringLiteral("auditTable"));
    table_->setAccessibleName(tr("Audit records, newest first"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    details_ = new QPlainTextEdit(split);
    details_->setObjectName(QStringLiteral("auditDetails"));
    details_->setAccessibleName(tr("Details of the selected record"));
    details_->setReadOnly(true);
    details_->setPlaceholderText(tr("Select a record to see its details."));
    split->addWidget(table_);
    split->addWidget(details_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    auto* bottom = new QHBoxLayout;
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("auditStatus"));
    status_->setWordWrap(true);
    older_ = named_button(this, "auditOlderButton", tr("Load &older records"));
    older_->setEnabled(false);
    bottom->addWidget(status_, 1);
    bottom->addWidget(older_);
    layout->addLayout(bottom);

    auto* chain_row = new QHBoxLayout;
    verify_ = named_button(this, "verifyChainButton", tr("&Verify the audit chain"));
    verify_->setToolTip(tr("The server checks every record and signed checkpoint of the trail."));
    chain_ = new QLabel(this);
    chain_->setObjectName(QStringLiteral("chainResultLabel"));
    chain_->setWordWrap(true);
    chain_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    chain_->setAccessibleName(tr("Result of the audit chain check"));
    chain_row->addWidget(verify_);
    chain_row->addWidget(chain_, 1);
    layout->addLayout(chain_row);

    connect(search_button, &QPushButton::clicked, this, &AuditView::search);
    connect(action_->lineEdit(), &QLineEdit::returnPressed, this, &AuditView::search);
    connect(actor_, &QLineEdit::returnPressed, this, &AuditView::search);
    connect(older_, &QPushButton::clicked, model_, &client::AuditRecordModel::fetch_older);
    connect(verify_, &QPushButton::clicked, this, &AuditView::verify_chain);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AuditView::show_details);
    connect(model_, &client::AuditRecordModel::loaded, this, [this] {
        older_->setEnabled(model_->has_older());
        status_->setText(model_->rowCount() == 0
                             ? tr("No record matches.")
                             : tr("%n record(s) shown", "", model_->rowCount()) +
                                   (model_->has_older() ? tr("; older ones follow.") : QString()));
    });
    connect(model_, &client::AuditRecordModel::failed, this,
            [this](const QString& code, const QString& message) {
                status_->setText(admin_message_for(code, message));
            });
    search();
}

client::AuditFilter AuditView::filter() const {
    client::AuditFilter f;
    f.action = action_->currentText().trimmed();
    f.outcome = outcome_->currentData().toString();
    f.actor_id = actor_->text().trimmed();
    if (const int days = period_->currentData().toInt(); days > 0)
        f.from = QDateTime::currentDateTime().addDays(-days);
    return f;
}

void AuditView::search() {
    details_->clear();
    older_->setEnabled(false);
    status_->setText(tr("Searching…"));
    model_->search(filter());
}

void AuditView::show_details() {
    const auto rows = table_->selectionModel()->selectedRows();
    const client::AuditRow* r = rows.isEmpty() ? nullptr : model_->row_at(rows.first().row());
    if (!r) {
        details_->clear();
        return;
    }
    const auto parsed = QJsonDocument::fromJson(r->details.toUtf8());
    const QString details =
        parsed.isNull() ? r->details : QString::fromUtf8(parsed.toJson(QJsonDocument::Indented));
    details_->setPlainText(tr("Record %1, %2\n%3 by %4 %5 on %6 %7: %8 (severity %9)\n\n%10")
                               .arg(r->seq)
                               .arg(QLocale().toString(r->time.toLocalTime(), QLocale::LongFormat),
                                    r->action, r->actor_kind, r->actor_id, r->target_kind,
                                    r->target_id, r->outcome, r->severity)
                               .arg(details));
}

void AuditView::verify_chain() {
    verify_->setEnabled(false);
    chain_->setText(tr("Checking every record and checkpoint of the audit chain…"));
    QPointer<AuditView> self(this);
    connection_.request(
        QStringLiteral("audit.verify"), {}, [self](const client::ServerResponse& r) {
            if (!self) return;
            self->verify_->setEnabled(true);
            if (!r.ok) {
                self->chain_->setText(admin_message_for(r.error_code, r.error_message));
                return;
            }
            const bool ok = r.body.value(QLatin1String("ok")).toBool();
            const QString summary = r.body.value(QLatin1String("summary")).toString();
            // The verdict is in the words; the colour only repeats it.
            self->chain_->setText(ok ? tr("Intact: %1.").arg(summary)
                                     : tr("BROKEN: %1. Tell your security officer.").arg(summary));
            // A readable red on the palette in use (light or dark), bold when broken.
            QPalette palette = self->palette();
            if (!ok) palette.setColor(QPalette::WindowText, warning_text(self->palette()));
            self->chain_->setPalette(palette);
            QFont font = self->font();
            font.setBold(!ok);
            self->chain_->setFont(font);
        });
}

QString AuditView::chain_result() const {
    return chain_->text();
}

QString AuditView::status() const {
    return status_->text();
}

}  // namespace wardline::app
