// SPDX-License-Identifier: Apache-2.0
#pragma once
// The legal holds view for compliance officers (issue #7; docs/client.md, "Retention and
// legal-hold views"; docs/admin-guide.md, "Legal holds"), over client::LegalHoldModel: the
// organization's holds (released ones on request), a form to place one on a user (by
// username, found through the directory), a conversation or a patient thread, with a case name
// and a date range (from the first day to and including the last, or open-ended), and the two
// steps of a release: one officer asks, a second confirms. The server refuses the asker's own
// confirmation; its words are shown. Shown only to holders of legal_hold.manage. Case names
// are shown here and never logged.
#include "client-qt/core/legal_hold_model.hpp"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;

namespace wardline::client {
class ColleagueDirectory;
class ServerConnection;
}  // namespace wardline::client

namespace wardline::app {

class LegalHoldAdminView : public QWidget {
    Q_OBJECT
public:
    LegalHoldAdminView(client::ServerConnection& connection, client::ColleagueDirectory& directory,
                       QWidget* parent = nullptr);

    /// Lists the holds again.
    void reload();
    client::LegalHoldModel& holds() { return model_; }
    bool loaded() const { return model_.loaded(); }
    /// Selects the hold at `row` of the list.
    void select(int row);
    /// The last result or refusal, in words.
    QString status() const;

private:
    void update_form();
    void place();
    void place_draft(client::LegalHoldDraft draft);
    void act(bool confirm);
    QString selected_id() const;
    void show_status(const QString& text);

    client::ColleagueDirectory& directory_;
    client::LegalHoldModel model_;
    QListView* list_ = nullptr;
    QCheckBox* show_released_ = nullptr;
    QComboBox* scope_ = nullptr;
    QLineEdit* username_ = nullptr;
    QLineEdit* conversation_ = nullptr;
    QLineEdit* case_name_ = nullptr;
    QDateEdit* from_ = nullptr;
    QDateEdit* until_ = nullptr;
    QCheckBox* open_ended_ = nullptr;
    QPushButton* place_ = nullptr;
    QPushButton* release_ = nullptr;
    QPushButton* confirm_release_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
