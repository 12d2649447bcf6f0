// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/member_receipts_model.hpp"

#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace wardline::client {
namespace {

bool valid_id(const QString& id) {
    return !id.isEmpty() && id.size() <= 64;
}

bool known_role(const QString& role) {
    return role == QLatin1String("owner") || role == QLatin1String("member") ||
           role == QLatin1String("read_only");
}

bool known_priority(const QString& p) {
    return p == QLatin1String("routine") || p == QLatin1String("urgent") ||
           p == QLatin1String("critical");
}

/// A whole, non-negative number that fits, or nullopt (absent, fractional, negative, text).
std::optional<qint64> whole_number(const QJsonValue& v) {
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d < 0 || d > 9.0e15 || d != static_cast<double>(v.toInteger())) return std::nullopt;
    return v.toInteger();
}

QString local_time(qint64 ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(),
                              QLocale::ShortFormat);
}

}  // namespace

std::optional<std::vector<ConversationMember>> MemberReceiptsModel::members_from(
    const QJsonObject& body) {
    const QJsonValue list = body.value(QLatin1String("members"));
    if (!list.isArray() || list.toArray().size() > max_members) return std::nullopt;
    std::vector<ConversationMember> out;
    QSet<QString> seen;
    for (const QJsonValue& v : list.toArray()) {
        if (!v.isObject()) return std::nullopt;
        const QJsonObject o = v.toObject();
        ConversationMember m;
        m.user_id = o.value(QLatin1String("user_id")).toString();
        m.role = o.value(QLatin1String("role")).toString();
        if (!valid_id(m.user_id) || !known_role(m.role) || seen.contains(m.user_id))
            return std::nullopt;
        seen.insert(m.user_id);
        out.push_back(std::move(m));
    }
    return out;
}

std::optional<MessageReceiptsAnswer> MemberReceiptsModel::receipts_from(const QJsonObject& body) {
    MessageReceiptsAnswer a;
    const auto seq = whole_number(body.value(QLatin1String("seq")));
    const QJsonValue priority = body.value(QLatin1String("priority"));
    const QJsonValue recalled = body.value(QLatin1String("recalled"));
    const QJsonValue sender = body.value(QLatin1String("sender_user_id"));
    const QJsonValue list = body.value(QLatin1String("members"));
    if (!seq || *seq < 1 || !known_priority(priority.toString()) || !recalled.isBool() ||
        !(sender.isUndefined() || (sender.isString() && valid_id(sender.toString()))) ||
        !list.isArray() || list.toArray().size() > max_members)
        return std::nullopt;
    a.seq = *seq;
    a.priority = priority.toString();
    a.recalled = recalled.toBool();
    a.sender_user_id = sender.toString();
    QSet<QString> seen;
    for (const QJsonValue& v : list.toArray()) {
        if (!v.isObject()) return std::nullopt;
        const QJsonObject o = v.toObject();
        MemberReceipt r;
        r.user_id = o.value(QLatin1String("user_id")).toString();
        const QJsonValue delivered = o.value(QLatin1String("delivered"));
        const QJsonValue read = o.value(QLatin1String("read"));
        const QJsonValue acknowledged = o.value(QLatin1String("acknowledged"));
        const QJsonValue at = o.value(QLatin1String("acknowledged_at"));
        if (!valid_id(r.user_id) || seen.contains(r.user_id) || !delivered.isBool() ||
            !read.isBool() || !(acknowledged.isUndefined() || acknowledged.isBool()) ||
            !(at.isUndefined() || whole_number(at)))
            return std::nullopt;
        seen.insert(r.user_id);
        r.delivered = delivered.toBool();
        r.read = read.toBool();
        r.acknowledged = acknowledged.toBool();
        if (r.acknowledged) r.acknowledged_ms = whole_number(at).value_or(0);
        a.members.push_back(std::move(r));
    }
    return a;
}

MemberReceiptsModel::MemberReceiptsModel(ServerConnection& connection, MessageRecorder& recorder,
                                         const ColleagueDirectory& colleagues,
                                         QString conversation_id, QObject* parent)
    : QAbstractTableModel(parent),
      connection_(connection),
      recorder_(recorder),
      colleagues_(colleagues),
      conversation_id_(std::move(conversation_id)) {
    connect(&connection_, &ServerConnection::event, this, &MemberReceiptsModel::on_event);
    // The recorder has stored a receipt or an acknowledgement (pushed to this user as the
    // sender, or this user's own acknowledgement, which the server tells no one else about).
    connect(&recorder_, &MessageRecorder::receiptsChanged, this, [this](const QString& id) {
        if (id == conversation_id_ && seq_ > 0) ask_receipts();
    });
    connect(&recorder_, &MessageRecorder::messageChanged, this,
            [this](const QString& id, qint64 seq) {
                if (id == conversation_id_ && seq_ > 0 && seq == seq_) ask_receipts();
            });
    connect(&colleagues, &ColleagueDirectory::namesChanged, this, [this] {
        if (!rows_.empty())
            emit dataChanged(index(0, NameColumn), index(rowCount() - 1, NameColumn));
    });
    ask_members();
}

