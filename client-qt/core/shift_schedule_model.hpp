// SPDX-License-Identifier: Apache-2.0
#pragma once
// One on-call team's schedule for the schedule admin view (docs/client.md, "Directory and on
// call"): the shifts overlapping a window (oncall.shifts.list, at most 31 days), by start,
// and the changes an administrator makes (oncall.shifts.add, oncall.shifts.remove). The
// server checks org.settings, overlaps and users on every request; its refusals come back as
// the protocol's error codes for the view to put in words.
#include "client-qt/core/server_connection.hpp"

#include <QAbstractListModel>
#include <QDateTime>

#include <functional>
#include <memory>
#include <vector>

namespace wardline::client {

struct Shift {
    QString id;
    QString team_id;
    QString user_id;
    QString display_name;
    QString role;  ///< primary or backup
    QDateTime start;
    QDateTime end;  ///< exclusive
};

class ShiftScheduleModel : public QAbstractListModel {
    Q_OBJECT
public:
    /// `error` is empty on success, else the protocol's error code.
    using Done = std::function<void(const QString& error)>;
    enum Roles {
        ShiftIdRole = Qt::UserRole + 1,
        UserIdRole,
        DisplayNameRole,
        RoleRole,
        StartRole,  ///< QDateTime, UTC
        EndRole,
    };
    Q_ENUM(Roles)

    explicit ShiftScheduleModel(ServerConnection& connection, QObject* parent = nullptr);
    ~ShiftScheduleModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The team's shifts overlapping [from, to).
    void load(const QString& team_id, const QDateTime& from, const QDateTime& to, Done done = {});
    /// Adds a shift, then loads the window again.
    void add(const QString& user_id, const QString& role, const QDateTime& start,
             const QDateTime& end, Done done);
    /// Removes a shift, then loads the window again.
    void remove(const QString& shift_id, Done done);
    const Shift* at(int row) const;
    bool truncated() const noexcept { return truncated_; }

    /// ISO 8601 UTC to the second, as the protocol writes times.
    static QString protocol_time(const QDateTime& t);

private:
    void take(const QJsonObject& body);
    void reload_then(const QString& error, Done done);

    ServerConnection& connection_;
    QString team_id_;
    QDateTime from_;
    QDateTime to_;
    std::vector<Shift> rows_;
    bool truncated_ = false;
    int generation_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
