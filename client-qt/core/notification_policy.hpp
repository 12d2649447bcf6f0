// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the organization and the user decided about desktop notifications (docs/client.md,
// "Notifications"): how much a notification may say (the organization's notification_detail,
// org.set_policy) and when routine messages stay silent (the user's quiet hours). Both come
// with the session (login and auth.resume), so every user's client knows them without the
// org.settings permission. When the session does not carry them, the least is shown.
#include "client-qt/core/quiet_hours.hpp"

#include <QJsonObject>
#include <QString>

namespace wardline::client {

enum class Priority : int;

/// How much a notification says beyond its priority. No level shows the body, the
/// conversation's title or patient identifiers.
enum class NotificationDetail {
    minimal,  ///< "New message" / "New urgent message", nothing else
    kind,     ///< and the kind of conversation ("In a patient thread"): the organization default
    sender,   ///< and the sender's display name
};

struct NotificationPolicy {
    NotificationDetail detail = NotificationDetail::kind;
    QuietHours quiet_hours;
    bool operator==(const NotificationPolicy&) const = default;
};

/// The level named `text` as the protocol spells it; minimal for anything else.
NotificationDetail notification_detail_from_text(const QString& text);
QString to_text(NotificationDetail detail);

/// The policy a session JSON carries (notification_detail, quiet_hours). A session without them
/// (the server could not read them) gives minimal detail and no quiet hours.
NotificationPolicy notification_policy_from_session(const QJsonObject& session);

/// Whether a message of `priority` arriving at `now` raises a notification: urgent and critical
/// always, routine ones outside the quiet hours.
bool should_notify(Priority priority, const NotificationPolicy& policy, const QDateTime& now);

}  // namespace wardline::client