MemberReceiptsModel::~MemberReceiptsModel() {
    *alive_ = false;
}

int MemberReceiptsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int MemberReceiptsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

int MemberReceiptsModel::row_of(const QString& user_id) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].user_id == user_id) return static_cast<int>(i);
    return -1;
}

ReceiptCounts MemberReceiptsModel::counts() const {
    ReceiptCounts c;
    if (seq_ <= 0) return c;
    for (const auto& m : rows_) {
        if (m.user_id == sender_) continue;
        ++c.recipients;
        const auto r = receipts_.constFind(m.user_id);
        if (r == receipts_.constEnd()) continue;
        c.delivered += r->delivered ? 1 : 0;
        c.read += r->read ? 1 : 0;
        c.acknowledged += r->acknowledged ? 1 : 0;
    }
    return c;
}

bool MemberReceiptsModel::loaded() const noexcept {
    return !members_asking_.in_flight && !receipts_asking_.in_flight;
}

QString MemberReceiptsModel::display_name(const QString& user_id) const {
    const QString name = colleagues_.display_name(user_id);
    return name.isEmpty() ? user_id : name;
}

QVariant MemberReceiptsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case NameColumn:
            return tr("Member");
        case RoleColumn:
            return tr("Role");
        case DeliveredColumn:
            return tr("Delivered");
        case ReadColumn:
            return tr("Read");
        case AcknowledgedColumn:
            return tr("Acknowledged");
        default:
            return {};
    }
}

QHash<int, QByteArray> MemberReceiptsModel::roleNames() const {
    auto names = QAbstractTableModel::roleNames();
    names.insert(UserIdRole, "userId");
    names.insert(DisplayNameRole, "displayName");
    names.insert(ConversationRoleRole, "conversationRole");
    names.insert(SenderRole, "sender");
    names.insert(DeliveredRole, "delivered");
    names.insert(ReadRole, "read");
    names.insert(AcknowledgedRole, "acknowledged");
    names.insert(AcknowledgedAtRole, "acknowledgedAt");
    return names;
}

QVariant MemberReceiptsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConversationMember& m = rows_[static_cast<std::size_t>(index.row())];
    const bool sender = seq_ > 0 && !sender_.isEmpty() && m.user_id == sender_;
    const auto found = receipts_.constFind(m.user_id);
    const MemberReceipt* r = found == receipts_.constEnd() ? nullptr : &found.value();
    const bool needs_ack =
        priority_ == QLatin1String("urgent") || priority_ == QLatin1String("critical");
    const QString role_words = m.role == QLatin1String("owner")       ? tr("Owner")
                               : m.role == QLatin1String("read_only") ? tr("Read only")
                                                                      : tr("Member");
    const auto delivered_words = [&]() -> QString {
        if (sender) return tr("Sent it");
        if (!r) return {};
        return r->delivered ? tr("Delivered") : tr("Not yet");
    };
    const auto read_words = [&]() -> QString {
        if (sender || !r) return {};
        return r->read ? tr("Read") : tr("Not yet");
    };
    const auto ack_words = [&]() -> QString {
        if (sender || !r) return {};
        if (r->acknowledged)
            return r->acknowledged_ms > 0 ? tr("At %1").arg(local_time(r->acknowledged_ms))
                                          : tr("Acknowledged");
        return needs_ack ? tr("Not yet") : tr("Not needed");
    };
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case NameColumn:
                    return display_name(m.user_id);
                case RoleColumn:
                    return role_words;
                case DeliveredColumn:
                    return delivered_words();
                case ReadColumn:
                    return read_words();
                case AcknowledgedColumn:
                    return ack_words();
                default:
                    return {};
            }
        case Qt::AccessibleTextRole: {
            QString s = tr("%1, %2").arg(display_name(m.user_id), role_words.toLower());
            if (sender) return s + tr(": sent this message");
            if (!r) return s;
            QStringList parts;
            parts << (r->delivered ? tr("delivered") : tr("not delivered yet"))
                  << (r->read ? tr("read") : tr("not read yet"));
            if (r->acknowledged)
                parts << (r->acknowledged_ms > 0
                              ? tr("acknowledged at %1").arg(local_time(r->acknowledged_ms))
                              : tr("acknowledged"));
            else if (needs_ack)
                parts << tr("not acknowledged yet");
            return s + QStringLiteral(": ") + parts.join(QStringLiteral(", "));
        }
        case UserIdRole:
            return m.user_id;
        case DisplayNameRole:
            return display_name(m.user_id);
        case ConversationRoleRole:
            return m.role;
        case SenderRole:
            return sender;
        case DeliveredRole:
            return r && r->delivered;
        case ReadRole:
            return r && r->read;
        case AcknowledgedRole:
            return r && r->acknowledged;
        case AcknowledgedAtRole:
            return r && r->acknowledged && r->acknowledged_ms > 0
                       ? QDateTime::fromMSecsSinceEpoch(r->acknowledged_ms).toLocalTime()
                       : QDateTime();
        default:
            return {};
    }
}

