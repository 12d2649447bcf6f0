// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/notification_settings_dialog.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace wardline::app {
namespace {

QTimeEdit* time_field(QWidget* parent, const char* object_name, const QString& accessible_name) {
    auto* t = new QTimeEdit(parent);
    t->setObjectName(QLatin1String(object_name));
    t->setAccessibleName(accessible_name);
    t->setDisplayFormat(QStringLiteral("HH:mm"));
    // The editor inside takes the focus: it carries the same name.
    if (auto* editor = t->findChild<QLineEdit*>()) editor->setAccessibleName(accessible_name);
    return t;
}

QTime time_of(int minute) {
    return QTime(minute / 60, minute % 60);
}

int minute_of(const QTime& t) {
    return t.hour() * 60 + t.minute();
}

/// The zones offered: IANA Area/Location names and UTC, sorted.
QStringList zone_names() {
    QStringList names;
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds()) {
        const QString name = QString::fromLatin1(id);
        if (name == QLatin1String("UTC") ||
            (name.contains(QLatin1Char('/')) && !name.startsWith(QLatin1String("Etc/"))))
            names.append(name);
    }
    names.sort();
    names.removeDuplicates();
    return names;
}

}  // namespace

NotificationSettingsDialog::NotificationSettingsDialog(client::ServerConnection& connection,
                                                       client::NotificationDetail detail,
                                                       QWidget* parent)
    : QDialog(parent), connection_(connection) {
    setObjectName(QStringLiteral("notificationSettingsDialog"));
    setWindowTitle(tr("Notifications"));
    setAccessibleName(tr("Notification settings"));
    auto* layout = new QVBoxLayout(this);

    auto* detail_label = new QLabel(describe(detail), this);
    detail_label->setObjectName(QStringLiteral("notificationDetailLabel"));
    detail_label->setWordWrap(true);
    layout->addWidget(detail_label);

    enabled_ = new QCheckBox(tr("&Silence routine messages during quiet hours"), this);
    enabled_->setObjectName(QStringLiteral("quietHoursEnabledCheck"));
    enabled_->setAccessibleName(tr("Quiet hours on"));
    start_ = time_field(this, "quietHoursStartField", tr("Quiet hours start"));
    end_ = time_field(this, "quietHoursEndField", tr("Quiet hours end"));
    zone_ = new QComboBox(this);
    zone_->setObjectName(QStringLiteral("quietHoursZoneField"));
    zone_->setAccessibleName(tr("Time zone of the quiet hours"));
    zone_->addItems(zone_names());
    auto* form = new QFormLayout;
    form->addRow(enabled_);
    form->addRow(tr("&From"), start_);
    form->addRow(tr("&Until"), end_);
    form->addRow(tr("Time &zone"), zone_);
    layout->addLayout(form);
    auto* note = new QLabel(tr("Urgent and critical messages always notify, also during quiet "
                               "hours. A range that ends before it starts runs over midnight."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto* buttons = new QHBoxLayout;
    save_ = named_button(this, "saveQuietHoursButton", tr("Sa&ve"));
    auto* close = named_button(this, "closeNotificationSettingsButton", tr("&Close"));
    buttons->addStretch(1);
    buttons->addWidget(save_);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("quietHoursStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connect(save_, &QPushButton::clicked, this, &NotificationSettingsDialog::save);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    reload();
}

QString NotificationSettingsDialog::describe(client::NotificationDetail detail) {
    switch (detail) {
        case client::NotificationDetail::sender:
            return tr(
                "Your organization lets notifications say how urgent a message is, the "
                "kind of conversation and who sent it. Never what it says or whom it is "
                "about.");
        case client::NotificationDetail::kind:
            return tr(
                "Your organization lets notifications say how urgent a message is and the "
                "kind of conversation. Never who sent it, what it says or whom it is "
                "about.");
        case client::NotificationDetail::minimal:
            break;
    }
    return tr(
        "Your organization lets notifications say only that a message came and how urgent "
        "it is.");
}

void NotificationSettingsDialog::reload() {
    loaded_ = false;
    save_->setEnabled(false);
    status_->setText(tr("Loading your quiet hours…"));
    QPointer<NotificationSettingsDialog> self(this);
    connection_.request(
        QStringLiteral("account.quiet_hours.get"), {}, [self](const client::ServerResponse& r) {
            if (!self) return;
            const auto quiet = r.ok ? client::quiet_hours_from_json(
                                          r.body.value(QLatin1String("quiet_hours")).toObject())
                                    : std::nullopt;
            if (!quiet) {
                self->status_->setText(r.ok ? tr("The server's answer could not be read.")
                                            : admin_message_for(r.error_code, r.error_message));
                return;
            }
            self->show_quiet_hours(*quiet);
            // Never set: offer this computer's zone rather than UTC.
            if (!quiet->enabled && quiet->time_zone == QLatin1String("UTC"))
                self->select_zone(QString::fromLatin1(QTimeZone::systemTimeZoneId()));
            self->status_->setText(quiet->enabled ? tr("Quiet hours are on.")
                                                  : tr("Quiet hours are off."));
        });
}

void NotificationSettingsDialog::show_quiet_hours(const client::QuietHours& quiet) {
    enabled_->setChecked(quiet.enabled);
    start_->setTime(time_of(quiet.start_minute));
    end_->setTime(time_of(quiet.end_minute));
    select_zone(quiet.time_zone);
    loaded_ = true;
    save_->setEnabled(true);
}

void NotificationSettingsDialog::select_zone(const QString& zone) {
    if (zone.isEmpty()) return;
    int index = zone_->findText(zone);
    if (index < 0) {  // a zone this computer does not list: keep it selectable
        zone_->addItem(zone);
        index = zone_->count() - 1;
    }
    zone_->setCurrentIndex(index);
}

client::QuietHours NotificationSettingsDialog::edited() const {
    client::QuietHours quiet;
    quiet.enabled = enabled_->isChecked();
    quiet.start_minute = minute_of(start_->time());
    quiet.end_minute = minute_of(end_->time());
    quiet.time_zone = zone_->currentText();
    return quiet;
}

void NotificationSettingsDialog::save() {
    if (!loaded_) return;
    const client::QuietHours quiet = edited();
    if (quiet.start_minute == quiet.end_minute) {
        status_->setText(tr("The start and the end must differ."));
        return;
    }
    save_->setEnabled(false);
    status_->setText(tr("Saving…"));
    QPointer<NotificationSettingsDialog> self(this);
    connection_.request(
        QStringLiteral("account.quiet_hours.set"), client::to_json(quiet),
        [self](const client::ServerResponse& r) {
            if (!self) return;
            self->save_->setEnabled(true);
            const auto stored = r.ok ? client::quiet_hours_from_json(
                                           r.body.value(QLatin1String("quiet_hours")).toObject())
                                     : std::nullopt;
            if (!stored) {
                self->status_->setText(r.ok ? tr("The server's answer could not be read.")
                                            : admin_message_for(r.error_code, r.error_message));
                return;
            }
            self->show_quiet_hours(*stored);
            self->status_->setText(
                stored->enabled
                    ? tr("Saved. Routine messages stay silent from %1 until %2 (%3).")
                          .arg(client::minute_of_day_text(stored->start_minute),
                               client::minute_of_day_text(stored->end_minute), stored->time_zone)
                    : tr("Saved. Quiet hours are off."));
            emit self->quietHoursSaved(*stored);
        });
}

QString NotificationSettingsDialog::status() const {
    return status_->text();
}

}  // namespace wardline::app
