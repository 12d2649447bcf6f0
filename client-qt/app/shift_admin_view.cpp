// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/shift_admin_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

#include <type_traits>
#include <utility>

namespace wardline::app {
namespace {

template <typename T>
T* named(T* w, const char* object_name, const QString& accessible_name) {
    w->setObjectName(QLatin1String(object_name));
    w->setAccessibleName(accessible_name);
    // A date editor takes focus in its inner line edit: that one needs the name too.
    if constexpr (std::is_base_of_v<QAbstractSpinBox, T>)
        if (auto* inner = w->template findChild<QLineEdit*>())
            inner->setAccessibleName(accessible_name);
    return w;
}

}  // namespace

QString ShiftAdminView::refusal_text(const QString& code) {
    if (code == QLatin1String("conflict"))
        return tr(
            "Not saved: the shift overlaps the team's primary at that time (for a primary "
            "shift) or another shift of the same person in this team.");
    if (code == QLatin1String("not_found"))
        return tr(
            "Not saved: that person or team is unknown, no longer active, or not in your "
            "organization. Refresh and choose again.");
    if (code == QLatin1String("forbidden"))
        return tr("Your roles do not allow managing the on-call schedule.");
    if (code == QLatin1String("bad_request"))
        return tr(
            "Not saved: a shift ends after it starts and lasts at most 7 days; a list "
            "covers at most 31 days.");
    return admin_message_for(code, {});
}

QString ShiftAdminView::team_refusal_text(const QString& code) {
    if (code == QLatin1String("conflict"))
        return tr(
            "Not created: a team of that name exists already (names are compared ignoring "
            "case), or the organization has 500 teams.");
    if (code == QLatin1String("bad_request"))
        return tr("Not created: a team's name is 1 to 100 visible characters.");
    if (code == QLatin1String("forbidden"))
        return tr("Your roles do not allow creating on-call teams.");
    return admin_message_for(code, {});
}

ShiftAdminView::ShiftAdminView(client::ServerConnection& connection,
                               client::ColleagueDirectory& colleagues, QWidget* parent)
    : QWidget(parent), connection_(connection), colleagues_(colleagues), shifts_(connection) {
    setObjectName(QStringLiteral("shiftAdminView"));
    auto* layout = new QVBoxLayout(this);

    auto* range = new QHBoxLayout;
    team_ = named(new QComboBox(this), "scheduleTeamPicker", tr("Team"));
    const QDate today = QDate::currentDate();
    from_ = named(new QDateEdit(today, this), "scheduleFromDate", tr("Shifts from"));
    to_ = named(new QDateEdit(today.addDays(7), this), "scheduleToDate", tr("Shifts until"));
    for (auto* d : {from_, to_}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    auto* show = named_button(this, "scheduleShowButton", tr("S&how shifts"));
    range->addWidget(new QLabel(tr("Team:"), this));
    range->addWidget(team_, 1);
    range->addWidget(new QLabel(tr("From:"), this));
    range->addWidget(from_);
    range->addWidget(new QLabel(tr("Until:"), this));
    range->addWidget(to_);
    range->addWidget(show);

    list_ = named(new QListView(this), "scheduleList", tr("The team's shifts"));
    list_->setModel(&shifts_);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    remove_ = named_button(this, "removeShiftButton", tr("&Remove shift"));
    remove_->setEnabled(false);

    auto* adding = new QGroupBox(tr("Add a shift"), this);
    auto* form = new QFormLayout(adding);
    auto* who = new QHBoxLayout;
    person_query_ = named_field(adding, "shiftPersonField", tr("Find the person by name"));
    person_query_->setMaxLength(100);
    auto* find = named_button(adding, "shiftPersonFindButton", tr("&Find"));
    find->setAutoDefault(false);
    person_ = named(new QComboBox(adding), "shiftPersonPicker", tr("Person on call"));
    who->addWidget(person_query_, 1);
    who->addWidget(find);
    who->addWidget(person_, 1);
    role_ = named(new QComboBox(adding), "shiftRolePicker", tr("Primary or backup"));
    role_->addItem(tr("Primary"), QStringLiteral("primary"));
    role_->addItem(tr("Backup"), QStringLiteral("backup"));
    const QDateTime next_hour(today, QTime(QTime::currentTime().hour(), 0));
    start_ = named(new QDateTimeEdit(next_hour.addSecs(3600), adding), "shiftStartEdit",
                   tr("Shift start"));
    end_ = named(new QDateTimeEdit(next_hour.addSecs(13 * 3600), adding), "shiftEndEdit",
                 tr("Shift end"));
    for (auto* t : {start_, end_}) t->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    add_ = named_button(adding, "addShiftButton", tr("&Add shift"));
    form->addRow(tr("Person:"), who);
    form->addRow(tr("Role:"), role_);
    form->addRow(tr("Start:"), start_);
    form->addRow(tr("End:"), end_);
    form->addRow(add_);

    auto* teams = new QGroupBox(tr("New on-call team"), this);
    auto* teams_row = new QHBoxLayout(teams);
    team_name_ = named_field(teams, "newTeamNameField", tr("Name of the new on-call team"));
    team_name_->setMaxLength(100);
    team_name_->setPlaceholderText(tr("e.g. Cardiology"));
    create_team_ = named_button(teams, "createTeamButton", tr("Cr&eate team"));
    create_team_->setAutoDefault(false);
    auto* team_label = new QLabel(tr("Na&me:"), teams);
    team_label->setBuddy(team_name_);
    teams_row->addWidget(team_label);
    teams_row->addWidget(team_name_, 1);
    teams_row->addWidget(create_team_);

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("scheduleStatus"));
    status_->setWordWrap(true);
    layout->addLayout(range);
    layout->addWidget(list_, 1);
    layout->addWidget(remove_, 0, Qt::AlignRight);
    layout->addWidget(adding);
    layout->addWidget(teams);
    layout->addWidget(status_);

    connect(show, &QPushButton::clicked, this, &ShiftAdminView::show_shifts);
    connect(team_, &QComboBox::activated, this, &ShiftAdminView::show_shifts);
    connect(find, &QPushButton::clicked, this, &ShiftAdminView::find_people);
    connect(person_query_, &QLineEdit::returnPressed, this, &ShiftAdminView::find_people);
    connect(add_, &QPushButton::clicked, this, &ShiftAdminView::add_shift);
    connect(remove_, &QPushButton::clicked, this, &ShiftAdminView::remove_shift);
    connect(create_team_, &QPushButton::clicked, this, &ShiftAdminView::create_team);
    connect(team_name_, &QLineEdit::returnPressed, this, &ShiftAdminView::create_team);
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { remove_->setEnabled(current.isValid()); });
    connect(&shifts_, &QAbstractItemModel::modelReset, this,
            [this] { remove_->setEnabled(false); });
}

