// SPDX-License-Identifier: Apache-2.0
// The local store's receipts (schema version 2): members' delivered and read positions,
// acknowledgements and escalations. Only ids, numbers and status words: nothing here is sealed
// because nothing here is message content or patient data.
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/sqlite_support.hpp"

#include <QVariant>

#include <algorithm>
#include <map>

namespace wardline::client {

namespace {

using Code = LocalStoreError::Code;

void require(bool ok, const char* what) {
    if (!ok) throw LocalStoreError(Code::bad_input, what);
}

void require_id(const QString& id, const char* what) {
    require(!id.isEmpty() && id.size() <= 256, what);
}

constexpr int kUrgent = static_cast<int>(Priority::urgent);
constexpr int kRecalled = static_cast<int>(MessageState::recalled);

}  // namespace

bool LocalStore::raise_member_position(const QString& conversation_id, const QString& user_id,
                                       qint64 delivered_seq, qint64 read_seq) {
    require_id(conversation_id, "a conversation id is needed");
    require_id(user_id, "a user id is needed");
    require(delivered_seq >= 0 && read_seq >= 0, "a position cannot be negative");
    const qint64 delivered = std::max(delivered_seq, read_seq);
    auto q = sqlite::prepare(
        db(),
        "INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, user_id) DO UPDATE SET"
        " delivered_seq = MAX(delivered_seq, excluded.delivered_seq),"
        " read_seq = MAX(read_seq, excluded.read_seq)"
        " WHERE excluded.delivered_seq > delivered_seq OR excluded.read_seq > read_seq",
        "store receipt");
    q.addBindValue(conversation_id);
    q.addBindValue(user_id);
    q.addBindValue(delivered);
    q.addBindValue(read_seq);
    sqlite::exec(q, "store receipt");
    return q.numRowsAffected() > 0;
}

MemberPosition LocalStore::member_position(const QString& conversation_id,
                                           const QString& user_id) const {
    auto q = sqlite::prepare(db(),
                             "SELECT delivered_seq, read_seq FROM member_positions"
                             " WHERE conversation_id = ? AND user_id = ?",
                             "read receipt");
    q.addBindValue(conversation_id);
    q.addBindValue(user_id);
    sqlite::exec(q, "read receipt");
    MemberPosition p;
    p.user_id = user_id;
    if (q.next()) {
        p.delivered_seq = q.value(0).toLongLong();
        p.read_seq = q.value(1).toLongLong();
    }
    return p;
}

qint64 LocalStore::unread_count(const QString& conversation_id, const QString& user_id) const {
    const qint64 read = member_position(conversation_id, user_id).read_seq;
    auto q = sqlite::prepare(db(),
                             "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq > ?"
                             " AND sender_user_id <> ? AND state <> ?",
                             "count unread");
    q.addBindValue(conversation_id);
    q.addBindValue(read);
    q.addBindValue(user_id);
    q.addBindValue(kRecalled);
    sqlite::exec(q, "count unread");
    return q.next() ? q.value(0).toLongLong() : 0;
}

qint64 LocalStore::unacknowledged_count(const QString& conversation_id,
                                        const QString& user_id) const {
    auto q = sqlite::prepare(
        db(),
        "SELECT COUNT(*) FROM messages m WHERE m.conversation_id = ? AND m.priority >= ?"
        " AND m.sender_user_id <> ? AND m.state <> ? AND NOT EXISTS (SELECT 1 FROM message_acks a"
        " WHERE a.conversation_id = m.conversation_id AND a.seq = m.seq AND a.user_id = ?)",
        "count unacknowledged");
    q.addBindValue(conversation_id);
    q.addBindValue(kUrgent);
    q.addBindValue(user_id);
    q.addBindValue(kRecalled);
    q.addBindValue(user_id);
    sqlite::exec(q, "count unacknowledged");
    return q.next() ? q.value(0).toLongLong() : 0;
}

bool LocalStore::add_acknowledgement(const QString& conversation_id, qint64 seq,
                                     const QString& user_id, qint64 acknowledged_ms) {
    require_id(conversation_id, "a conversation id is needed");
    require_id(user_id, "a user id is needed");
    require(seq >= 1, "a message's seq starts at 1");
    auto q = sqlite::prepare(db(),
                             "INSERT INTO message_acks (conversation_id, seq, user_id,"
                             " acknowledged_ms) VALUES (?, ?, ?, ?)"
                             " ON CONFLICT (conversation_id, seq, user_id) DO NOTHING",
                             "store acknowledgement");
    q.addBindValue(conversation_id);
    q.addBindValue(seq);
    q.addBindValue(user_id);
    q.addBindValue(acknowledged_ms);
    sqlite::exec(q, "store acknowledgement");
    return q.numRowsAffected() > 0;
}

void LocalStore::set_escalation(const QString& conversation_id, qint64 seq, const QString& status,
                                qint64 escalated_ms) {
    require_id(conversation_id, "a conversation id is needed");
    require(seq >= 1, "a message's seq starts at 1");
    require(status == QLatin1String("escalated") || status == QLatin1String("target_missing"),
            "unknown escalation status");
    auto q = sqlite::prepare(db(),
                             "INSERT INTO message_escalations (conversation_id, seq, status,"
                             " escalated_ms) VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id,"
                             " seq) DO UPDATE SET status = excluded.status,"
                             " escalated_ms = excluded.escalated_ms",
                             "store escalation");
    q.addBindValue(conversation_id);
    q.addBindValue(seq);
    q.addBindValue(status);
    q.addBindValue(escalated_ms);
    sqlite::exec(q, "store escalation");
}

MessageReceipts LocalStore::receipts(const QString& conversation_id, qint64 seq,
                                     const QString& sender_user_id) const {
    MessageReceipts r;
    const QSqlDatabase d = db();
    {
        auto q = sqlite::prepare(d,
                                 "SELECT COALESCE(SUM(delivered_seq >= ?), 0),"
                                 " COALESCE(SUM(read_seq >= ?), 0) FROM member_positions"
                                 " WHERE conversation_id = ? AND user_id <> ?",
                                 "read receipts");
        q.addBindValue(seq);
        q.addBindValue(seq);
        q.addBindValue(conversation_id);
        q.addBindValue(sender_user_id);
        sqlite::exec(q, "read receipts");
        if (q.next()) {
            r.delivered = q.value(0).toInt();
            r.read = q.value(1).toInt();
        }
    }
    {
        auto q = sqlite::prepare(d,
                                 "SELECT user_id FROM message_acks WHERE conversation_id = ?"
                                 " AND seq = ? ORDER BY acknowledged_ms, user_id",
                                 "read acknowledgements");
        q.addBindValue(conversation_id);
        q.addBindValue(seq);
        sqlite::exec(q, "read acknowledgements");
        while (q.next()) r.acknowledged_by.append(q.value(0).toString());
    }
    {
        auto q = sqlite::prepare(d,
                                 "SELECT status FROM message_escalations WHERE conversation_id = ?"
                                 " AND seq = ?",
                                 "read escalation");
        q.addBindValue(conversation_id);
        q.addBindValue(seq);
        sqlite::exec(q, "read escalation");
        if (q.next()) r.escalation = q.value(0).toString();
    }
    return r;
}

}  // namespace wardline::client

