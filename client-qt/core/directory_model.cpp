// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/directory_model.hpp"

#include <QPointer>

namespace wardline::client {

DirectoryModel::DirectoryModel(ColleagueDirectory& colleagues, QString own_user_id, QObject* parent)
    : QAbstractListModel(parent), colleagues_(colleagues), own_user_id_(std::move(own_user_id)) {}

int DirectoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QString DirectoryModel::presence_text(const QString& presence) {
    if (presence == QLatin1String("available")) return tr("Available");
    if (presence == QLatin1String("busy")) return tr("Busy");
    if (presence == QLatin1String("away")) return tr("Away");
    return tr("Offline");
}

const Colleague* DirectoryModel::at(int row) const {
    return row >= 0 && row < rowCount() ? &rows_[static_cast<std::size_t>(row)] : nullptr;
}

QVariant DirectoryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Colleague& c = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole: {
            QString s = c.display_name;
            QStringList where;
            for (const auto& part : {c.job_title, c.department})
                if (!part.isEmpty()) where << part;
            if (!where.isEmpty()) s += QStringLiteral(" — ") + where.join(QStringLiteral(", "));
            s += QStringLiteral(" · ") + presence_text(c.presence);
            if (c.on_shift)
                s += QStringLiteral(" · ") +
                     tr("On call: %1").arg(c.on_call.join(QStringLiteral(", ")));
            return s;
        }
        case IdRole:
            return c.id;
        case DisplayNameRole:
            return c.display_name;
        case UsernameRole:
            return c.username;
        case DepartmentRole:
            return c.department;
        case JobTitleRole:
            return c.job_title;
        case PresenceRole:
            return c.presence;
        case OnShiftRole:
            return c.on_shift;
        case OnCallRole:
            return c.on_call;
        default:
            return {};
    }
}

QHash<int, QByteArray> DirectoryModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "userId");
    names.insert(DisplayNameRole, "displayName");
    names.insert(UsernameRole, "username");
    names.insert(DepartmentRole, "department");
    names.insert(JobTitleRole, "jobTitle");
    names.insert(PresenceRole, "presence");
    names.insert(OnShiftRole, "onShift");
    names.insert(OnCallRole, "onCall");
    return names;
}

void DirectoryModel::search(const DirectoryQuery& query) {
    const int generation = ++generation_;
    busy_ = true;
    QPointer<DirectoryModel> self(this);
    colleagues_.search(
        query, [self, generation](const std::vector<Colleague>& found, const QString& error) {
            if (!self || generation != self->generation_) return;
            self->busy_ = false;
            self->beginResetModel();
            self->rows_.clear();
            for (const auto& c : found)
                if (c.id != self->own_user_id_) self->rows_.push_back(c);
            self->endResetModel();
            emit self->searchFinished(error);
        });
}

}  // namespace wardline::client