ShiftAdminView::~ShiftAdminView() {
    *alive_ = false;
}

QString ShiftAdminView::status() const {
    return status_->text();
}

int ShiftAdminView::team_count() const {
    return team_->count();
}

void ShiftAdminView::load_teams() {
    list_teams({});
}

void ShiftAdminView::list_teams(const QString& select_id) {
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("oncall.teams.list"), {},
                        [this, alive, select_id](const client::ServerResponse& r) {
                            if (alive.expired()) return;
                            if (!r.ok) return report(r.error_code, {});
                            team_->clear();
                            for (const auto& v : r.body.value(QLatin1String("teams")).toArray()) {
                                const auto t = v.toObject();
                                team_->addItem(t.value(QLatin1String("name")).toString(),
                                               t.value(QLatin1String("id")).toString());
                            }
                            if (const int row = team_->findData(select_id); row >= 0)
                                team_->setCurrentIndex(row);
                            if (team_->count() == 0)
                                status_->setText(tr("There are no on-call teams yet."));
                            else
                                show_shifts();
                        });
}

void ShiftAdminView::create_team() {
    const QString name = team_name_->text().trimmed();
    if (name.isEmpty()) {
        status_->setText(tr("Give the new team a name."));
        return;
    }
    create_team_->setEnabled(false);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(
        QStringLiteral("oncall.teams.create"), {{QStringLiteral("name"), name}},
        [this, alive](const client::ServerResponse& r) {
            if (alive.expired()) return;
            create_team_->setEnabled(true);
            if (!r.ok) {
                status_->setText(team_refusal_text(r.error_code));
                return;
            }
            const auto team = r.body.value(QLatin1String("team")).toObject();
            const QString id = team.value(QLatin1String("id")).toString();
            team_name_->clear();
            note_ = tr("Team %1 created.").arg(team.value(QLatin1String("name")).toString());
            status_->setText(note_);
            list_teams(id);
            emit teamCreated(id);
        });
}

void ShiftAdminView::report(const QString& error, const QString& success) {
    status_->setText(error.isEmpty() ? success : refusal_text(error));
}

void ShiftAdminView::show_shifts() {
    const QString team_id = team_->currentData().toString();
    if (team_id.isEmpty()) return;
    const QDateTime from(from_->date(), QTime(0, 0));
    const QDateTime to(to_->date().addDays(1), QTime(0, 0));
    QPointer<ShiftAdminView> self(this);
    status_->setText(tr("Loading…"));
    const QString note = std::exchange(note_, QString());
    shifts_.load(team_id, from, to, [self, note](const QString& error) {
        if (!self) return;
        const int n = self->shifts_.rowCount();
        QString listed = n == 0 ? tr("No shifts in these dates.") : tr("%n shift(s)", "", n);
        if (n > 0 && self->shifts_.truncated()) listed += tr("; more exist, narrow the dates");
        self->report(error, note.isEmpty() ? listed : note + QLatin1Char(' ') + listed);
    });
}

void ShiftAdminView::find_people() {
    client::DirectoryQuery q;
    q.text = person_query_->text();
    QPointer<ShiftAdminView> self(this);
    colleagues_.search(q, [self](const std::vector<client::Colleague>& found,
                                 const QString& error) {
        if (!self) return;
        if (!error.isEmpty()) return self->report(error, {});
        self->person_->clear();
        for (const auto& c : found)
            self->person_->addItem(QStringLiteral("%1 (%2)").arg(c.display_name, c.username), c.id);
        self->report({}, found.empty()
                             ? tr("Nobody matches.")
                             : tr("%n colleague(s) found", "", static_cast<int>(found.size())));
    });
}

void ShiftAdminView::add_shift() {
    const QString user_id = person_->currentData().toString();
    if (user_id.isEmpty()) {
        status_->setText(tr("Find and choose the person first."));
        return;
    }
    if (team_->currentData().toString().isEmpty()) {
        status_->setText(tr("Choose a team first."));
        return;
    }
    add_->setEnabled(false);
    QPointer<ShiftAdminView> self(this);
    shifts_.add(user_id, role_->currentData().toString(), start_->dateTime(), end_->dateTime(),
                [self](const QString& error) {
                    if (!self) return;
                    self->add_->setEnabled(true);
                    self->report(error, tr("Shift added."));
                });
}

void ShiftAdminView::remove_shift() {
    const auto* shift = shifts_.at(list_->currentIndex().row());
    if (!shift) return;
    QPointer<ShiftAdminView> self(this);
    shifts_.remove(shift->id, [self](const QString& error) {
        if (!self) return;
        self->report(error, tr("Shift removed."));
    });
}

}  // namespace wardline::app
