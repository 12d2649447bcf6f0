// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/shift_schedule_model.hpp"

#include <QJsonArray>
#include <QLocale>

namespace wardline::client {

ShiftScheduleModel::ShiftScheduleModel(ServerConnection& connection, QObject* parent)
    : QAbstractListModel(parent), connection_(connection) {}

ShiftScheduleModel::~ShiftScheduleModel() {
    *alive_ = false;
}

QString ShiftScheduleModel::protocol_time(const QDateTime& t) {
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

int ShiftScheduleModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

const Shift* ShiftScheduleModel::at(int row) const {
    return row >= 0 && row < rowCount() ? &rows_[static_cast<std::size_t>(row)] : nullptr;
}

QVariant ShiftScheduleModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Shift& s = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole: {
            const QLocale locale;
            return tr("%1 (%2): %3 to %4")
                .arg(s.display_name,
                     s.role == QLatin1String("primary") ? tr("primary") : tr("backup"),
                     locale.toString(s.start.toLocalTime(), QLocale::ShortFormat),
                     locale.toString(s.end.toLocalTime(), QLocale::ShortFormat));
        }
        case ShiftIdRole:
            return s.id;
        case UserIdRole:
            return s.user_id;
        case DisplayNameRole:
            return s.display_name;
        case RoleRole:
            return s.role;
        case StartRole:
            return s.start;
        case EndRole:
            return s.end;
        default:
            return {};
    }
}

QHash<int, QByteArray> ShiftScheduleModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(ShiftIdRole, "shiftId");
    names.insert(UserIdRole, "userId");
    names.insert(DisplayNameRole, "displayName");
    names.insert(RoleRole, "role");
    names.insert(StartRole, "start");
    names.insert(EndRole, "end");
    return names;
}

void ShiftScheduleModel::load(const QString& team_id, const QDateTime& from, const QDateTime& to,
                              Done done) {
    team_id_ = team_id;
    from_ = from;
    to_ = to;
    const int generation = ++generation_;
    const QJsonObject body{{QStringLiteral("team_id"), team_id},
                           {QStringLiteral("from"), protocol_time(from)},
                           {QStringLiteral("to"), protocol_time(to)}};
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("oncall.shifts.list"), body,
                        [this, alive, generation, done](const ServerResponse& r) {
                            if (alive.expired() || generation != generation_) return;
                            if (r.ok) take(r.body);
                            if (done) done(r.ok ? QString() : r.error_code);
                        });
}

void ShiftScheduleModel::take(const QJsonObject& body) {
    beginResetModel();
    rows_.clear();
    for (const auto& v : body.value(QLatin1String("shifts")).toArray()) {
        const auto o = v.toObject();
        Shift s;
        s.id = o.value(QLatin1String("id")).toString();
        s.team_id = o.value(QLatin1String("team_id")).toString();
        s.user_id = o.value(QLatin1String("user_id")).toString();
        s.display_name = o.value(QLatin1String("display_name")).toString();
        s.role = o.value(QLatin1String("role")).toString();
        s.start = QDateTime::fromString(o.value(QLatin1String("start")).toString(), Qt::ISODate);
        s.end = QDateTime::fromString(o.value(QLatin1String("end")).toString(), Qt::ISODate);
        if (!s.id.isEmpty()) rows_.push_back(std::move(s));
    }
    truncated_ = body.value(QLatin1String("truncated")).toBool();
    endResetModel();
}

void ShiftScheduleModel::reload_then(const QString& error, Done done) {
    if (!error.isEmpty() || team_id_.isEmpty()) return done(error);
    load(team_id_, from_, to_, done);
}

void ShiftScheduleModel::add(const QString& user_id, const QString& role, const QDateTime& start,
                             const QDateTime& end, Done done) {
    if (team_id_.isEmpty()) return done(QStringLiteral("bad_request"));
    const QJsonObject body{{QStringLiteral("team_id"), team_id_},
                           {QStringLiteral("user_id"), user_id},
                           {QStringLiteral("role"), role},
                           {QStringLiteral("start"), protocol_time(start)},
                           {QStringLiteral("end"), protocol_time(end)}};
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("oncall.shifts.add"), body,
                        [this, alive, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            reload_then(r.ok ? QString() : r.error_code, done);
                        });
}

void ShiftScheduleModel::remove(const QString& shift_id, Done done) {
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("oncall.shifts.remove"),
                        QJsonObject{{QStringLiteral("shift_id"), shift_id}},
                        [this, alive, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            reload_then(r.ok ? QString() : r.error_code, done);
                        });
}

}  // namespace wardline::client
