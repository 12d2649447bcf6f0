// SPDX-License-Identifier: Apache-2.0
#pragma once
// Starting a direct conversation (docs/client.md, "Chat views"): find a colleague by name
// through directory.search, pick one, and the chat opens the conversation with them (an
// existing one is reused: the server keeps one direct conversation per pair).
#include "client-qt/core/colleague_directory.hpp"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace wardline::app {

class NewConversationDialog : public QDialog {
    Q_OBJECT
public:
    NewConversationDialog(client::ColleagueDirectory& colleagues, QString own_user_id,
                          QWidget* parent = nullptr);

    /// The chosen colleague's user id (after accepted()).
    QString chosen() const;

private:
    void search();

    client::ColleagueDirectory& colleagues_;
    QString own_user_id_;
    QLineEdit* query_ = nullptr;
    QListWidget* results_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* start_ = nullptr;
};

}  // namespace wardline::app
