// SPDX-License-Identifier: Apache-2.0
#pragma once
// The send path through the persisted outgoing queue (issue #6; docs/client.md, "Outgoing
// queue"). submit() puts a message into the OutgoingQueue, where its client message id is
// chosen once; the queue is then sent one message at a time, oldest first, through the MLS
// engine with that id, whenever the connection is up and the engine is ready:
//  - acknowledged: the item becomes the stored message at its seq (OutgoingQueue::acknowledge);
//  - a transient failure (unavailable, timeout, rate_limited, not ready, ...): it stays queued
//    and is sent again, with the same id, when the engine is next ready or after a bounded
//    backoff, whichever comes first; the server answers a repeat with the original seq;
//  - a refusal for good (forbidden, not_found, bad_request, device_quarantined, not a
//    member, ...): it is marked failed and skipped until the user retries or discards it.
// Store errors are reported by storeFailed (the store's message, never content).
#include "client-qt/core/backoff.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/outgoing_queue.hpp"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace wardline::client {

struct SendQueueOptions {
    /// Delay before a message that failed for a transient reason is sent again while the
    /// connection stays up: doubles from `retry_base` up to `retry_cap`, with jitter.
    std::chrono::milliseconds retry_base{1'000};
    std::chrono::milliseconds retry_cap{30'000};
};

/// Whether a send that failed with `error_code` is tried again by itself.
bool is_transient_send_error(const QString& error_code);
/// Why a queued message was not sent, in words for the user (never content).
QString send_failure_text(const QString& error_code);

class SendQueue : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const OperationResult&)>;

    /// The connection, engine and store must outlive the queue.
    SendQueue(ServerConnection& connection, GroupEngine& engine, LocalStore& store,
              SendQueueOptions options = {}, QObject* parent = nullptr);
    ~SendQueue() override;

    /// Queues `body` for `conversation_id` and starts sending if it can. Returns the client
    /// message id; throws LocalStoreError (bad_input) when the queue refuses it. `done` (if
    /// set) is called once, when the message is acknowledged or refused for good, or discarded.
    QString submit(const QString& conversation_id, Priority priority, const QByteArray& body,
                   Done done = {});
    /// A failed message is sent again (same client message id). False if there is no such
    /// failed message.
    bool retry(const QString& client_msg_id);
    /// A queued message that is not being sent right now leaves the queue. False otherwise.
    bool discard(const QString& client_msg_id);
    /// The queued messages of a conversation (sending and failed), in the order typed.
    std::vector<QueuedMessage> queued(const QString& conversation_id) const;
    /// Every queued message, in the order typed.
    std::vector<QueuedMessage> all() const;
    /// The client message id being sent right now, if any.
    const std::optional<QString>& in_flight() const noexcept { return in_flight_; }
    /// Sends the next message if the connection is up, the engine ready and nothing is in
    /// flight. Runs by itself on submit, on every engine start and after a backoff.
    void kick();

signals:
    /// The queued messages of a conversation changed (added, attempted, failed, gone).
    void queueChanged(const QString& conversation_id);
    /// The server stored a queued message at `seq`; it is now in the store's messages.
    void acknowledged(const QString& conversation_id, qint64 seq);
    void storeFailed(const QString& message);

private:
    bool can_send() const;
    void send(const QueuedMessage& item);
    void on_result(const QueuedMessage& item, const OperationResult& r);
    void finish(const QString& client_msg_id, const OperationResult& r);
    bool guarded(const std::function<void()>& op);

    ServerConnection& connection_;
    GroupEngine& engine_;
    OutgoingQueue queue_;
    Backoff backoff_;
    QTimer retry_timer_;
    std::optional<QString> in_flight_;
    std::map<QString, Done> waiting_;  ///< client_msg_id -> the caller's completion
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
