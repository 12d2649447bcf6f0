// SPDX-License-Identifier: Apache-2.0
#pragma once
// The user's own notification settings (issues #6 and #7; docs/client.md, "Notifications"):
// quiet hours — on or off, start, end and time zone — read with account.quiet_hours.get when
// the dialog opens and saved with account.quiet_hours.set, and in words what the organization
// lets notifications show. Any user may open it (Alt+Q from the main window); it only ever
// touches the signed-in user's own settings. Every control has an accessible name.
#include "client-qt/core/notification_policy.hpp"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTimeEdit;

namespace wardline::client {
class ServerConnection;
}

namespace wardline::app {

class NotificationSettingsDialog : public QDialog {
    Q_OBJECT
public:
    /// `detail` is the organization's level from the session, shown in words.
    NotificationSettingsDialog(client::ServerConnection& connection,
                               client::NotificationDetail detail, QWidget* parent = nullptr);

    /// Reads the quiet hours from the server again (dropping unsaved edits).
    void reload();
    /// Sends the edited quiet hours.
    void save();
    bool loaded() const { return loaded_; }
    /// The quiet hours as the controls show them.
    client::QuietHours edited() const;
    /// The last result or refusal, in words.
    QString status() const;

    /// What each level lets notifications show, in words.
    static QString describe(client::NotificationDetail detail);

signals:
    /// The server stored `quiet` (the session's copy and the notifier follow it).
    void quietHoursSaved(const wardline::client::QuietHours& quiet);

private:
    void show_quiet_hours(const client::QuietHours& quiet);
    void select_zone(const QString& zone);

    client::ServerConnection& connection_;
    QCheckBox* enabled_ = nullptr;
    QTimeEdit* start_ = nullptr;
    QTimeEdit* end_ = nullptr;
    QComboBox* zone_ = nullptr;
    QPushButton* save_ = nullptr;
    QLabel* status_ = nullptr;
    bool loaded_ = false;
};

}  // namespace wardline::app
