// SPDX-License-Identifier: Apache-2.0
#pragma once
// The users view of administrators (issue #6, "Admin views"): search and page through the
// organization's users, create one (its one-time password is shown once, here), suspend,
// reactivate, reset the password (a new one-time password, shown once) or the authenticator,
// and unlock. Shown only to holders of users.read; the create and credential actions only to
// holders of users.manage and users.credentials. The server checks every request again.
#include "client-qt/app/user_table_model.hpp"

#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace wardline::app {

class UserDetailPanel;

class UserAdminView : public QWidget {
    Q_OBJECT
public:
    UserAdminView(client::ServerConnection& connection, const QStringList& permissions,
                  QWidget* parent = nullptr);

    UserTableModel& model() { return *model_; }
    UserDetailPanel& detail() { return *detail_; }
    /// The last result or refusal, in words.
    QString status() const;
    /// Starts the create form (Ctrl+N).
    void start_create();

private:
    QWidget* make_create_form();
    QWidget* make_one_time_password_panel();
    void run_action(const QString& type, const QString& done_text);
    void create_user();
    void reset_password();
    void show_one_time_password(const QString& username, const QString& password);
    void show_status(const QString& text);
    void update_buttons();
    const UserRow* selected() const;

    client::ServerConnection& connection_;
    UserTableModel* model_ = nullptr;
    UserDetailPanel* detail_ = nullptr;
    bool can_manage_ = false;
    bool can_reset_ = false;
    QLineEdit* search_ = nullptr;
    QTableView* table_ = nullptr;
    QPushButton* previous_ = nullptr;
    QPushButton* next_ = nullptr;
    QLabel* page_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* suspend_ = nullptr;
    QPushButton* reactivate_ = nullptr;
    QPushButton* reset_password_ = nullptr;
    QPushButton* reset_mfa_ = nullptr;
    QPushButton* unlock_ = nullptr;
    QGroupBox* create_form_ = nullptr;
    QLineEdit* new_username_ = nullptr;
    QLineEdit* new_display_name_ = nullptr;
    QLineEdit* new_department_ = nullptr;
    QLineEdit* new_job_title_ = nullptr;
    QComboBox* new_role_ = nullptr;
    QPushButton* create_ = nullptr;
    QGroupBox* otp_panel_ = nullptr;
    QLabel* otp_for_ = nullptr;
    QLineEdit* otp_ = nullptr;
};

}  // namespace wardline::app
