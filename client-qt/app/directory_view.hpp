// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Directory tab (docs/client.md, "Directory and on call"): colleagues found by name,
// department, role and on-call status (directory.search through DirectoryModel), each with
// presence as a word and an icon and the teams they are on call for now. The Message button,
// Enter or a double click on a colleague asks for the direct conversation with them
// (messageRequested); MainShell opens it in the chat.
#include "client-qt/core/directory_model.hpp"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;

namespace wardline::app {

class DirectoryView : public QWidget {
    Q_OBJECT
public:
    DirectoryView(client::ColleagueDirectory& colleagues, const QString& own_user_id,
                  QWidget* parent = nullptr);

    client::DirectoryModel& model() { return model_; }
    /// Runs the search that the fields describe.
    void search();
    QString status() const;

signals:
    void messageRequested(const QString& user_id);

private:
    void message_current();

    client::DirectoryModel model_;
    QLineEdit* name_ = nullptr;
    QLineEdit* department_ = nullptr;
    QComboBox* role_ = nullptr;
    QCheckBox* on_call_only_ = nullptr;
    QListView* results_ = nullptr;
    QPushButton* message_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
