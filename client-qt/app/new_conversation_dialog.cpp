// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/new_conversation_dialog.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace wardline::app {

namespace {
const QString kPatientThreadsCreate = QStringLiteral("patient_threads.create");
}

NewConversationDialog::NewConversationDialog(client::ColleagueDirectory& colleagues,
                                             QString own_user_id, const QStringList& permissions,
                                             QWidget* parent)
    : QDialog(parent), colleagues_(colleagues), own_user_id_(std::move(own_user_id)) {
    setObjectName(QStringLiteral("newConversationDialog"));
    setWindowTitle(tr("New conversation"));
    auto* layout = new QVBoxLayout(this);
    kind_ = new QComboBox(this);
    kind_->setObjectName(QStringLiteral("conversationKindPicker"));
    kind_->setAccessibleName(tr("Kind of conversation"));
    kind_->addItem(tr("Direct conversation"), QStringLiteral("direct"));
    kind_->addItem(tr("Group"), QStringLiteral("group"));
    if (permissions.contains(kPatientThreadsCreate))
        kind_->addItem(tr("Patient thread"), QStringLiteral("patient"));
    if (permissions.contains(kOrgSettings))
        kind_->addItem(tr("Announcement"), QStringLiteral("announcement"));

    group_part_ = new QWidget(this);
    auto* group_form = new QFormLayout(group_part_);
    group_form->setContentsMargins(0, 0, 0, 0);
    title_ = named_field(group_part_, "conversationTitleField", tr("Title"));
    title_->setMaxLength(200);
    group_form->addRow(tr("&Title:"), title_);

    patient_part_ = new QGroupBox(tr("Patient"), this);
    auto* patient_form = new QFormLayout(patient_part_);
    mrn_ = named_field(patient_part_, "patientMrnField", tr("Patient's MRN"));
    mrn_->setMaxLength(64);
    patient_name_ = named_field(patient_part_, "patientNameField", tr("Patient's name"));
    patient_name_->setMaxLength(200);
    date_of_birth_ =
        named_field(patient_part_, "patientBirthDateField", tr("Patient's date of birth"));
    date_of_birth_->setPlaceholderText(QStringLiteral("YYYY-MM-DD"));
    date_of_birth_->setMaxLength(10);
    unit_ = named_field(patient_part_, "patientUnitField", tr("Patient's unit"));
    unit_->setMaxLength(64);
    bed_ = named_field(patient_part_, "patientBedField", tr("Patient's bed"));
    bed_->setMaxLength(32);
    patient_form->addRow(tr("&MRN:"), mrn_);
    patient_form->addRow(tr("&Name:"), patient_name_);
    patient_form->addRow(tr("&Date of birth:"), date_of_birth_);
    patient_form->addRow(tr("&Unit:"), unit_);
    patient_form->addRow(tr("&Bed:"), bed_);

    // Announcements: who may post, and for which unit.
    announcement_part_ = new QGroupBox(tr("Announcement"), this);
    announcement_part_->setObjectName(QStringLiteral("announcementOptions"));
    auto* announcement_form = new QVBoxLayout(announcement_part_);
    auto* posting_label =
        new QLabel(tr("Who may post (everyone else reads only):"), announcement_part_);
    posting_label->setWordWrap(true);
    announcement_form->addWidget(posting_label);
    auto* role_grid = new QGridLayout;
    const QStringList roles = default_roles();
    for (int i = 0; i < roles.size(); ++i) {
        auto* check = new QCheckBox(roles[i], announcement_part_);
        check->setObjectName(QStringLiteral("postingRoleCheck_") + roles[i]);
        check->setAccessibleName(tr("%1 may post").arg(roles[i]));
        posting_roles_.push_back(check);
        role_grid->addWidget(check, i / 3, i % 3);
    }
    announcement_form->addLayout(role_grid);
    auto* unit_form = new QFormLayout;
    announcement_unit_ = named_field(announcement_part_, "announcementUnitField",
                                     tr("Unit the announcement is for"));
    announcement_unit_->setPlaceholderText(tr("Whole organization"));
    announcement_unit_->setMaxLength(64);
    unit_form->addRow(tr("&Unit:"), announcement_unit_);
    announcement_form->addLayout(unit_form);

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

    auto* member_row = new QHBoxLayout;
    auto* add = named_button(group_part_, "addColleagueButton", tr("A&dd to the conversation"));
    add->setAutoDefault(false);
    auto* remove = named_button(group_part_, "removeColleagueButton", tr("Re&move"));
    remove->setAutoDefault(false);
    members_ = new QListWidget(group_part_);
    members_->setObjectName(QStringLiteral("chosenColleagueList"));
    members_->setAccessibleName(tr("Colleagues in the new conversation"));
    member_row->addWidget(add);
    member_row->addWidget(remove);
    group_form->addRow(member_row);
    group_form->addRow(tr("Members:"), members_);

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("colleagueSearchStatus"));
    status_->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(this);
    start_ = buttons->addButton(tr("&Start conversation"), QDialogButtonBox::ActionRole);
    start_->setObjectName(QStringLiteral("startConversationButton"));
    start_->setAccessibleName(tr("Start the conversation"));
    start_->setEnabled(false);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAccessibleName(tr("Cancel"));
    // Enter acts on the field or list that has focus (search, add, start a direct
    // conversation), never on a default button of the dialog as well.
    for (auto* b : {start_, cancel}) {
        b->setAutoDefault(false);
        b->setDefault(false);
    }
    layout->addWidget(kind_);
    layout->addWidget(group_part_);
    layout->addWidget(patient_part_);
    layout->addWidget(announcement_part_);
    layout->addLayout(row);
    layout->addWidget(results_, 1);
    layout->addWidget(status_);
    layout->addWidget(buttons);

    connect(kind_, &QComboBox::currentIndexChanged, this, &NewConversationDialog::kind_changed);
    connect(find, &QPushButton::clicked, this, &NewConversationDialog::search);
    connect(query_, &QLineEdit::returnPressed, this, &NewConversationDialog::search);
    connect(results_, &QListWidget::currentRowChanged, this, [this](int) { kind_changed(); });
    connect(results_, &QListWidget::itemActivated, this, [this] {
        if (kind() == QLatin1String("direct"))
            try_accept();
        else
            add_current();
    });
    connect(add, &QPushButton::clicked, this, &NewConversationDialog::add_current);
    connect(remove, &QPushButton::clicked, this, [this] {
        delete members_->currentItem();
        kind_changed();
    });
    connect(start_, &QPushButton::clicked, this, &NewConversationDialog::try_accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    kind_changed();
}

