// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/conversation_draft.hpp"

#include <QCoreApplication>
#include <QDate>
#include <QJsonArray>

namespace wardline::client {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("ConversationDraft", text);
}

bool mrn_ok(const QString& mrn) {
    int characters = 0;
    for (const QChar c : mrn) {
        if (c == QLatin1Char(' ') || c == QLatin1Char('-')) continue;
        if (c.unicode() > 127 || !c.isLetterOrNumber()) return false;
        ++characters;
    }
    return characters >= 1 && characters <= 32 && mrn.size() <= 64;
}

/// A role name as the server accepts it: 1 to 64 of a-z, 0-9, '_', '.', '-'.
bool role_name_ok(const QString& name) {
    if (name.isEmpty() || name.size() > 64) return false;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '_' || u == '.' || u == '-'))
            return false;
    }
    return true;
}

/// Visible text: no control, format (invisible) or unassigned characters.
bool visible_text(const QString& text) {
    for (const QChar c : text) {
        const auto category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format ||
            category == QChar::Other_NotAssigned || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            return false;
    }
    return true;
}

}  // namespace

std::optional<QString> draft_problem(const ConversationDraft& d) {
    const bool patient = d.kind == QLatin1String("patient");
    if (d.kind != QLatin1String("group") && !patient && d.kind != QLatin1String("announcement"))
        return tr("Choose what kind of conversation to start.");
    if (d.title.trimmed().isEmpty()) return tr("Give the conversation a title.");
    if (d.title.size() > 200) return tr("The title is longer than 200 characters.");
    if (d.members.isEmpty()) return tr("Add at least one colleague.");
    if (d.members.size() > 500) return tr("At most 500 colleagues can be added at once.");
    if (d.kind != QLatin1String("announcement") &&
        (!d.posting_roles.isEmpty() || !d.unit.trimmed().isEmpty()))
        return tr("Posting roles and a unit are for announcements only.");
    if (d.posting_roles.size() > 32) return tr("Choose at most 32 posting roles.");
    for (const QString& role : d.posting_roles)
        if (!role_name_ok(role)) return tr("A posting role is not a role name.");
    if (d.unit.trimmed().size() > 64) return tr("The unit is longer than 64 characters.");
    if (!visible_text(d.unit)) return tr("The unit may hold visible characters only.");
    if (!patient) return std::nullopt;
    const PatientDraft& p = d.patient;
    if (!mrn_ok(p.mrn.trimmed()))
        return tr("The MRN is 1 to 32 letters and digits (spaces and hyphens are ignored).");
    if (p.name.trimmed().isEmpty() || p.name.size() > 200)
        return tr("Give the patient's name (up to 200 characters).");
    const QDate born = QDate::fromString(p.date_of_birth.trimmed(), Qt::ISODate);
    if (p.date_of_birth.trimmed().size() != 10 || !born.isValid() || born > QDate::currentDate())
        return tr("The date of birth is written YYYY-MM-DD and is not in the future.");
    if (p.unit.size() > 64) return tr("The unit is longer than 64 characters.");
    if (p.bed.size() > 32) return tr("The bed is longer than 32 characters.");
    return std::nullopt;
}

QJsonObject draft_request(const ConversationDraft& d) {
    QJsonObject body{{QStringLiteral("kind"), d.kind},
                     {QStringLiteral("title"), d.title.trimmed()},
                     {QStringLiteral("members"), QJsonArray::fromStringList(d.members)}};
    if (d.kind == QLatin1String("patient")) {
        QJsonObject patient{{QStringLiteral("mrn"), d.patient.mrn.trimmed()},
                            {QStringLiteral("name"), d.patient.name.trimmed()},
                            {QStringLiteral("date_of_birth"), d.patient.date_of_birth.trimmed()}};
        if (!d.patient.unit.trimmed().isEmpty())
            patient.insert(QStringLiteral("unit"), d.patient.unit.trimmed());
        if (!d.patient.bed.trimmed().isEmpty())
            patient.insert(QStringLiteral("bed"), d.patient.bed.trimmed());
        body.insert(QStringLiteral("patient"), patient);
    }
    if (d.kind == QLatin1String("announcement")) {
        if (!d.posting_roles.isEmpty()) {
            QStringList roles = d.posting_roles;
            roles.removeDuplicates();
            body.insert(QStringLiteral("roles"), QJsonArray::fromStringList(roles));
        }
        if (!d.unit.trimmed().isEmpty()) body.insert(QStringLiteral("unit"), d.unit.trimmed());
    }
    return body;
}

}  // namespace wardline::client
