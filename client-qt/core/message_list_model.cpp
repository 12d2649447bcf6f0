// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/message_list_model.hpp"

#include <QDateTime>
#include <QLoggingCategory>

#include <algorithm>
#include <limits>

namespace wardline::client {
namespace {
Q_LOGGING_CATEGORY(lcMessages, "wardline.chat.messages")
}  // namespace

QString priority_name(Priority p) {
    switch (p) {
        case Priority::urgent:
            return QStringLiteral("urgent");
        case Priority::critical:
            return QStringLiteral("critical");
        case Priority::routine:
            break;
    }
    return QStringLiteral("routine");
}

MessageListModel::MessageListModel(LocalStore& store, MessageRecorder& recorder,
                                   const ColleagueDirectory& colleagues, QString conversation_id,
                                   QObject* parent)
    : QAbstractListModel(parent),
      store_(store),
      recorder_(recorder),
      colleagues_(colleagues),
      conversation_id_(std::move(conversation_id)) {
    guarded([&] {
        auto page =
            store_.messages_before(conversation_id_, std::numeric_limits<qint64>::max(), page_size);
        at_start_ = page.size() < static_cast<std::size_t>(page_size);
        for (auto& r : read_rows(std::move(page))) rows_.push_back(std::move(r));
    });
    queued_ = recorder_.queued(conversation_id_);
    connect(&recorder_, &MessageRecorder::queueChanged, this, &MessageListModel::on_queue);
    connect(&recorder_, &MessageRecorder::messageAdded, this, &MessageListModel::on_added);
    connect(&recorder_, &MessageRecorder::messageChanged, this, &MessageListModel::on_changed);
    connect(&recorder_, &MessageRecorder::receiptsChanged, this, &MessageListModel::on_receipts);
    connect(&recorder_, &MessageRecorder::messagesExpired, this, &MessageListModel::on_expired);
    connect(&colleagues_, &ColleagueDirectory::namesChanged, this, [this] {
        if (!rows_.empty()) emit dataChanged(index(0), index(rowCount() - 1), {SenderNameRole});
    });
}

bool MessageListModel::guarded(const std::function<void()>& op) const {
    try {
        op();
        return true;
    } catch (const LocalStoreError& e) {
        qCWarning(lcMessages) << "local store:" << e.what();
        return false;
    }
}

MessageListModel::Row MessageListModel::read_row(StoredMessage m) const {
    Row r;
    r.receipts = store_.receipts(conversation_id_, m.seq, m.sender_user_id);
    r.message = std::move(m);
    return r;
}

std::vector<MessageListModel::Row> MessageListModel::read_rows(
    std::vector<StoredMessage> page) const {
    auto receipts = store_.receipts_of(conversation_id_, page);
    std::vector<Row> out(page.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
        out[i].message = std::move(page[i]);
        out[i].receipts = std::move(receipts[i]);
    }
    return out;
}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size() + queued_.size());
}

