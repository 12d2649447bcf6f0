// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/notification_text.hpp"

#include <QCoreApplication>

namespace wardline::client {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("NotificationText", text);
}

QString title_for(Priority priority) {
    switch (priority) {
        case Priority::critical:
            return tr("New critical message");
        case Priority::urgent:
            return tr("New urgent message");
        case Priority::routine:
            break;
    }
    return tr("New message");
}

/// Where the message is, without naming the conversation.
QString place_of(const QString& kind) {
    if (kind == QLatin1String("direct")) return tr("a direct message");
    if (kind == QLatin1String("patient")) return tr("in a patient thread");
    if (kind == QLatin1String("group")) return tr("in a group");
    if (kind == QLatin1String("channel")) return tr("in a channel");
    if (kind == QLatin1String("announcement")) return tr("in an announcement");
    return tr("in Wardline");
}

/// A display name fit for one line of a notification: no control or format characters (no
/// line breaks to fake a second line), at most 64 characters.
QString one_line_name(const QString& name) {
    QString clean;
    clean.reserve(name.size());
    for (const QChar c : name) {
        const auto category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format ||
            category == QChar::Separator_Line || category == QChar::Separator_Paragraph)
            continue;
        clean.append(c);
    }
    clean = clean.simplified();
    if (clean.size() > 64) clean = clean.left(63) + QChar(0x2026);
    return clean;
}

QString capitalized(QString s) {
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    return s;
}

}  // namespace

NotificationText notification_text(const StoredConversation& conversation,
                                   const StoredMessage& message, const QString& sender_name,
                                   const NotificationPolicy& policy) {
    NotificationText text;
    text.title = title_for(message.priority);
    if (policy.detail == NotificationDetail::minimal) {
        text.body = tr("Open Wardline to read it.");
        return text;
    }
    const QString place = place_of(conversation.kind);
    const QString sender =
        policy.detail == NotificationDetail::sender ? one_line_name(sender_name) : QString();
    text.body = sender.isEmpty() ? capitalized(place) : tr("From %1, %2").arg(sender, place);
    return text;
}

NotificationText notification_text_for_several(int count, Priority highest) {
    NotificationText text;
    text.title = tr("%1 new messages").arg(count);
    switch (highest) {
        case Priority::critical:
            text.body = tr("At least one is critical.");
            break;
        case Priority::urgent:
            text.body = tr("At least one is urgent.");
            break;
        case Priority::routine:
            text.body = tr("Open Wardline to read them.");
            break;
    }
    return text;
}

}  // namespace wardline::client
