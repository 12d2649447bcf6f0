// SPDX-License-Identifier: Apache-2.0
#pragma once
// The On call tab (docs/client.md, "Directory and on call"): the organization's teams with
// who is primary and who are backups now (OnCallModel). Typing a team's name in the filter
// answers "who is on call for X"; Message primary / Message backup (or Enter on a team, which
// messages the primary) ask for the direct conversation with that person
// (messageRequested).
#include "client-qt/core/on_call_model.hpp"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace wardline::app {

class OnCallView : public QWidget {
    Q_OBJECT
public:
    explicit OnCallView(client::ServerConnection& connection, QWidget* parent = nullptr);

    client::OnCallModel& model() { return model_; }
    /// The teams shown after the filter.
    QSortFilterProxyModel* shown() const { return proxy_; }
    void reload();
    /// Selects the shown team at `row`.
    void select(int row);

signals:
    void messageRequested(const QString& user_id);

private:
    void update_buttons();
    const client::OnCallTeam* current_team() const;

    client::OnCallModel model_;
    QSortFilterProxyModel* proxy_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QListView* teams_ = nullptr;
    QPushButton* message_primary_ = nullptr;
    QPushButton* message_backup_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
