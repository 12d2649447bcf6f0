// SPDX-License-Identifier: Apache-2.0
#pragma once
// The selected user in the users view (issue #6, "Admin views: users … edit, roles, devices
// and sessions with revoke"): the profile (users.update, with users.manage), the roles
// (users.set_roles, with roles.assign), the user's devices (users.devices; revoke with
// devices.manage) and live sessions (users.sessions; end one with devices.manage). Controls
// for permissions the administrator lacks are read-only or hidden; the server checks every
// request again.
#include "client-qt/app/user_table_model.hpp"

#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace wardline::app {

class UserDetailPanel : public QWidget {
    Q_OBJECT
public:
    UserDetailPanel(client::ServerConnection& connection, const QStringList& permissions,
                    QWidget* parent = nullptr);

    /// Shows `user` (and loads their devices and sessions), or nothing.
    void show_user(const UserRow* user);
    /// The last result or refusal, in words.
    QString status() const;
    QTableWidget* devices() const { return devices_; }
    QTableWidget* sessions() const { return sessions_; }
    /// True once the devices and sessions of the shown user have arrived.
    bool lists_loaded() const { return pending_lists_ == 0; }

signals:
    /// The server's new state of the user after an edit.
    void userChanged(const wardline::app::UserRow& user);

private:
    void save_profile();
    void save_roles();
    void load_lists();
    void revoke_device();
    void end_session();
    void show_status(const QString& text);
    /// Sends `type`; `then` gets a success, a refusal is shown in words; `either_way` runs
    /// after both. Nothing runs if the panel shows another user by the time the answer comes.
    void request(const QString& type, const QJsonObject& body,
                 std::function<void(const client::ServerResponse&)> then,
                 std::function<void()> either_way = {});

    client::ServerConnection& connection_;
    bool can_edit_ = false;
    bool can_assign_roles_ = false;
    bool can_manage_devices_ = false;
    std::optional<UserRow> user_;
    int pending_lists_ = 0;
    quint64 generation_ = 0;
    QLabel* title_ = nullptr;
    QGroupBox* profile_ = nullptr;
    QLineEdit* display_name_ = nullptr;
    QLineEdit* department_ = nullptr;
    QLineEdit* job_title_ = nullptr;
    QPushButton* save_profile_ = nullptr;
    QGroupBox* roles_ = nullptr;
    std::vector<QCheckBox*> role_checks_;
    QPushButton* save_roles_ = nullptr;
    QTableWidget* devices_ = nullptr;
    QPushButton* revoke_device_ = nullptr;
    QTableWidget* sessions_ = nullptr;
    QPushButton* end_session_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
