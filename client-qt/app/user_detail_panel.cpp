// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/user_detail_panel.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"

#include <QCheckBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

QTableWidget* list(QWidget* parent, const char* object_name, const QString& accessible_name,
                   const QStringList& headers) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setObjectName(QLatin1String(object_name));
    t->setAccessibleName(accessible_name);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setTabKeyNavigation(false);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QString when(const QJsonObject& o, const char* key) {
    const auto ms = o.value(QLatin1String(key)).toInteger();
    if (ms <= 0) return QString();
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(),
                              QLocale::ShortFormat);
}

// users.devices' state in words.
QString device_state(const QJsonObject& d) {
    const QString state = d.value(QLatin1String("state")).toString();
    if (state == QLatin1String("quarantined")) return UserDetailPanel::tr("Quarantined");
    if (state == QLatin1String("wipe_pending")) return UserDetailPanel::tr("Wipe ordered");
    if (state == QLatin1String("wiped")) return UserDetailPanel::tr("Wiped");
    if (state == QLatin1String("revoked") || d.value(QLatin1String("revoked")).toBool())
        return UserDetailPanel::tr("Revoked");
    return UserDetailPanel::tr("Active");
}

// The id of the selected row (kept in the first column's user data), or empty.
QString selected_id(const QTableWidget* t) {
    const auto rows = t->selectionModel()->selectedRows();
    if (rows.isEmpty()) return QString();
    const auto* item = t->item(rows.first().row(), 0);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void add_row(QTableWidget* t, const QString& id, const QStringList& cells) {
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c == 0) item->setData(Qt::UserRole, id);
        t->setItem(row, c, item);
    }
}

}  // namespace

