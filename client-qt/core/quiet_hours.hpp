// SPDX-License-Identifier: Apache-2.0
#pragma once
// A user's quiet hours (docs/client.md, "Notifications"; account.quiet_hours.* in
// docs/protocol.md): a daily range of wall-clock time in a named time zone during which routine
// messages raise no desktop notification, while urgent and critical ones still do. The range is
// read on the wall clock of its zone, so it follows daylight saving time: "22:00 to 07:00
// Europe/Berlin" is 22:00 to 07:00 local time in winter and in summer. A range that starts later
// in the day than it ends crosses midnight.
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace wardline::client {

struct QuietHours {
    bool enabled = false;
    int start_minute = 22 * 60;  ///< minutes after midnight, 0..1439
    int end_minute = 7 * 60;     ///< exclusive; before start_minute when crossing midnight
    QString time_zone = QStringLiteral("UTC");  ///< IANA name
    bool operator==(const QuietHours&) const = default;
};

/// Whether `now` lies inside `quiet`. False when quiet hours are off, when the range is empty
/// (start equal to end) or out of 0..1439, and when this computer does not know the time zone
/// (a notification too many is better than a missed one).
bool in_quiet_hours(const QuietHours& quiet, const QDateTime& now);

/// The quiet hours of a JSON object as the server sends them (session JSON, account.quiet_hours.*);
/// nothing when a field is missing or of the wrong type.
std::optional<QuietHours> quiet_hours_from_json(const QJsonObject& object);
/// The body of account.quiet_hours.set.
QJsonObject to_json(const QuietHours& quiet);

/// "22:00" for 1320.
QString minute_of_day_text(int minute);

}  // namespace wardline::client
