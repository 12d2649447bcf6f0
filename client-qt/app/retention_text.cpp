// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/retention_text.hpp"

#include "client-qt/app/admin_text.hpp"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

namespace wardline::app {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("wardline::app::RetentionText", text);
}

QString day(qint64 ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).date(), QLocale::ShortFormat);
}

QString messages(qint64 n) {
    return n == 1 ? tr("1 message") : tr("%1 messages").arg(n);
}

/// The server's message as a sentence: capital first letter, full stop.
QString sentence(QString text) {
    text = text.trimmed();
    if (text.isEmpty()) return text;
    text[0] = text[0].toUpper();
    if (!text.endsWith(QLatin1Char('.'))) text += QLatin1Char('.');
    return text;
}

}  // namespace

QString kind_label(const QString& kind) {
    if (kind == QLatin1String("direct")) return tr("Direct messages");
    if (kind == QLatin1String("group")) return tr("Groups");
    if (kind == QLatin1String("channel")) return tr("Channels");
    if (kind == QLatin1String("announcement")) return tr("Announcements");
    if (kind == QLatin1String("patient")) return tr("Patient threads");
    return kind;
}

QString preview_report(const client::RetentionScope& target, int keep_days,
                       const client::RetentionPreview& preview) {
    QString scope = tr("the whole organization");
    if (target.scope == QLatin1String("kind"))
        scope =
            tr("%1 (every one without a policy of its own)").arg(kind_label(target.kind).toLower());
    else if (target.scope == QLatin1String("conversation"))
        scope = tr("conversation %1").arg(target.conversation_id);
    const QString duration = client::RetentionPolicyModel::duration_text(keep_days);
    if (preview.messages == 0)
        return tr("If %1 kept messages for %2, the retention job would delete no messages now.")
            .arg(scope, duration);
    QString text = tr("If %1 kept messages for %2, the retention job would delete %3 now:")
                       .arg(scope, duration, messages(preview.messages));
    for (const auto& g : preview.groups) {
        const QString where =
            g.unit.isEmpty() ? kind_label(g.kind) : tr("%1 (%2)").arg(kind_label(g.kind), g.unit);
        text += QLatin1Char('\n') +
                tr("- %1: %2, from %3 to %4")
                    .arg(where, messages(g.messages), day(g.oldest_ms), day(g.newest_ms));
    }
    text += QLatin1Char('\n') + tr("Messages under a legal hold are not counted: they stay.");
    return text;
}

QString retention_message_for(const QString& code, const QString& server_message) {
    const bool explained =
        code == QLatin1String("forbidden") || code == QLatin1String("not_found") ||
        code == QLatin1String("conflict") || code == QLatin1String("bad_request");
    if (explained && !server_message.trimmed().isEmpty()) return sentence(server_message);
    if (code == QLatin1String("not_found"))
        return tr("That is not in your organization, or it changed meanwhile. Refresh the list.");
    return admin_message_for(code, server_message);
}

}  // namespace wardline::app
