// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/user_table_model.hpp"

#include "client-qt/app/admin_text.hpp"

#include <QJsonArray>
#include <QPointer>

namespace wardline::app {

UserRow UserRow::from_json(const QJsonObject& u) {
    UserRow r;
    r.id = u.value(QLatin1String("id")).toString();
    r.username = u.value(QLatin1String("username")).toString();
    r.display_name = u.value(QLatin1String("display_name")).toString();
    r.department = u.value(QLatin1String("department")).toString();
    r.job_title = u.value(QLatin1String("job_title")).toString();
    r.status = u.value(QLatin1String("status")).toString();
    for (const auto& role : u.value(QLatin1String("roles")).toArray())
        r.roles.append(role.toString());
    r.locked = u.value(QLatin1String("locked")).toBool();
    r.mfa_enrolled = u.value(QLatin1String("mfa_enrolled")).toBool();
    return r;
}

UserTableModel::UserTableModel(client::ServerConnection& connection, QObject* parent)
    : QAbstractTableModel(parent), connection_(connection) {}

int UserTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int UserTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const {
    const UserRow* u = index.isValid() ? user_at(index.row()) : nullptr;
    if (!u || (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)) return {};
    switch (index.column()) {
        case username:
            return u->username;
        case display_name:
            return u->display_name;
        case status:
            return u->status;
        case roles:
            return u->roles.join(QStringLiteral(", "));
        case locked:
            return u->locked ? tr("Locked") : tr("No");
        case mfa:
            return u->mfa_enrolled ? tr("Enrolled") : tr("Not enrolled");
        default:
            return {};
    }
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case username:
            return tr("Username");
        case display_name:
            return tr("Name");
        case status:
            return tr("Status");
        case roles:
            return tr("Roles");
        case locked:
            return tr("Locked");
        case mfa:
            return tr("Authenticator");
        default:
            return {};
    }
}

void UserTableModel::search(const QString& query) {
    query_ = query.trimmed().left(100);
    page_starts_.assign(1, QString());
    load(QString());
}

void UserTableModel::next_page() {
    if (!has_next()) return;
    page_starts_.push_back(next_after_);
    load(next_after_);
}

void UserTableModel::previous_page() {
    if (!has_previous()) return;
    page_starts_.pop_back();
    load(page_starts_.back());
}

void UserTableModel::refresh() {
    if (page_starts_.empty()) page_starts_.assign(1, QString());
    load(page_starts_.back());
}

const UserRow* UserTableModel::user_at(int row) const {
    if (row < 0 || row >= static_cast<int>(rows_.size())) return nullptr;
    return &rows_[static_cast<std::size_t>(row)];
}

void UserTableModel::update_user(const UserRow& user) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id != user.id) continue;
        rows_[i] = user;
        const int row = static_cast<int>(i);
        emit dataChanged(index(row, 0), index(row, column_count - 1));
        return;
    }
}

void UserTableModel::clear() {
    ++generation_;
    beginResetModel();
    rows_.clear();
    next_after_.clear();
    page_starts_.clear();
    endResetModel();
}

void UserTableModel::load(const QString& after) {
    QJsonObject body{{QStringLiteral("limit"), kPageSize}};
    if (!query_.isEmpty()) body.insert(QStringLiteral("query"), query_);
    if (!after.isEmpty()) body.insert(QStringLiteral("after"), after);
    const quint64 generation = ++generation_;
    QPointer<UserTableModel> self(this);
    connection_.request(
        QStringLiteral("users.list"), body, [self, generation](const client::ServerResponse& r) {
            if (!self || self->generation_ != generation) return;
            if (!r.ok) {
                emit self->failed(admin_message_for(r.error_code, r.error_message));
                return;
            }
            self->beginResetModel();
            self->rows_.clear();
            for (const auto& u : r.body.value(QLatin1String("users")).toArray())
                self->rows_.push_back(UserRow::from_json(u.toObject()));
            self->next_after_ = r.body.value(QLatin1String("next_after")).toString();
            self->endResetModel();
            emit self->loaded();
        });
}

}  // namespace wardline::app