namespace wardline::client {

std::vector<MessageReceipts> LocalStore::receipts_of(
    const QString& conversation_id, std::span<const StoredMessage> messages) const {
    std::vector<MessageReceipts> out(messages.size());
    if (messages.empty()) return out;
    qint64 first = messages.front().seq;
    qint64 last = first;
    for (const auto& m : messages) {
        first = std::min(first, m.seq);
        last = std::max(last, m.seq);
    }
    const QSqlDatabase d = db();
    // Every member's positions, sorted, so each message's counts are two binary searches (an
    // announcement channel may have thousands of members).
    std::vector<qint64> delivered;
    std::vector<qint64> read;
    std::map<QString, std::pair<qint64, qint64>> position_of;
    {
        auto q = sqlite::prepare(d,
                                 "SELECT user_id, delivered_seq, read_seq FROM member_positions"
                                 " WHERE conversation_id = ?",
                                 "read receipts");
        q.addBindValue(conversation_id);
        sqlite::exec(q, "read receipts");
        while (q.next()) {
            const qint64 dv = q.value(1).toLongLong();
            const qint64 r = q.value(2).toLongLong();
            delivered.push_back(dv);
            read.push_back(r);
            position_of[q.value(0).toString()] = {dv, r};
        }
    }
    std::sort(delivered.begin(), delivered.end());
    std::sort(read.begin(), read.end());
    const auto at_least = [](const std::vector<qint64>& sorted, qint64 seq) {
        return static_cast<int>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), seq));
    };
    std::map<qint64, QStringList> acknowledged;
    {
        auto q = sqlite::prepare(d,
                                 "SELECT seq, user_id FROM message_acks WHERE conversation_id = ?"
                                 " AND seq BETWEEN ? AND ? ORDER BY seq, acknowledged_ms, user_id",
                                 "read acknowledgements");
        q.addBindValue(conversation_id);
        q.addBindValue(first);
        q.addBindValue(last);
        sqlite::exec(q, "read acknowledgements");
        while (q.next()) acknowledged[q.value(0).toLongLong()].append(q.value(1).toString());
    }
    std::map<qint64, QString> escalation;
    {
        auto q = sqlite::prepare(d,
                                 "SELECT seq, status FROM message_escalations WHERE"
                                 " conversation_id = ? AND seq BETWEEN ? AND ?",
                                 "read escalation");
        q.addBindValue(conversation_id);
        q.addBindValue(first);
        q.addBindValue(last);
        sqlite::exec(q, "read escalation");
        while (q.next()) escalation[q.value(0).toLongLong()] = q.value(1).toString();
    }
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const StoredMessage& m = messages[i];
        MessageReceipts& r = out[i];
        r.delivered = at_least(delivered, m.seq);
        r.read = at_least(read, m.seq);
        // The sender's own position does not count.
        if (const auto own = position_of.find(m.sender_user_id); own != position_of.end()) {
            if (own->second.first >= m.seq) --r.delivered;
            if (own->second.second >= m.seq) --r.read;
        }
        if (const auto a = acknowledged.find(m.seq); a != acknowledged.end())
            r.acknowledged_by = a->second;
        if (const auto e = escalation.find(m.seq); e != escalation.end()) r.escalation = e->second;
    }
    return out;
}

}  // namespace wardline::client
