// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/chat_delegates.hpp"

#include "client-qt/app/palette_colors.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/message_list_model.hpp"

#include <QDateTime>
#include <QLocale>

namespace wardline::app {

using Conversations = client::ConversationListModel;
using Messages = client::MessageListModel;

namespace {

QString when(const QDateTime& t) {
    if (!t.isValid()) return {};
    const QLocale locale;
    if (t.date() == QDate::currentDate()) return locale.toString(t.time(), QLocale::ShortFormat);
    return locale.toString(t, QLocale::ShortFormat);
}

/// The style lays an item's text out with QTextLayout, which breaks lines at Unicode line
/// separators, not at '\n' (drawn as nothing, so the lines ran together).
QString on_lines(QString text) {
    text.replace(QLatin1Char('\n'), QChar::LineSeparator);
    return text;
}

/// "— Monday, 7 December 2026 —" above the first message of each day (the row before it is of
/// another day, or there is none).
QString day_separator(const QModelIndex& index) {
    const QDateTime time = index.data(Messages::TimeRole).toDateTime();
    if (!time.isValid()) return {};
    const QModelIndex before = index.siblingAtRow(index.row() - 1);
    if (before.isValid() && before.data(Messages::TimeRole).toDateTime().date() == time.date())
        return {};
    const QDate day = time.date();
    const QString name = day == QDate::currentDate() ? QObject::tr("Today")
                         : day == QDate::currentDate().addDays(-1)
                             ? QObject::tr("Yesterday")
                             : QLocale().toString(day, QLocale::LongFormat);
    return QStringLiteral("— %1 —").arg(name);
}

/// The row's background tinted from the view's palette (light or dark); its text keeps the
/// palette's Text colour, which stays readable on the tint.
void tint(QStyleOptionViewItem* option, Tint accent) {
    option->backgroundBrush = tinted_base(option->palette, accent);
}

}  // namespace

QString ConversationDelegate::text_of(const QModelIndex& index) {
    QString s = index.data(Conversations::TitleRole).toString();
    const QString patient = index.data(Conversations::PatientRole).toString();
    if (!patient.isEmpty()) s += QLatin1Char('\n') + patient;
    QStringList details;
    const auto time = when(index.data(Conversations::LastActivityRole).toDateTime());
    if (!time.isEmpty()) details << time;
    const qint64 unread = index.data(Conversations::UnreadRole).toLongLong();
    if (unread > 0) details << QObject::tr("%n unread", "", static_cast<int>(unread));
    const qint64 badge = index.data(Conversations::BadgeRole).toLongLong();
    if (badge > 0)
        details << QObject::tr("⚠ %n awaiting your acknowledgement", "", static_cast<int>(badge));
    if (!details.isEmpty()) s += QLatin1Char('\n') + details.join(QStringLiteral(" · "));
    return s;
}

void ConversationDelegate::initStyleOption(QStyleOptionViewItem* option,
                                           const QModelIndex& index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    option->text = on_lines(text_of(index));
    if (index.data(Conversations::UnreadRole).toLongLong() > 0) option->font.setBold(true);
    if (index.data(Conversations::BadgeRole).toLongLong() > 0) tint(option, Tint::critical);
}

QString MessageDelegate::text_of(const QModelIndex& index) {
    const bool own = index.data(Messages::OwnRole).toBool();
    const QString priority = index.data(Messages::PriorityRole).toString();
    QString header = index.data(Messages::SenderNameRole).toString() + QStringLiteral(" · ") +
                     when(index.data(Messages::TimeRole).toDateTime());
    if (priority == QLatin1String("critical")) header += QObject::tr(" · CRITICAL");
    if (priority == QLatin1String("urgent")) header += QObject::tr(" · URGENT");
    QString s = header + QLatin1Char('\n') + index.data(Qt::DisplayRole).toString();
    if (const QString day = day_separator(index); !day.isEmpty()) s = day + QLatin1Char('\n') + s;
    QStringList status;
    if (index.data(Messages::RecalledRole).toBool()) return s;
    const QString state = index.data(Messages::StateRole).toString();
    if (state == QLatin1String("sending")) {
        status << QObject::tr("Sending…");
        const QString why = index.data(Messages::FailureRole).toString();
        if (!why.isEmpty()) status << why;
    } else if (state == QLatin1String("failed")) {
        status << QObject::tr("Not sent: %1").arg(index.data(Messages::FailureRole).toString())
               << QObject::tr("Select it to retry or discard");
    } else if (own) {
        const int read = index.data(Messages::ReadCountRole).toInt();
        const int delivered = index.data(Messages::DeliveredCountRole).toInt();
        if (read > 0)
            status << QObject::tr("Read by %n", "", read);
        else if (delivered > 0)
            status << QObject::tr("Delivered to %n", "", delivered);
        else
            status << QObject::tr("Sent");
        if (priority != QLatin1String("routine")) {
            const int acks = index.data(Messages::AcknowledgedCountRole).toInt();
            status << (acks > 0 ? QObject::tr("Acknowledged by %n", "", acks)
                                : QObject::tr("Not acknowledged yet"));
        }
    } else if (index.data(Messages::NeedsAcknowledgementRole).toBool()) {
        status << QObject::tr("Needs your acknowledgement");
    } else if (index.data(Messages::AcknowledgedRole).toBool()) {
        status << QObject::tr("You acknowledged this");
    }
    const QString escalation = index.data(Messages::EscalationRole).toString();
    if (escalation == QLatin1String("escalated")) status << QObject::tr("Escalated");
    if (escalation == QLatin1String("target_missing"))
        status << QObject::tr("Escalation found nobody on call");
    if (!status.isEmpty()) s += QLatin1Char('\n') + status.join(QStringLiteral(" · "));
    return s;
}

void MessageDelegate::initStyleOption(QStyleOptionViewItem* option,
                                      const QModelIndex& index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    option->text = on_lines(text_of(index));
    option->features |= QStyleOptionViewItem::WrapText;
    const QString priority = index.data(Messages::PriorityRole).toString();
    if (index.data(Messages::RecalledRole).toBool()) {
        option->font.setItalic(true);
    } else if (priority == QLatin1String("critical")) {
        tint(option, Tint::critical);
    } else if (priority == QLatin1String("urgent")) {
        tint(option, Tint::urgent);
    } else if (index.data(Messages::OwnRole).toBool()) {
        tint(option, Tint::own);
    }
    if (index.data(Messages::OwnRole).toBool())
        option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
}

}  // namespace wardline::app