QString NewConversationDialog::kind() const {
    return kind_->currentData().toString();
}

QStringList NewConversationDialog::offered_kinds() const {
    QStringList kinds;
    for (int i = 0; i < kind_->count(); ++i) kinds << kind_->itemData(i).toString();
    return kinds;
}

QString NewConversationDialog::chosen() const {
    const auto* item = results_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

client::ConversationDraft NewConversationDialog::draft() const {
    client::ConversationDraft d;
    d.kind = kind();
    d.title = title_->text();
    for (int i = 0; i < members_->count(); ++i)
        d.members << members_->item(i)->data(Qt::UserRole).toString();
    d.patient.mrn = mrn_->text();
    d.patient.name = patient_name_->text();
    d.patient.date_of_birth = date_of_birth_->text();
    d.patient.unit = unit_->text();
    d.patient.bed = bed_->text();
    if (d.kind == QLatin1String("announcement")) {
        for (const auto* check : posting_roles_)
            if (check->isChecked()) d.posting_roles << check->text();
        d.unit = announcement_unit_->text();
    }
    return d;
}

void NewConversationDialog::kind_changed() {
    const bool direct = kind() == QLatin1String("direct");
    group_part_->setVisible(!direct);
    patient_part_->setVisible(kind() == QLatin1String("patient"));
    announcement_part_->setVisible(kind() == QLatin1String("announcement"));
    start_->setEnabled(direct ? results_->currentRow() >= 0 : members_->count() > 0);
}

void NewConversationDialog::add_current() {
    const auto* item = results_->currentItem();
    if (!item) return;
    const QString id = item->data(Qt::UserRole).toString();
    for (int i = 0; i < members_->count(); ++i)
        if (members_->item(i)->data(Qt::UserRole).toString() == id) return;
    auto* added = new QListWidgetItem(item->text(), members_);
    added->setData(Qt::UserRole, id);
    kind_changed();
}

void NewConversationDialog::try_accept() {
    if (kind() == QLatin1String("direct")) {
        if (!chosen().isEmpty()) accept();
        return;
    }
    if (const auto problem = client::draft_problem(draft())) {
        status_->setText(*problem);
        return;
    }
    accept();
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
