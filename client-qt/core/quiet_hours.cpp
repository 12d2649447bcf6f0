// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/quiet_hours.hpp"

#include <QTimeZone>

namespace wardline::client {
namespace {

bool valid_minute(int minute) {
    return minute >= 0 && minute < 24 * 60;
}

}  // namespace

bool in_quiet_hours(const QuietHours& quiet, const QDateTime& now) {
    if (!quiet.enabled || !now.isValid()) return false;
    if (!valid_minute(quiet.start_minute) || !valid_minute(quiet.end_minute) ||
        quiet.start_minute == quiet.end_minute)
        return false;
    if (quiet.time_zone.isEmpty()) return false;  // QTimeZone would take it for the system zone
    const QTimeZone zone(quiet.time_zone.toUtf8());
    if (!zone.isValid()) return false;
    const QTime local = now.toTimeZone(zone).time();
    const int minute = local.hour() * 60 + local.minute();
    if (quiet.start_minute < quiet.end_minute)
        return minute >= quiet.start_minute && minute < quiet.end_minute;
    return minute >= quiet.start_minute || minute < quiet.end_minute;  // across midnight
}

std::optional<QuietHours> quiet_hours_from_json(const QJsonObject& object) {
    const auto enabled = object.value(QLatin1String("enabled"));
    const auto start = object.value(QLatin1String("start_minute"));
    const auto end = object.value(QLatin1String("end_minute"));
    const auto zone = object.value(QLatin1String("time_zone"));
    if (!enabled.isBool() || !start.isDouble() || !end.isDouble() || !zone.isString())
        return std::nullopt;
    QuietHours quiet;
    quiet.enabled = enabled.toBool();
    quiet.start_minute = start.toInt(-1);
    quiet.end_minute = end.toInt(-1);
    quiet.time_zone = zone.toString();
    if (!valid_minute(quiet.start_minute) || !valid_minute(quiet.end_minute)) return std::nullopt;
    return quiet;
}

QJsonObject to_json(const QuietHours& quiet) {
    return QJsonObject{{QStringLiteral("enabled"), quiet.enabled},
                       {QStringLiteral("start_minute"), quiet.start_minute},
                       {QStringLiteral("end_minute"), quiet.end_minute},
                       {QStringLiteral("time_zone"), quiet.time_zone}};
}

QString minute_of_day_text(int minute) {
    return QStringLiteral("%1:%2")
        .arg(minute / 60, 2, 10, QLatin1Char('0'))
        .arg(minute % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace wardline::client