UserDetailPanel::UserDetailPanel(client::ServerConnection& connection,
                                 const QStringList& permissions, QWidget* parent)
    : QWidget(parent),
      connection_(connection),
      can_edit_(permissions.contains(kUsersManage)),
      can_assign_roles_(permissions.contains(kRolesAssign)),
      can_manage_devices_(permissions.contains(kDevicesManage)) {
    setObjectName(QStringLiteral("userDetailPanel"));
    auto* layout = new QVBoxLayout(this);
    title_ = new QLabel(tr("Select a user to see their details."), this);
    title_->setObjectName(QStringLiteral("userDetailTitle"));
    title_->setWordWrap(true);
    layout->addWidget(title_);

    profile_ = new QGroupBox(tr("Profile"), this);
    auto* form = new QFormLayout(profile_);
    display_name_ = named_field(profile_, "editDisplayNameField", tr("Name shown to colleagues"));
    department_ = named_field(profile_, "editDepartmentField", tr("Department"));
    job_title_ = named_field(profile_, "editJobTitleField", tr("Job title"));
    save_profile_ = named_button(profile_, "saveProfileButton", tr("Save &profile"));
    form->addRow(tr("Name"), display_name_);
    form->addRow(tr("Department"), department_);
    form->addRow(tr("Job title"), job_title_);
    form->addRow(QString(), save_profile_);
    for (auto* e : {display_name_, department_, job_title_}) e->setReadOnly(!can_edit_);
    save_profile_->setVisible(can_edit_);
    layout->addWidget(profile_);

    roles_ = new QGroupBox(tr("Roles"), this);
    roles_->setObjectName(QStringLiteral("userRolesBox"));
    // Two columns of check boxes, each at the height it asks for: the box keeps its size and
    // the lists below take what is left (the panel scrolls when the window is short).
    auto* roles_layout = new QGridLayout(roles_);
    roles_layout->setVerticalSpacing(6);
    const QStringList roles = default_roles();
    for (int i = 0; i < roles.size(); ++i) {
        const QString& role = roles[i];
        auto* check = new QCheckBox(role, roles_);
        check->setObjectName(QStringLiteral("roleCheck_") + role);
        check->setAccessibleName(tr("Role %1").arg(role));
        check->setEnabled(can_assign_roles_);
        role_checks_.push_back(check);
        roles_layout->addWidget(check, i / 2, i % 2);
    }
    save_roles_ = named_button(roles_, "saveRolesButton", tr("Save r&oles"));
    save_roles_->setVisible(can_assign_roles_);
    roles_layout->addWidget(save_roles_, (static_cast<int>(roles.size()) + 1) / 2, 0, 1, 2);
    roles_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    profile_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    layout->addWidget(roles_);

    devices_ = list(this, "userDevicesTable", tr("The user's devices"),
                    {tr("Device"), tr("Platform"), tr("First seen"), tr("Last seen"), tr("State"),
                     tr("Last address")});
    revoke_device_ = named_button(this, "revokeDeviceButton", tr("Re&voke device"));
    revoke_device_->setToolTip(tr("Ends its sessions and removes it from every conversation."));
    revoke_device_->setVisible(can_manage_devices_);
    layout->addWidget(new QLabel(tr("Devices"), this));
    layout->addWidget(devices_, 1);
    layout->addWidget(revoke_device_);

    sessions_ = list(this, "userSessionsTable", tr("The user's live sessions"),
                     {tr("Started"), tr("Last seen"), tr("Ends"), tr("From")});
    end_session_ = named_button(this, "endSessionButton", tr("&End session"));
    end_session_->setVisible(can_manage_devices_);
    layout->addWidget(new QLabel(tr("Live sessions"), this));
    layout->addWidget(sessions_, 1);
    layout->addWidget(end_session_);

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("userDetailStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connect(save_profile_, &QPushButton::clicked, this, &UserDetailPanel::save_profile);
    connect(save_roles_, &QPushButton::clicked, this, &UserDetailPanel::save_roles);
    connect(revoke_device_, &QPushButton::clicked, this, &UserDetailPanel::revoke_device);
    connect(end_session_, &QPushButton::clicked, this, &UserDetailPanel::end_session);
    show_user(nullptr);
}

void UserDetailPanel::show_user(const UserRow* user) {
    ++generation_;
    pending_lists_ = 0;
    devices_->setRowCount(0);
    sessions_->setRowCount(0);
    status_->clear();
    if (user) {
        user_ = *user;
    } else {
        user_.reset();
    }
    const bool shown = user_.has_value();
    for (QWidget* w : std::initializer_list<QWidget*>{profile_, roles_, devices_, sessions_,
                                                      revoke_device_, end_session_})
        w->setEnabled(shown);
    if (!shown) {
        title_->setText(tr("Select a user to see their details."));
        for (auto* e : {display_name_, department_, job_title_}) e->clear();
        for (auto* c : role_checks_) c->setChecked(false);
        return;
    }
    title_->setText(tr("%1 (%2), %3").arg(user_->display_name, user_->username, user_->status));
    display_name_->setText(user_->display_name);
    department_->setText(user_->department);
    job_title_->setText(user_->job_title);
    for (auto* c : role_checks_) c->setChecked(user_->roles.contains(c->text()));
    load_lists();
}

void UserDetailPanel::request(const QString& type, const QJsonObject& body,
                              std::function<void(const client::ServerResponse&)> then,
                              std::function<void()> either_way) {
    const quint64 generation = generation_;
    QPointer<UserDetailPanel> self(this);
    connection_.request(type, body,
                        [self, generation, then, either_way](const client::ServerResponse& r) {
                            // Dropped when the panel is gone or shows another user by now.
                            if (!self || generation != self->generation_) return;
                            if (r.ok)
                                then(r);
                            else
                                self->show_status(admin_message_for(r.error_code, r.error_message));
                            if (either_way) either_way();
                        });
}

void UserDetailPanel::load_lists() {
    if (!user_) return;
    const QJsonObject body{{QStringLiteral("user_id"), user_->id}};
    pending_lists_ = 2;
    request(
        QStringLiteral("users.devices"), body,
        [this](const client::ServerResponse& r) {
            devices_->setRowCount(0);
            for (const auto& value : r.body.value(QLatin1String("devices")).toArray()) {
                const auto d = value.toObject();
                add_row(devices_, d.value(QLatin1String("id")).toString(),
                        {d.value(QLatin1String("name")).toString(),
                         d.value(QLatin1String("platform")).toString(), when(d, "first_seen_ms"),
                         when(d, "last_seen_ms"), device_state(d),
                         d.value(QLatin1String("last_address")).toString()});
            }
        },
        [this] { --pending_lists_; });
    request(
        QStringLiteral("users.sessions"), body,
        [this](const client::ServerResponse& r) {
            sessions_->setRowCount(0);
            for (const auto& value : r.body.value(QLatin1String("sessions")).toArray()) {
                const auto s = value.toObject();
                add_row(sessions_, s.value(QLatin1String("id")).toString(),
                        {when(s, "created_ms"), when(s, "last_seen_ms"), when(s, "expires_at_ms"),
                         s.value(QLatin1String("source_address")).toString()});
            }
        },
        [this] { --pending_lists_; });
}

void UserDetailPanel::save_profile() {
    if (!user_) return;
    const QString name = display_name_->text().trimmed();
    if (name.isEmpty()) {
        show_status(tr("The name cannot be empty."));
        return;
    }
    const QJsonObject body{{QStringLiteral("user_id"), user_->id},
                           {QStringLiteral("display_name"), name},
                           {QStringLiteral("department"), department_->text().trimmed()},
                           {QStringLiteral("job_title"), job_title_->text().trimmed()}};
    request(QStringLiteral("users.update"), body, [this](const client::ServerResponse& r) {
        const UserRow u = UserRow::from_json(r.body.value(QLatin1String("user")).toObject());
        user_ = u;
        show_status(tr("%1's profile is saved.").arg(u.username));
        emit userChanged(u);
    });
}

void UserDetailPanel::save_roles() {
    if (!user_) return;
    QJsonArray roles;
    for (auto* c : role_checks_)
        if (c->isChecked()) roles.append(c->text());
    if (roles.isEmpty()) {
        show_status(tr("A user needs at least one role. To take all access away, suspend them."));
        return;
    }
    const QJsonObject body{{QStringLiteral("user_id"), user_->id},
                           {QStringLiteral("roles"), roles}};
    request(QStringLiteral("users.set_roles"), body, [this](const client::ServerResponse& r) {
        const UserRow u = UserRow::from_json(r.body.value(QLatin1String("user")).toObject());
        user_ = u;
        for (auto* c : role_checks_) c->setChecked(u.roles.contains(c->text()));
        show_status(
            tr("%1's roles are now: %2.").arg(u.username, u.roles.join(QStringLiteral(", "))));
        emit userChanged(u);
    });
}

void UserDetailPanel::revoke_device() {
    const QString id = selected_id(devices_);
    if (id.isEmpty()) {
        show_status(tr("Select a device first."));
        return;
    }
    request(QStringLiteral("devices.revoke"), {{QStringLiteral("device_id"), id}},
            [this](const client::ServerResponse&) {
                show_status(
                    tr("The device is revoked: its sessions ended and it is removed from "
                       "every conversation."));
                load_lists();
            });
}

void UserDetailPanel::end_session() {
    const QString id = selected_id(sessions_);
    if (id.isEmpty()) {
        show_status(tr("Select a session first."));
        return;
    }
    request(QStringLiteral("sessions.revoke"), {{QStringLiteral("session_id"), id}},
            [this](const client::ServerResponse&) {
                show_status(tr("The session has ended."));
                load_lists();
            });
}

void UserDetailPanel::show_status(const QString& text) {
    status_->setText(text);
}

QString UserDetailPanel::status() const {
    return status_->text();
}

}  // namespace wardline::app