QVariant MessageListModel::queued_data(const QueuedMessage& m, int role) const {
    switch (role) {
        case Qt::DisplayRole:
        case BodyRole:
            return QString::fromUtf8(m.body);
        case SenderIdRole:
            return recorder_.user_id();
        case SenderNameRole:
            return tr("You");
        case TimeRole:
            return QDateTime::fromMSecsSinceEpoch(m.created_ms);
        case PriorityRole:
            return priority_name(m.priority);
        case OwnRole:
        case QueuedRole:
            return true;
        case SeqRole:
        case DeliveredCountRole:
        case ReadCountRole:
        case AcknowledgedCountRole:
            return 0;
        case NeedsAcknowledgementRole:
        case AcknowledgedRole:
        case RecalledRole:
            return false;
        case EscalationRole:
            return QString();
        case StateRole:
            return m.failed ? QStringLiteral("failed") : QStringLiteral("sending");
        case FailureRole:
            return m.last_error.isEmpty() ? QString() : send_failure_text(m.last_error);
        case ClientMsgIdRole:
            return m.client_msg_id;
        default:
            return {};
    }
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto at = static_cast<std::size_t>(index.row());
    if (at >= rows_.size()) return queued_data(queued_[at - rows_.size()], role);
    const Row& r = rows_[at];
    const StoredMessage& m = r.message;
    const QString& me = recorder_.user_id();
    const bool own = m.sender_user_id == me;
    const bool recalled = m.state == MessageState::recalled;
    const bool urgent = m.priority != Priority::routine;
    const bool acknowledged_by_me = r.receipts.acknowledged_by.contains(me);
    switch (role) {
        case Qt::DisplayRole:
        case BodyRole:
            if (recalled) return role == BodyRole ? QString() : tr("This message was recalled.");
            return QString::fromUtf8(m.body);
        case SeqRole:
            return m.seq;
        case SenderIdRole:
            return m.sender_user_id;
        case SenderNameRole: {
            if (own) return tr("You");
            const QString name = colleagues_.display_name(m.sender_user_id);
            return name.isEmpty() ? tr("A colleague") : name;
        }
        case TimeRole:
            return QDateTime::fromMSecsSinceEpoch(m.server_time_ms);
        case PriorityRole:
            return priority_name(m.priority);
        case OwnRole:
            return own;
        case DeliveredCountRole:
            return r.receipts.delivered;
        case ReadCountRole:
            return r.receipts.read;
        case NeedsAcknowledgementRole:
            return !own && urgent && !recalled && !acknowledged_by_me;
        case AcknowledgedRole:
            return own ? !r.receipts.acknowledged_by.isEmpty() : acknowledged_by_me;
        case AcknowledgedCountRole:
            return static_cast<int>(r.receipts.acknowledged_by.size());
        case RecalledRole:
            return recalled;
        case EscalationRole:
            return r.receipts.escalation;
        case StateRole:
            if (recalled) return QStringLiteral("recalled");
            return own ? QStringLiteral("sent") : QStringLiteral("received");
        case FailureRole:
            return QString();
        case ClientMsgIdRole:
            return m.client_msg_id;
        case QueuedRole:
            return false;
        default:
            return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(SeqRole, "seq");
    names.insert(SenderIdRole, "senderId");
    names.insert(SenderNameRole, "senderName");
    names.insert(TimeRole, "time");
    names.insert(BodyRole, "body");
    names.insert(PriorityRole, "priority");
    names.insert(OwnRole, "own");
    names.insert(DeliveredCountRole, "deliveredCount");
    names.insert(ReadCountRole, "readCount");
    names.insert(NeedsAcknowledgementRole, "needsAcknowledgement");
    names.insert(AcknowledgedRole, "acknowledged");
    names.insert(AcknowledgedCountRole, "acknowledgedCount");
    names.insert(RecalledRole, "recalled");
    names.insert(EscalationRole, "escalation");
    names.insert(StateRole, "state");
    names.insert(FailureRole, "failure");
    names.insert(ClientMsgIdRole, "clientMsgId");
    names.insert(QueuedRole, "queued");
    return names;
}

bool MessageListModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && !at_start_ && !rows_.empty();
}

void MessageListModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) return;
    std::vector<StoredMessage> page;
    if (!guarded([&] {
            page = store_.messages_before(conversation_id_, rows_.front().message.seq, page_size);
        }))
        return;
    at_start_ = page.size() < static_cast<std::size_t>(page_size);
    if (page.empty()) return;
    std::vector<Row> fresh;
    if (!guarded([&] { fresh = read_rows(std::move(page)); })) return;
    beginInsertRows({}, 0, static_cast<int>(fresh.size()) - 1);
    rows_.insert(rows_.begin(), std::make_move_iterator(fresh.begin()),
                 std::make_move_iterator(fresh.end()));
    endInsertRows();
}

int MessageListModel::row_of(qint64 seq) const {
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), seq,
                                     [](const Row& r, qint64 s) { return r.message.seq < s; });
    if (it == rows_.end() || it->message.seq != seq) return -1;
    return static_cast<int>(it - rows_.begin());
}

