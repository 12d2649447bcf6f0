// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization settings view (issue #6, "Admin views: organization settings"): the
// security policy as org.get_policy gives it — MFA required, idle timeout, absolute session
// lifetime, lockout threshold, break-glass duration, what desktop notifications may show
// (notification_detail: minimal, kind, sender) — edited within the server's limits and
// saved with org.set_policy (audited by the server). Shown only to holders of org.settings.
#include <QWidget>

class QCheckBox;
class QComboBox;
class QJsonObject;
class QLabel;
class QPushButton;
class QSpinBox;

namespace wardline::client {
class ServerConnection;
}

namespace wardline::app {

class OrgPolicyView : public QWidget {
    Q_OBJECT
public:
    explicit OrgPolicyView(client::ServerConnection& connection, QWidget* parent = nullptr);

    /// Loads the policy from the server again (dropping unsaved edits).
    void reload();
    /// Sends the edited policy.
    void save();
    bool loaded() const { return loaded_; }
    /// The last result or refusal, in words.
    QString status() const;

private:
    void show_policy(const QJsonObject& policy);

    client::ServerConnection& connection_;
    QCheckBox* mfa_required_ = nullptr;
    QSpinBox* idle_minutes_ = nullptr;
    QSpinBox* lifetime_minutes_ = nullptr;
    QSpinBox* lockout_ = nullptr;
    QSpinBox* break_glass_minutes_ = nullptr;
    QComboBox* notification_detail_ = nullptr;
    QPushButton* save_ = nullptr;
    QPushButton* reload_ = nullptr;
    QLabel* status_ = nullptr;
    bool loaded_ = false;
};

}  // namespace wardline::app
