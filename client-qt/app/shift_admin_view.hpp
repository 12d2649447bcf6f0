// SPDX-License-Identifier: Apache-2.0
#pragma once
// The on-call Schedule tab for those whose roles grant org.settings (docs/client.md,
// "Directory and on call"; the server checks the permission on every request anyway): a
// team's shifts in a date range (ShiftScheduleModel), adding a shift (person found through the
// directory, primary or backup, start, end) and removing the selected one; creating a team
// (oncall.teams.create). The server's refusals (overlap, unknown user or team, no permission,
// a bad range, a team name taken) are shown in words.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/shift_schedule_model.hpp"

#include <QWidget>

class QComboBox;
class QDateEdit;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;

namespace wardline::app {

class ShiftAdminView : public QWidget {
    Q_OBJECT
public:
    ShiftAdminView(client::ServerConnection& connection, client::ColleagueDirectory& colleagues,
                   QWidget* parent = nullptr);
    ~ShiftAdminView() override;

    client::ShiftScheduleModel& shifts() { return shifts_; }
    /// Lists the teams (oncall.teams.list) into the team picker, then shows the first.
    void load_teams();
    QString status() const;
    int team_count() const;

    /// The words for a refused oncall.shifts.* request (protocol error `code`).
    static QString refusal_text(const QString& code);
    /// The words for a refused oncall.teams.create.
    static QString team_refusal_text(const QString& code);

signals:
    /// A team was created (the on-call view lists the teams again).
    void teamCreated(const QString& team_id);

private:
    void show_shifts();
    void create_team();
    /// Lists the teams again and then selects `team_id` (if any).
    void list_teams(const QString& select_id);
    void find_people();
    void add_shift();
    void remove_shift();
    void report(const QString& error, const QString& success);

    client::ServerConnection& connection_;
    client::ColleagueDirectory& colleagues_;
    client::ShiftScheduleModel shifts_;
    QComboBox* team_ = nullptr;
    QDateEdit* from_ = nullptr;
    QDateEdit* to_ = nullptr;
    QListView* list_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLineEdit* person_query_ = nullptr;
    QComboBox* person_ = nullptr;
    QComboBox* role_ = nullptr;
    QDateTimeEdit* start_ = nullptr;
    QDateTimeEdit* end_ = nullptr;
    QPushButton* add_ = nullptr;
    QLineEdit* team_name_ = nullptr;
    QPushButton* create_team_ = nullptr;
    QLabel* status_ = nullptr;
    QString note_;  ///< said before the next listing's result (a team just created)
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::app
