// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a desktop notification about an incoming message says (docs/client.md, "Notifications").
// Notifications appear outside Wardline, on screens others can see and in the operating
// system's history, so they never carry protected health information: only the priority and,
// as far as the organization's notification_detail allows (NotificationPolicy), the kind of
// conversation and the sender's display name (a colleague's name, not patient data). Never the
// body, the conversation's title, patient identifiers or any attachment, at any level. The text
// is made from the stored message and conversation so that the choice of what is left out is
// made here, once.
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/notification_policy.hpp"

#include <QString>

namespace wardline::client {

struct NotificationText {
    QString title;  ///< "New message", "New urgent message", "New critical message"
    QString body;   ///< the kind of conversation and the sender, as far as the policy allows
    bool operator==(const NotificationText&) const = default;
};

/// The notification for `message` in `conversation`, from `sender_name` (its display name, used
/// only at NotificationDetail::sender). Reads only the priority and the conversation's kind.
NotificationText notification_text(const StoredConversation& conversation,
                                   const StoredMessage& message, const QString& sender_name,
                                   const NotificationPolicy& policy = {});

/// One notification for `count` (> 1) messages that came together, the most pressing of them
/// `highest`.
NotificationText notification_text_for_several(int count, Priority highest);

}  // namespace wardline::client
