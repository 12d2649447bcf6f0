// SPDX-License-Identifier: Apache-2.0
#pragma once
// The directory view's results (docs/client.md, "Directory and on call"): one page of
// colleagues from directory.search (name, department, role, on call), each with presence as a
// word (available, busy, away, offline) and whether they are on call now, for which teams.
// The user's own entry is left out (a direct conversation needs somebody else). A reply that
// arrives after a newer search is dropped.
#include "client-qt/core/colleague_directory.hpp"

#include <QAbstractListModel>

#include <vector>

namespace wardline::client {

class DirectoryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles {
        IdRole = Qt::UserRole + 1,
        DisplayNameRole,
        UsernameRole,
        DepartmentRole,
        JobTitleRole,
        PresenceRole,  ///< available, busy, away or offline
        OnShiftRole,   ///< bool: on call now in some team
        OnCallRole,    ///< QStringList: "Team (primary)" per current shift
    };
    Q_ENUM(Roles)

    DirectoryModel(ColleagueDirectory& colleagues, QString own_user_id, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces the rows with the matches of `query`; searchFinished when the answer is in.
    void search(const DirectoryQuery& query);
    const Colleague* at(int row) const;
    bool busy() const noexcept { return busy_; }

    /// The presence word shown to the user ("Available", "Away", ...).
    static QString presence_text(const QString& presence);

signals:
    /// `error` is the protocol's error code, empty when the search succeeded.
    void searchFinished(const QString& error);

private:
    ColleagueDirectory& colleagues_;
    QString own_user_id_;
    std::vector<Colleague> rows_;
    int generation_ = 0;
    bool busy_ = false;
};

}  // namespace wardline::client
