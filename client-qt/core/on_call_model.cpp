// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/on_call_model.hpp"

#include <QJsonArray>

namespace wardline::client {
namespace {

std::optional<OnCallPerson> person_from(const QJsonValue& v) {
    const auto o = v.toObject();
    const auto id = o.value(QLatin1String("user_id")).toString();
    if (id.isEmpty()) return std::nullopt;
    OnCallPerson p;
    p.user_id = id;
    p.display_name = o.value(QLatin1String("display_name")).toString();
    p.until = QDateTime::fromString(o.value(QLatin1String("until")).toString(), Qt::ISODate);
    return p;
}

}  // namespace

OnCallModel::OnCallModel(ServerConnection& connection, QObject* parent)
    : QAbstractListModel(parent), connection_(connection) {}

OnCallModel::~OnCallModel() {
    *alive_ = false;
}

int OnCallModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

const OnCallTeam* OnCallModel::at(int row) const {
    return row >= 0 && row < rowCount() ? &rows_[static_cast<std::size_t>(row)] : nullptr;
}

int OnCallModel::row_of_team(const QString& team_id) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == team_id) return static_cast<int>(i);
    return -1;
}

QVariant OnCallModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OnCallTeam& t = rows_[static_cast<std::size_t>(index.row())];
    QStringList backup_ids;
    QStringList backup_names;
    for (const auto& b : t.backups) {
        backup_ids << b.user_id;
        backup_names << b.display_name;
    }
    switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole: {
            if (!t.answered) return tr("%1: not known").arg(t.name);
            QString s =
                tr("%1: primary %2")
                    .arg(t.name, t.primary ? t.primary->display_name : tr("nobody scheduled"));
            s += tr(", backup %1")
                     .arg(backup_names.isEmpty() ? tr("none")
                                                 : backup_names.join(QStringLiteral(", ")));
            return s;
        }
        case TeamIdRole:
            return t.id;
        case TeamNameRole:
            return t.name;
        case PrimaryIdRole:
            return t.primary ? t.primary->user_id : QString();
        case PrimaryNameRole:
            return t.primary ? t.primary->display_name : QString();
        case BackupIdsRole:
            return backup_ids;
        case BackupNamesRole:
            return backup_names;
        default:
            return {};
    }
}

QHash<int, QByteArray> OnCallModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(TeamIdRole, "teamId");
    names.insert(TeamNameRole, "teamName");
    names.insert(PrimaryIdRole, "primaryId");
    names.insert(PrimaryNameRole, "primaryName");
    names.insert(BackupIdsRole, "backupIds");
    names.insert(BackupNamesRole, "backupNames");
    return names;
}

void OnCallModel::reload() {
    const int generation = ++generation_;
    loaded_ = false;
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("oncall.teams.list"), {},
                        [this, alive, generation](const ServerResponse& r) {
                            if (alive.expired() || generation != generation_) return;
                            if (!r.ok) {
                                loaded_ = true;
                                emit failed(r.error_code);
                                emit loadedChanged();
                                return;
                            }
                            take_teams(r.body, generation);
                        });
}

void OnCallModel::take_teams(const QJsonObject& body, int generation) {
    beginResetModel();
    rows_.clear();
    for (const auto& v : body.value(QLatin1String("teams")).toArray()) {
        const auto o = v.toObject();
        OnCallTeam t;
        t.id = o.value(QLatin1String("id")).toString();
        t.name = o.value(QLatin1String("name")).toString();
        if (!t.id.isEmpty()) rows_.push_back(std::move(t));
    }
    endResetModel();
    pending_ = static_cast<int>(rows_.size());
    if (pending_ == 0) {
        loaded_ = true;
        emit loadedChanged();
        return;
    }
    std::weak_ptr<bool> alive = alive_;
    for (const auto& t : rows_) {
        const QString team_id = t.id;
        connection_.request(QStringLiteral("oncall.now"),
                            QJsonObject{{QStringLiteral("team_id"), team_id}},
                            [this, alive, generation, team_id](const ServerResponse& r) {
                                if (alive.expired() || generation != generation_) return;
                                const int row = row_of_team(team_id);
                                if (r.ok && row >= 0) take_now(row, r.body);
                                if (!r.ok) emit failed(r.error_code);
                                if (--pending_ == 0) {
                                    loaded_ = true;
                                    emit loadedChanged();
                                }
                            });
    }
}

void OnCallModel::take_now(int row, const QJsonObject& body) {
    OnCallTeam& t = rows_[static_cast<std::size_t>(row)];
    t.primary = person_from(body.value(QLatin1String("primary")));
    t.backups.clear();
    for (const auto& b : body.value(QLatin1String("backups")).toArray())
        if (auto p = person_from(b)) t.backups.push_back(std::move(*p));
    t.answered = true;
    const auto i = index(row);
    emit dataChanged(i, i);
}

}  // namespace wardline::client
