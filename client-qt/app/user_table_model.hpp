// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's users for the admin view (issue #6, "Admin views"): one page of
// users.list at a time, with a search and keyset paging (next / previous), read-only.
// Replies that arrive after a newer search, or after the model is gone, are dropped.
#include "client-qt/core/server_connection.hpp"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace wardline::app {

struct UserRow {
    QString id;
    QString username;
    QString display_name;
    QString department;
    QString job_title;
    QString status;
    QStringList roles;
    bool locked = false;
    bool mfa_enrolled = false;

    static UserRow from_json(const QJsonObject& user);
};

class UserTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { username, display_name, status, roles, locked, mfa, column_count };

    explicit UserTableModel(client::ServerConnection& connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Loads the first page of users matching `query` (all users when empty).
    void search(const QString& query);
    void next_page();
    void previous_page();
    /// Loads the current page again (after an action changed a user).
    void refresh();
    bool has_next() const { return !next_after_.isEmpty(); }
    bool has_previous() const { return page_starts_.size() > 1; }
    int page_number() const { return static_cast<int>(page_starts_.size()); }

    const UserRow* user_at(int row) const;
    /// Puts the server's new state of one user (an action's answer) in place.
    void update_user(const UserRow& user);
    /// Forgets every row (the window locks).
    void clear();

    static constexpr int kPageSize = 50;

signals:
    void loaded();
    void failed(const QString& message);

private:
    void load(const QString& after);

    client::ServerConnection& connection_;
    std::vector<UserRow> rows_;
    QString query_;
    std::vector<QString> page_starts_;  ///< the `after` of each page up to the current one
    QString next_after_;
    quint64 generation_ = 0;
};

}  // namespace wardline::app
