// SPDX-License-Identifier: Apache-2.0
#pragma once
// Messages waiting to be sent (issue #6, "an outgoing queue persisted to disk so unsent
// messages survive a restart, retried with the same client message id until acknowledged";
// docs/client.md, "Outgoing queue"). Kept in the LocalStore's `outgoing` table: the
// plaintext body (sealed with the local key, so it can be encrypted again for the group's
// current MLS epoch on every attempt), its metadata, a client message id (a lower-case UUID
// chosen once, at enqueue, and the same on every retry and after every restart), attempts and
// the last error code. An item the server refused for good is marked failed: it stays (so the
// user sees it and can retry or discard it) but next_to_send() passes over it.
// acknowledge() turns an item into the conversation's message at the sequence the server gave
// it, in one transaction. Bounded: at most max_pending items.
#include "client-qt/core/local_store.hpp"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

class QSqlQuery;

namespace wardline::client {

struct QueuedMessage {
    qint64 position = 0;  ///< order of enqueueing (ascending = send order)
    QString client_msg_id;
    QString conversation_id;
    Priority priority = Priority::routine;
    qint64 created_ms = 0;
    QByteArray body;      ///< plaintext application message
    QByteArray metadata;  ///< the caller's extra fields (e.g. reply_to), opaque here
    int attempts = 0;
    QString last_error;   ///< a protocol error code such as "unavailable"; never content
    bool failed = false;  ///< refused for good: not sent again until retry()
};

class OutgoingQueue {
public:
    static constexpr int max_pending = 10'000;
    static constexpr qsizetype max_body_size = 1024 * 1024;
    static constexpr qsizetype max_metadata_size = 64 * 1024;
    static constexpr qsizetype max_error_size = 200;

    /// The store must outlive the queue.
    explicit OutgoingQueue(LocalStore& store) : store_(store) {}

    /// Adds a message at the end; returns its client message id. LocalStoreError::bad_input
    /// for an empty conversation id or body, a body or metadata too large, an unknown
    /// priority, or a full queue.
    QString enqueue(const QString& conversation_id, Priority priority, const QByteArray& body,
                    const QByteArray& metadata = {});
    /// Up to `limit` queued messages (all if limit <= 0), failed ones included, oldest first.
    std::vector<QueuedMessage> pending(int limit = 0) const;
    /// The queued messages of one conversation, failed ones included, oldest first.
    std::vector<QueuedMessage> pending_in(const QString& conversation_id) const;
    /// The oldest message that is not marked failed.
    std::optional<QueuedMessage> next_to_send() const;
    std::optional<QueuedMessage> find(const QString& client_msg_id) const;
    int size() const;
    /// Counts one more attempt and keeps `error` (a short code); false if no such item.
    bool record_failure(const QString& client_msg_id, const QString& error);
    /// Refused for good: counts the attempt, keeps `error` and marks the item failed.
    bool mark_failed(const QString& client_msg_id, const QString& error);
    /// The user asks for a failed item to be sent again: no longer failed (attempts are
    /// kept). False if no such item.
    bool retry(const QString& client_msg_id);
    /// The user gives up on an item: it leaves the queue. False if no such item.
    bool discard(const QString& client_msg_id);
    /// The server stored it at `seq` at `server_time_ms`: the item leaves the queue and
    /// becomes the conversation's message (state sent) in the same transaction; a message
    /// already stored at that seq is kept. False if no such item (e.g. acknowledged already).
    bool acknowledge(const QString& client_msg_id, qint64 seq, qint64 server_time_ms);

private:
    QueuedMessage read_row(const QSqlQuery& q) const;
    /// The items matching `condition` (SQL with at most one placeholder, bound to `value`).
    std::vector<QueuedMessage> read(const char* condition, const QString* value, int limit) const;
    bool update(const char* sql, const QString& client_msg_id, const QString& error,
                const char* what);
    LocalStore& store_;
};

}  // namespace wardline::client
