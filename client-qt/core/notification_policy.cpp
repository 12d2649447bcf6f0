// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/notification_policy.hpp"

#include "client-qt/core/local_store.hpp"

namespace wardline::client {

NotificationDetail notification_detail_from_text(const QString& text) {
    if (text == QLatin1String("kind")) return NotificationDetail::kind;
    if (text == QLatin1String("sender")) return NotificationDetail::sender;
    return NotificationDetail::minimal;
}

QString to_text(NotificationDetail detail) {
    switch (detail) {
        case NotificationDetail::kind:
            return QStringLiteral("kind");
        case NotificationDetail::sender:
            return QStringLiteral("sender");
        case NotificationDetail::minimal:
            break;
    }
    return QStringLiteral("minimal");
}

NotificationPolicy notification_policy_from_session(const QJsonObject& session) {
    NotificationPolicy policy;
    policy.detail = notification_detail_from_text(
        session.value(QLatin1String("notification_detail")).toString());
    if (auto quiet = quiet_hours_from_json(session.value(QLatin1String("quiet_hours")).toObject()))
        policy.quiet_hours = *quiet;
    return policy;
}

bool should_notify(Priority priority, const NotificationPolicy& policy, const QDateTime& now) {
    if (priority != Priority::routine) return true;
    return !in_quiet_hours(policy.quiet_hours, now);
}

}  // namespace wardline::client