void MessageListModel::on_added(const QString& conversation_id, qint64 seq) {
    if (conversation_id != conversation_id_ || row_of(seq) >= 0) return;
    // Older than what is loaded while older pages remain: fetchMore brings it.
    if (!rows_.empty() && seq < rows_.front().message.seq && !at_start_) return;
    std::optional<Row> row;
    guarded([&] {
        if (auto m = store_.message(conversation_id_, seq)) row = read_row(std::move(*m));
    });
    if (!row) return;
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), seq,
                                     [](const Row& r, qint64 s) { return r.message.seq < s; });
    const int at = static_cast<int>(it - rows_.begin());
    beginInsertRows({}, at, at);
    rows_.insert(rows_.begin() + at, std::move(*row));
    endInsertRows();
}

int MessageListModel::row_of_queued(const QString& client_msg_id) const {
    for (std::size_t i = 0; i < queued_.size(); ++i)
        if (queued_[i].client_msg_id == client_msg_id) return static_cast<int>(rows_.size() + i);
    return -1;
}

void MessageListModel::on_queue(const QString& conversation_id) {
    if (conversation_id != conversation_id_) return;
    const std::vector<QueuedMessage> now = recorder_.queued(conversation_id_);
    const auto contains = [](const std::vector<QueuedMessage>& list, const QString& id) {
        return std::any_of(list.begin(), list.end(),
                           [&](const QueuedMessage& m) { return m.client_msg_id == id; });
    };
    const int base = static_cast<int>(rows_.size());
    // Gone (acknowledged or discarded): removed from the end backwards.
    for (auto i = static_cast<int>(queued_.size()) - 1; i >= 0; --i) {
        if (contains(now, queued_[static_cast<std::size_t>(i)].client_msg_id)) continue;
        beginRemoveRows({}, base + i, base + i);
        queued_.erase(queued_.begin() + i);
        endRemoveRows();
    }
    // What stayed changed in place (attempts, failed); the queue keeps its order.
    for (std::size_t i = 0; i < queued_.size(); ++i)
        for (const auto& m : now)
            if (m.client_msg_id == queued_[i].client_msg_id) queued_[i] = m;
    if (!queued_.empty())
        emit dataChanged(index(base), index(base + static_cast<int>(queued_.size()) - 1));
    // New ones come at the end (a queue only grows at its end).
    std::vector<QueuedMessage> added;
    for (const auto& m : now)
        if (!contains(queued_, m.client_msg_id)) added.push_back(m);
    if (added.empty()) return;
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
    for (auto& m : added) queued_.push_back(std::move(m));
    endInsertRows();
}

void MessageListModel::on_changed(const QString& conversation_id, qint64 seq) {
    if (conversation_id != conversation_id_) return;
    const int row = row_of(seq);
    if (row < 0) return;
    guarded([&] {
        if (auto m = store_.message(conversation_id_, seq))
            rows_[static_cast<std::size_t>(row)] = read_row(std::move(*m));
    });
    emit dataChanged(index(row), index(row));
}

void MessageListModel::on_receipts(const QString& conversation_id) {
    if (conversation_id != conversation_id_) return;
    refresh_all();
}

void MessageListModel::refresh_all() {
    if (rows_.empty()) return;
    guarded([&] {
        std::vector<StoredMessage> loaded;
        loaded.reserve(rows_.size());
        for (const auto& r : rows_) loaded.push_back(r.message);
        auto receipts = store_.receipts_of(conversation_id_, loaded);
        for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i].receipts = std::move(receipts[i]);
    });
    emit dataChanged(index(0), index(rowCount() - 1),
                     {DeliveredCountRole, ReadCountRole, AcknowledgedRole, AcknowledgedCountRole,
                      NeedsAcknowledgementRole, EscalationRole});
}

void MessageListModel::on_expired(const QString& conversation_id, qint64 up_to_seq) {
    if (conversation_id != conversation_id_) return;
    std::size_t gone = 0;
    while (gone < rows_.size() && rows_[gone].message.seq <= up_to_seq) ++gone;
    if (gone == 0) return;
    beginRemoveRows({}, 0, static_cast<int>(gone) - 1);
    rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(gone));
    endRemoveRows();
}

}  // namespace wardline::client
