// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/legal_hold_admin_view.hpp"

#include "client-qt/app/named_widgets.hpp"
#include "client-qt/app/retention_text.hpp"
#include "client-qt/core/colleague_directory.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

QDateEdit* date_field(QWidget* parent, const char* object_name, const QString& accessible_name) {
    auto* d = new QDateEdit(QDate::currentDate(), parent);
    d->setObjectName(QLatin1String(object_name));
    d->setAccessibleName(accessible_name);
    d->setCalendarPopup(true);
    d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    // The editor inside takes the focus: it carries the same name.
    if (auto* editor = d->findChild<QLineEdit*>()) editor->setAccessibleName(accessible_name);
    return d;
}

/// Midnight at the start of `day`, local time, in ms since the epoch.
qint64 start_of(const QDate& day) {
    return day.startOfDay().toMSecsSinceEpoch();
}

}  // namespace

LegalHoldAdminView::LegalHoldAdminView(client::ServerConnection& connection,
                                       client::ColleagueDirectory& directory, QWidget* parent)
    : QWidget(parent), directory_(directory), model_(connection) {
    setObjectName(QStringLiteral("legalHoldAdminView"));
    model_.set_name_lookup(
        [&directory](const QString& user_id) { return directory.display_name(user_id); });
    auto* layout = new QVBoxLayout(this);

    auto* holds_label = new QLabel(tr("Legal &holds"), this);
    list_ = new QListView(this);
    list_->setObjectName(QStringLiteral("legalHoldList"));
    list_->setAccessibleName(tr("Legal holds"));
    list_->setModel(&model_);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setWordWrap(true);
    holds_label->setBuddy(list_);
    show_released_ = new QCheckBox(tr("Show re&leased holds"), this);
    show_released_->setObjectName(QStringLiteral("showReleasedCheck"));
    show_released_->setAccessibleName(tr("Show released holds"));
    auto* top = new QHBoxLayout;
    top->addWidget(holds_label, 1);
    top->addWidget(show_released_);
    layout->addLayout(top);
    layout->addWidget(list_, 1);

    auto* steps = new QHBoxLayout;
    release_ = named_button(this, "releaseHoldButton", tr("&Ask to release"));
    confirm_release_ = named_button(this, "confirmReleaseButton", tr("Con&firm release"));
    steps->addWidget(release_);
    steps->addWidget(confirm_release_);
    steps->addStretch(1);
    layout->addLayout(steps);

    auto* form = new QFormLayout;
    scope_ = new QComboBox(this);
    scope_->setObjectName(QStringLiteral("holdScopeCombo"));
    scope_->setAccessibleName(tr("The hold covers"));
    scope_->addItem(tr("The messages a user sent"), QStringLiteral("user"));
    scope_->addItem(tr("A conversation"), QStringLiteral("conversation"));
    scope_->addItem(tr("A patient thread"), QStringLiteral("patient_thread"));
    username_ = named_field(this, "holdUserField", tr("Username of the user to hold"));
    conversation_ = named_field(this, "holdConversationField", tr("Conversation id to hold"));
    conversation_->setPlaceholderText(tr("The conversation's id, as the audit trail shows it"));
    conversation_->setMaxLength(36);
    case_name_ = named_field(this, "holdCaseField", tr("Case name"));
    case_name_->setMaxLength(200);
    from_ = date_field(this, "holdFromField", tr("Hold messages from this day"));
    until_ = date_field(this, "holdUntilField", tr("Hold messages up to and including this day"));
    open_ended_ = new QCheckBox(tr("&Open-ended"), this);
    open_ended_->setObjectName(QStringLiteral("holdOpenEndedCheck"));
    open_ended_->setAccessibleName(tr("The hold has no end date"));
    open_ended_->setChecked(true);
    auto* range = new QHBoxLayout;
    range->addWidget(from_);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(until_);
    range->addWidget(open_ended_);
    range->addStretch(1);
    form->addRow(tr("Co&vers"), scope_);
    form->addRow(tr("&User"), username_);
    form->addRow(tr("Co&nversation"), conversation_);
    form->addRow(tr("Ca&se name"), case_name_);
    auto* dates = new QLabel(tr("&Dates"), this);
    dates->setBuddy(from_);
    form->addRow(dates, range);
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    place_ = named_button(this, "placeHoldButton", tr("&Place hold"));
    buttons->addWidget(place_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("legalHoldStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connect(scope_, &QComboBox::currentIndexChanged, this, &LegalHoldAdminView::update_form);
    connect(open_ended_, &QCheckBox::toggled, this, &LegalHoldAdminView::update_form);
    connect(show_released_, &QCheckBox::toggled, this, &LegalHoldAdminView::reload);
    connect(place_, &QPushButton::clicked, this, &LegalHoldAdminView::place);
    connect(release_, &QPushButton::clicked, this, [this] { act(false); });
    connect(confirm_release_, &QPushButton::clicked, this, [this] { act(true); });
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &LegalHoldAdminView::update_form);
    connect(&model_, &client::LegalHoldModel::listed, this, &LegalHoldAdminView::update_form);
    connect(&directory, &client::ColleagueDirectory::namesChanged, this,
            [this] { list_->viewport()->update(); });
    update_form();
    reload();
}

void LegalHoldAdminView::reload() {
    QPointer<LegalHoldAdminView> self(this);
    model_.load(show_released_->isChecked(), [self](const client::AdminReply& r) {
        if (self && !r.ok) self->show_status(retention_message_for(r.error_code, r.error_message));
    });
}

void LegalHoldAdminView::select(int row) {
    list_->setCurrentIndex(model_.index(row));
    update_form();
}

QString LegalHoldAdminView::selected_id() const {
    const QModelIndex current = list_->currentIndex();
    return current.isValid() ? current.data(client::LegalHoldModel::HoldIdRole).toString()
                             : QString();
}

void LegalHoldAdminView::update_form() {
    const QString scope = scope_->currentData().toString();
    username_->setEnabled(scope == QLatin1String("user"));
    conversation_->setEnabled(scope != QLatin1String("user"));
    until_->setEnabled(!open_ended_->isChecked());
    const client::LegalHold* h = model_.hold(selected_id());
    release_->setEnabled(h && h->state == QLatin1String("active"));
    confirm_release_->setEnabled(h && h->state == QLatin1String("release_pending"));
}

void LegalHoldAdminView::place() {
    client::LegalHoldDraft draft;
    draft.scope = scope_->currentData().toString();
    draft.case_name = case_name_->text();
    draft.from_ms = start_of(from_->date());
    // To and including the last day: the server's end is exclusive.
    if (!open_ended_->isChecked()) draft.until_ms = start_of(until_->date().addDays(1));
    if (draft.scope != QLatin1String("user")) {
        draft.conversation_id = conversation_->text().trimmed().toLower();
        place_draft(std::move(draft));
        return;
    }
    // A user is named by username; the directory gives the id.
    const QString username = username_->text().trimmed();
    if (username.isEmpty()) {
        show_status(tr("Enter the username of the user whose messages to hold."));
        return;
    }
    QPointer<LegalHoldAdminView> self(this);
    client::DirectoryQuery query;
    query.text = username;
    directory_.search(query, [self, username, draft](const std::vector<client::Colleague>& found,
                                                     const QString& error) mutable {
        if (!self) return;
        if (!error.isEmpty()) {
            self->show_status(retention_message_for(error, {}));
            return;
        }
        for (const auto& c : found)
            if (c.username.compare(username, Qt::CaseInsensitive) == 0) draft.user_id = c.id;
        if (draft.user_id.isEmpty()) {
            self->show_status(tr("No user with that username in your organization."));
            return;
        }
        self->place_draft(std::move(draft));
    });
}

void LegalHoldAdminView::place_draft(client::LegalHoldDraft draft) {
    QPointer<LegalHoldAdminView> self(this);
    model_.place(draft, [self](const client::AdminReply& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(retention_message_for(r.error_code, r.error_message));
            return;
        }
        self->case_name_->clear();
        self->show_status(
            tr("The hold is placed. The retention job deletes nothing it covers "
               "until two compliance officers release it."));
    });
}

void LegalHoldAdminView::act(bool confirm) {
    const QString id = selected_id();
    if (id.isEmpty()) return;
    QPointer<LegalHoldAdminView> self(this);
    const auto done = [self, confirm](const client::AdminReply& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(retention_message_for(r.error_code, r.error_message));
            return;
        }
        self->show_status(confirm ? tr("The hold is released. The retention job may now delete "
                                       "what it alone kept.")
                                  : tr("Release asked for. The hold keeps holding until a "
                                       "second compliance officer confirms."));
        self->update_form();
    };
    if (confirm)
        model_.confirm_release(id, done);
    else
        model_.release(id, done);
}

void LegalHoldAdminView::show_status(const QString& text) {
    status_->setText(text);
}

QString LegalHoldAdminView::status() const {
    return status_->text();
}

}  // namespace wardline::app
