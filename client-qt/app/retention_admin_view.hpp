// SPDX-License-Identifier: Apache-2.0
#pragma once
// The retention policies view for administrators (issue #7; docs/client.md, "Retention and
// legal-hold views"; docs/admin-guide.md, "Retention and legal holds"), over
// client::RetentionPolicyModel: the policies per organization, conversation kind and
// conversation, a form to set one (days or forever), and the shortenings waiting for a second
// administrator with Confirm and Reject. A shorter duration is never proposed blind: the first
// Save shows the dry-run report (retention.preview) of exactly what is in the form, and only a
// second Save with the same values proposes it. The server refuses the proposer's own Confirm;
// its words are shown. Shown only to holders of retention.manage.
#include "client-qt/core/retention_policy_model.hpp"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace wardline::client {
class ColleagueDirectory;
class ServerConnection;
}  // namespace wardline::client

namespace wardline::app {

class RetentionAdminView : public QWidget {
    Q_OBJECT
public:
    RetentionAdminView(client::ServerConnection& connection, client::ColleagueDirectory& names,
                       QWidget* parent = nullptr);

    /// Lists the policies and pending changes again.
    void reload();
    client::RetentionPolicyModel& policies() { return model_; }
    bool loaded() const { return model_.loaded(); }
    /// The last result or refusal, in words.
    QString status() const;
    /// The dry-run report last shown (empty when none).
    QString preview_text() const;
    /// Fills the form from policy row `row` (as selecting it in the list does).
    void select_policy(int row);

private:
    client::RetentionScope target() const;
    std::optional<int> keep_days() const;
    void update_form();
    void preview();
    void save();
    /// Sets the policy, or shows the dry run first when it shortens and none was shown for
    /// exactly these values.
    void propose(const client::RetentionScope& t, std::optional<int> days);
    void decide(bool confirm);
    void show_pending();
    void show_status(const QString& text);

    client::RetentionPolicyModel model_;
    /// What the shown dry-run report is for; a shortening is proposed only when it matches.
    std::optional<std::pair<client::RetentionScope, int>> previewed_;
    QListView* list_ = nullptr;
    QComboBox* scope_ = nullptr;
    QComboBox* kind_ = nullptr;
    QLineEdit* conversation_ = nullptr;
    QCheckBox* forever_ = nullptr;
    QSpinBox* days_ = nullptr;
    QPushButton* preview_button_ = nullptr;
    QPushButton* save_ = nullptr;
    QLabel* preview_ = nullptr;
    QListWidget* pending_ = nullptr;
    QPushButton* confirm_ = nullptr;
    QPushButton* reject_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
