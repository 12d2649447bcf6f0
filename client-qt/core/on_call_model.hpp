// SPDX-License-Identifier: Apache-2.0
#pragma once
// The on-call view's rows (docs/client.md, "Directory and on call"): every on-call team of the
// organization (oncall.teams.list) with who is primary and who are backups now (oncall.now
// per team). "Who is on call for X" is a filter on TeamNameRole (the view's proxy model).
// reload() asks again; replies that arrive after a newer reload are dropped.
#include "client-qt/core/server_connection.hpp"

#include <QAbstractListModel>
#include <QDateTime>

#include <memory>
#include <vector>

namespace wardline::client {

struct OnCallPerson {
    QString user_id;
    QString display_name;
    QDateTime until;  ///< end of the shift (UTC)
};

struct OnCallTeam {
    QString id;
    QString name;
    std::optional<OnCallPerson> primary;
    std::vector<OnCallPerson> backups;
    bool answered = false;  ///< oncall.now has answered for this team
};

class OnCallModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles {
        TeamIdRole = Qt::UserRole + 1,
        TeamNameRole,
        PrimaryIdRole,  ///< empty when nobody is primary now
        PrimaryNameRole,
        BackupIdsRole,    ///< QStringList
        BackupNamesRole,  ///< QStringList
    };
    Q_ENUM(Roles)

    explicit OnCallModel(ServerConnection& connection, QObject* parent = nullptr);
    ~OnCallModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Lists the teams, then asks oncall.now for each; loaded (or failed) when all answered.
    void reload();
    const OnCallTeam* at(int row) const;
    int row_of_team(const QString& team_id) const;
    bool loaded() const noexcept { return loaded_; }

signals:
    /// Every team's oncall.now has answered.
    void loadedChanged();
    /// A request was refused: the protocol's error code.
    void failed(const QString& error);

private:
    void take_teams(const QJsonObject& body, int generation);
    void take_now(int row, const QJsonObject& body);

    ServerConnection& connection_;
    std::vector<OnCallTeam> rows_;
    int generation_ = 0;
    int pending_ = 0;
    bool loaded_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
