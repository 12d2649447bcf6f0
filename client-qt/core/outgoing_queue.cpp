// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/outgoing_queue.hpp"

#include "client-qt/core/row_binding.hpp"
#include "client-qt/core/sqlite_support.hpp"

#include <QDateTime>
#include <QUuid>
#include <QVariant>

#include <string>

namespace wardline::client {

namespace {

using Code = LocalStoreError::Code;

void require(bool ok, const char* what) {
    if (!ok) throw LocalStoreError(Code::bad_input, what);
}

constexpr const char* select_columns =
    "SELECT position, client_msg_id, conversation_id, priority, created_ms, body, metadata,"
    " attempts, last_error, failed FROM outgoing";

/// The row a sealed column of the queue is bound to.
QByteArray row(const QString& client_msg_id, const QString& conversation_id, int priority,
               qint64 created_ms) {
    return row_binding({client_msg_id.toUtf8(), conversation_id.toUtf8(), binding_number(priority),
                        binding_number(created_ms)});
}

}  // namespace

QString OutgoingQueue::enqueue(const QString& conversation_id, Priority priority,
                               const QByteArray& body, const QByteArray& metadata) {
    require(!conversation_id.isEmpty() && conversation_id.size() <= 256,
            "a queued message needs a conversation id of at most 256 characters");
    require(!body.isEmpty(), "a queued message needs a body");
    require(body.size() <= max_body_size, "a queued message body is at most 1 MiB");
    require(metadata.size() <= max_metadata_size, "queued message metadata is at most 64 KiB");
    const int p = static_cast<int>(priority);
    require(p >= 0 && p <= 2, "unknown message priority");
    require(size() < max_pending, "the outgoing queue is full");

    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
    const qint64 created = QDateTime::currentMSecsSinceEpoch();
    const QByteArray where = row(id, conversation_id, p, created);
    auto q = sqlite::prepare(store_.db(),
                             "INSERT INTO outgoing (client_msg_id, conversation_id, priority,"
                             " created_ms, body, metadata) VALUES (?, ?, ?, ?, ?, ?)",
                             "enqueue message");
    q.addBindValue(id);
    q.addBindValue(conversation_id);
    q.addBindValue(p);
    q.addBindValue(created);
    q.addBindValue(store_.seal(body, {"outgoing", "body", where}));
    q.addBindValue(store_.seal(metadata, {"outgoing", "metadata", where}));
    sqlite::exec(q, "enqueue message");
    return id;
}

QueuedMessage OutgoingQueue::read_row(const QSqlQuery& q) const {
    QueuedMessage m;
    m.position = q.value(0).toLongLong();
    m.client_msg_id = q.value(1).toString();
    m.conversation_id = q.value(2).toString();
    const int p = q.value(3).toInt();
    if (p < 0 || p > 2)
        throw LocalStoreError(Code::tampered,
                              "a queued message's priority is out of range: the "
                              "local store was altered");
    m.priority = static_cast<Priority>(p);
    m.created_ms = q.value(4).toLongLong();
    const QByteArray where = row(m.client_msg_id, m.conversation_id, p, m.created_ms);
    m.body = store_.open_sealed(q.value(5).toByteArray(), {"outgoing", "body", where},
                                "a queued message");
    m.metadata = store_.open_sealed(q.value(6).toByteArray(), {"outgoing", "metadata", where},
                                    "a queued message's metadata");
    m.attempts = q.value(7).toInt();
    m.last_error = q.value(8).toString();
    m.failed = q.value(9).toInt() != 0;
    return m;
}

std::vector<QueuedMessage> OutgoingQueue::read(const char* condition, const QString* value,
                                               int limit) const {
    const std::string sql =
        std::string(select_columns) + " WHERE " + condition + " ORDER BY position LIMIT ?";
    auto q = sqlite::prepare(store_.db(), sql.c_str(), "read outgoing queue");
    if (value) q.addBindValue(*value);
    q.addBindValue(limit > 0 ? limit : -1);  // SQLite: a negative LIMIT means none
    sqlite::exec(q, "read outgoing queue");
    std::vector<QueuedMessage> out;
    while (q.next()) out.push_back(read_row(q));
    return out;
}

std::vector<QueuedMessage> OutgoingQueue::pending(int limit) const {
    return read("1 = 1", nullptr, limit);
}

std::vector<QueuedMessage> OutgoingQueue::pending_in(const QString& conversation_id) const {
    return read("conversation_id = ?", &conversation_id, 0);
}

std::optional<QueuedMessage> OutgoingQueue::next_to_send() const {
    auto first = read("failed = 0", nullptr, 1);
    if (first.empty()) return std::nullopt;
    return std::move(first.front());
}

std::optional<QueuedMessage> OutgoingQueue::find(const QString& client_msg_id) const {
    auto found = read("client_msg_id = ?", &client_msg_id, 1);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

int OutgoingQueue::size() const {
    auto q = sqlite::prepare(store_.db(), "SELECT COUNT(*) FROM outgoing", "count outgoing queue");
    sqlite::exec(q, "count outgoing queue");
    return q.next() ? q.value(0).toInt() : 0;
}

bool OutgoingQueue::update(const char* sql, const QString& client_msg_id, const QString& error,
                           const char* what) {
    require(error.size() <= max_error_size, "an error code is at most 200 characters");
    auto q = sqlite::prepare(store_.db(), sql, what);
    q.addBindValue(error);
    q.addBindValue(client_msg_id);
    sqlite::exec(q, what);
    return q.numRowsAffected() > 0;
}

bool OutgoingQueue::record_failure(const QString& client_msg_id, const QString& error) {
    return update(
        "UPDATE outgoing SET attempts = attempts + 1, last_error = ?"
        " WHERE client_msg_id = ?",
        client_msg_id, error, "record send failure");
}

bool OutgoingQueue::mark_failed(const QString& client_msg_id, const QString& error) {
    return update(
        "UPDATE outgoing SET attempts = attempts + 1, last_error = ?, failed = 1"
        " WHERE client_msg_id = ?",
        client_msg_id, error, "mark send failed");
}

bool OutgoingQueue::retry(const QString& client_msg_id) {
    return update("UPDATE outgoing SET last_error = ?, failed = 0 WHERE client_msg_id = ?",
                  client_msg_id, QStringLiteral(""), "retry send");
}

bool OutgoingQueue::discard(const QString& client_msg_id) {
    auto q = sqlite::prepare(store_.db(), "DELETE FROM outgoing WHERE client_msg_id = ?",
                             "discard queued message");
    q.addBindValue(client_msg_id);
    sqlite::exec(q, "discard queued message");
    return q.numRowsAffected() > 0;
}

bool OutgoingQueue::acknowledge(const QString& client_msg_id, qint64 seq, qint64 server_time_ms) {
    require(seq >= 1, "an acknowledged message's seq starts at 1");
    const QSqlDatabase d = store_.db();
    sqlite::Transaction t(d);
    const auto item = find(client_msg_id);
    if (!item) return false;  // rolled back: nothing was changed
    StoredMessage m;
    m.conversation_id = item->conversation_id;
    m.seq = seq;
    m.sender_user_id = store_.account().user_id;
    m.sender_device_id = store_.account().device_id;
    m.client_msg_id = item->client_msg_id;
    m.server_time_ms = server_time_ms;
    m.priority = item->priority;
    m.state = MessageState::sent;
    m.body = item->body;
    // In this transaction (store_messages would open its own; SQLite has no nesting).
    store_.insert_messages(d, std::span(&m, 1), "acknowledge message");
    auto remove =
        sqlite::prepare(d, "DELETE FROM outgoing WHERE client_msg_id = ?", "acknowledge message");
    remove.addBindValue(client_msg_id);
    sqlite::exec(remove, "acknowledge message");
    t.commit();
    return true;
}

}  // namespace wardline::client
