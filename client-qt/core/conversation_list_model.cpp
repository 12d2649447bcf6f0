// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/conversation_list_model.hpp"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace wardline::client {
namespace {
Q_LOGGING_CATEGORY(lcConversations, "wardline.chat.conversations")

/// The patient line of a patient thread: name, MRN, then unit and bed where known.
QString patient_summary(const std::optional<QJsonObject>& patient) {
    if (!patient) return {};
    const auto field = [&](const char* name) {
        return patient->value(QLatin1String(name)).toString();
    };
    QStringList parts;
    if (!field("name").isEmpty()) parts << field("name");
    if (!field("mrn").isEmpty())
        parts << QCoreApplication::translate("ConversationListModel", "MRN %1").arg(field("mrn"));
    QStringList place;
    if (!field("unit").isEmpty()) place << field("unit");
    if (!field("bed").isEmpty())
        place << QCoreApplication::translate("ConversationListModel", "bed %1").arg(field("bed"));
    if (!place.isEmpty()) parts << place.join(QStringLiteral(", "));
    return parts.join(QStringLiteral(" · "));
}

bool before(qint64 a_ms, const QString& a_id, qint64 b_ms, const QString& b_id) {
    return a_ms != b_ms ? a_ms > b_ms : a_id < b_id;
}
}  // namespace

ConversationListModel::ConversationListModel(LocalStore& store, MessageRecorder& recorder,
                                             QObject* parent)
    : QAbstractListModel(parent), store_(store), recorder_(recorder) {
    connect(&recorder_, &MessageRecorder::conversationChanged, this,
            &ConversationListModel::update);
    reload();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QString ConversationListModel::shown_title(const Row& r) const {
    if (!r.title.isEmpty()) return r.title;
    if (r.kind == QLatin1String("direct")) return tr("Direct conversation");
    if (r.kind == QLatin1String("patient")) return tr("Patient thread");
    return tr("Untitled %1").arg(r.kind);
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return shown_title(r);
        case Qt::AccessibleTextRole: {
            QString s = shown_title(r);
            if (!r.patient.isEmpty()) s += QStringLiteral(", ") + r.patient;
            if (r.unread > 0) s += tr(", %n unread", "", static_cast<int>(r.unread));
            if (r.badge > 0)
                s += tr(", %n urgent awaiting acknowledgement", "", static_cast<int>(r.badge));
            return s;
        }
        case IdRole:
            return r.id;
        case KindRole:
            return r.kind;
        case LastActivityRole:
            return r.updated_ms > 0 ? QDateTime::fromMSecsSinceEpoch(r.updated_ms) : QDateTime();
        case UnreadRole:
            return r.unread;
        case BadgeRole:
            return r.badge;
        case PatientRole:
            return r.patient;
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "conversationId");
    names.insert(TitleRole, "title");
    names.insert(KindRole, "kind");
    names.insert(LastActivityRole, "lastActivity");
    names.insert(UnreadRole, "unread");
    names.insert(BadgeRole, "badge");
    names.insert(PatientRole, "patient");
    return names;
}

int ConversationListModel::row_of(const QString& conversation_id) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == conversation_id) return static_cast<int>(i);
    return -1;
}

QString ConversationListModel::id_at(int row) const {
    return row >= 0 && row < rowCount() ? rows_[static_cast<std::size_t>(row)].id : QString();
}

ConversationListModel::Row ConversationListModel::read_row(const StoredConversation& c) const {
    Row r;
    r.id = c.id;
    r.title = c.title;
    r.kind = c.kind;
    r.updated_ms = c.updated_ms;
    if (c.kind == QLatin1String("patient")) r.patient = patient_summary(c.patient);
    r.unread = store_.unread_count(c.id, recorder_.user_id());
    r.badge = store_.unacknowledged_count(c.id, recorder_.user_id());
    return r;
}

std::optional<ConversationListModel::Row> ConversationListModel::read(
    const QString& conversation_id) const {
    try {
        const auto c = store_.conversation(conversation_id);
        if (!c) return std::nullopt;
        return read_row(*c);
    } catch (const LocalStoreError& e) {
        qCWarning(lcConversations) << "local store:" << e.what();
        return std::nullopt;
    }
}

void ConversationListModel::reload() {
    beginResetModel();
    rows_.clear();
    try {
        for (const auto& c : store_.conversations()) rows_.push_back(read_row(c));
    } catch (const LocalStoreError& e) {
        qCWarning(lcConversations) << "local store:" << e.what();
    }
    endResetModel();
}

int ConversationListModel::position_for(const Row& r, int skip) const {
    int position = 0;
    for (int i = 0; i < rowCount(); ++i) {
        if (i == skip) continue;
        const Row& o = rows_[static_cast<std::size_t>(i)];
        if (before(o.updated_ms, o.id, r.updated_ms, r.id)) ++position;
    }
    return position;
}

void ConversationListModel::update(const QString& conversation_id) {
    auto fresh = read(conversation_id);
    if (!fresh) return;
    const int row = row_of(conversation_id);
    if (row < 0) {
        const int at = position_for(*fresh, -1);
        beginInsertRows({}, at, at);
        rows_.insert(rows_.begin() + at, std::move(*fresh));
        endInsertRows();
        return;
    }
    const int to = position_for(*fresh, row);  // its place among the others
    if (to != row) {
        // beginMoveRows names the destination in the list before the move.
        beginMoveRows({}, row, row, {}, to > row ? to + 1 : to);
        Row moving = std::move(rows_[static_cast<std::size_t>(row)]);
        rows_.erase(rows_.begin() + row);
        rows_.insert(rows_.begin() + to, std::move(moving));
        endMoveRows();
    }
    rows_[static_cast<std::size_t>(to)] = std::move(*fresh);
    const auto i = index(to);
    emit dataChanged(i, i);
}

}  // namespace wardline::client