void MemberReceiptsModel::set_message(qint64 seq) {
    if (seq < 0) seq = 0;
    if (seq == seq_) return;
    seq_ = seq;
    clear_receipts();
    if (seq_ > 0) ask_receipts();
}

void MemberReceiptsModel::reload() {
    ask_members();
    if (seq_ > 0) ask_receipts();
}

void MemberReceiptsModel::settle(Asking& asking, void (MemberReceiptsModel::*ask)()) {
    asking.in_flight = false;
    if (asking.again) {
        asking.again = false;
        (this->*ask)();
        return;
    }
    if (loaded()) emit loadedChanged();
}

void MemberReceiptsModel::refuse(const QString& code) {
    error_ = code;
    emit failed(code);
}

void MemberReceiptsModel::ask_members() {
    if (members_asking_.in_flight) {
        members_asking_.again = true;
        return;
    }
    members_asking_.in_flight = true;
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("conversations.get"),
                        {{QStringLiteral("conversation_id"), conversation_id_}},
                        [this, alive](const ServerResponse& r) {
                            if (alive.expired()) return;
                            if (!r.ok) {
                                // No longer a member (or never one): nothing of the conversation
                                // stays shown.
                                if (r.error_code == QLatin1String("not_found") && !rows_.empty()) {
                                    beginResetModel();
                                    rows_.clear();
                                    receipts_.clear();
                                    endResetModel();
                                }
                                refuse(r.error_code);
                            } else if (const auto members = members_from(r.body)) {
                                error_.clear();
                                take_members(*members);
                            } else {
                                refuse(QStringLiteral("malformed"));
                            }
                            settle(members_asking_, &MemberReceiptsModel::ask_members);
                        });
}

void MemberReceiptsModel::ask_receipts() {
    if (seq_ <= 0) return;
    if (receipts_asking_.in_flight) {
        receipts_asking_.again = true;
        return;
    }
    receipts_asking_.in_flight = true;
    const qint64 seq = seq_;
    std::weak_ptr<bool> alive = alive_;
    connection_.request(
        QStringLiteral("receipts.get"),
        {{QStringLiteral("conversation_id"), conversation_id_}, {QStringLiteral("seq"), seq}},
        [this, alive, seq](const ServerResponse& r) {
            if (alive.expired()) return;
            if (seq != seq_) {
                // Another message was chosen meanwhile: this answer is not for it.
                receipts_asking_.again = seq_ > 0;
            } else if (!r.ok) {
                refuse(r.error_code);
            } else if (const auto answer = receipts_from(r.body); answer && answer->seq == seq) {
                error_.clear();
                take_receipts(*answer);
            } else {
                refuse(QStringLiteral("malformed"));
            }
            settle(receipts_asking_, &MemberReceiptsModel::ask_receipts);
        });
}

void MemberReceiptsModel::take_members(const std::vector<ConversationMember>& members) {
    QHash<QString, QString> role_of;
    for (const auto& m : members) role_of.insert(m.user_id, m.role);
    // Members who left go; roles that changed change in place; new members come last (the
    // server lists members oldest first, so they are the newest anyway).
    for (int i = rowCount() - 1; i >= 0; --i) {
        if (role_of.contains(rows_[static_cast<std::size_t>(i)].user_id)) continue;
        beginRemoveRows({}, i, i);
        rows_.erase(rows_.begin() + i);
        endRemoveRows();
    }
    QSet<QString> shown;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        shown.insert(rows_[i].user_id);
        const QString& role = role_of[rows_[i].user_id];
        if (rows_[i].role == role) continue;
        rows_[i].role = role;
        const int row = static_cast<int>(i);
        emit dataChanged(index(row, 0), index(row, column_count - 1));
    }
    std::vector<ConversationMember> added;
    for (const auto& m : members)
        if (!shown.contains(m.user_id)) added.push_back(m);
    if (added.empty()) return;
    beginInsertRows({}, rowCount(), rowCount() + static_cast<int>(added.size()) - 1);
    rows_.insert(rows_.end(), added.begin(), added.end());
    endInsertRows();
}

void MemberReceiptsModel::take_receipts(const MessageReceiptsAnswer& answer) {
    priority_ = answer.priority;
    recalled_ = answer.recalled;
    sender_ = answer.sender_user_id;
    receipts_.clear();
    for (const auto& r : answer.members) receipts_.insert(r.user_id, r);
    if (!rows_.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, column_count - 1));
}

void MemberReceiptsModel::clear_receipts() {
    priority_.clear();
    recalled_ = false;
    sender_.clear();
    receipts_.clear();
    if (!rows_.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, column_count - 1));
}

void MemberReceiptsModel::on_event(const ServerEvent& e) {
    if (!e.type.startsWith(QLatin1String("conversation."))) return;
    const QJsonValue id = e.body.value(QLatin1String("conversation_id"));
    if (!id.isString() || id.toString() != conversation_id_) return;
    // Someone joined, left, was removed or changed role; the receipts list current members.
    ask_members();
    if (seq_ > 0) ask_receipts();
}

}  // namespace wardline::client
