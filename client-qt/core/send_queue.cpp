// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/send_queue.hpp"

#include <QDateTime>
#include <QLoggingCategory>

#include <array>

namespace wardline::client {
namespace {

Q_LOGGING_CATEGORY(lcSendQueue, "wardline.chat.send")

QString priority_text(Priority p) {
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

}  // namespace

bool is_transient_send_error(const QString& error_code) {
    static const std::array<QLatin1String, 10> transient{
        QLatin1String("not_ready"),
        QLatin1String("unavailable"),
        QLatin1String("timeout"),
        QLatin1String("rate_limited"),
        QLatin1String("too_many_in_flight"),
        QLatin1String("shutting_down"),
        QLatin1String("internal"),
        QLatin1String("unauthenticated"),
        QLatin1String("tls_refused"),
        QLatin1String("stale_epoch"),
    };
    for (const auto& t : transient)
        if (error_code == t) return true;
    return false;
}

QString send_failure_text(const QString& error_code) {
    if (error_code == QLatin1String("forbidden"))
        return QObject::tr("You may not send messages in this conversation.");
    if (error_code == QLatin1String("not_found") || error_code == QLatin1String("not_a_member"))
        return QObject::tr("You are no longer a member of this conversation.");
    if (error_code == QLatin1String("archived"))
        return QObject::tr("This conversation is archived.");
    if (error_code == QLatin1String("device_quarantined"))
        return QObject::tr("This device is quarantined by your administrator.");
    if (error_code == QLatin1String("bad_request"))
        return QObject::tr("The server did not accept this message.");
    if (error_code == QLatin1String("mls_failed"))
        return QObject::tr("The message could not be encrypted.");
    if (is_transient_send_error(error_code))
        return QObject::tr("Not sent yet: waiting for the server.");
    return QObject::tr("The message could not be sent.");
}

SendQueue::SendQueue(ServerConnection& connection, GroupEngine& engine, LocalStore& store,
                     SendQueueOptions options, QObject* parent)
    : QObject(parent),
      connection_(connection),
      engine_(engine),
      queue_(store),
      backoff_(options.retry_base, options.retry_cap, Backoff::system_uniform()) {
    retry_timer_.setSingleShot(true);
    connect(&retry_timer_, &QTimer::timeout, this, &SendQueue::kick);
    connect(&engine_, &GroupEngine::ready, this, [this] {
        backoff_.reset();
        kick();
    });
    // What an earlier run left in the queue goes as soon as the engine is ready.
    QMetaObject::invokeMethod(this, &SendQueue::kick, Qt::QueuedConnection);
}

SendQueue::~SendQueue() {
    *alive_ = false;
}

bool SendQueue::guarded(const std::function<void()>& op) {
    try {
        op();
        return true;
    } catch (const LocalStoreError& e) {
        qCWarning(lcSendQueue) << "local store:" << e.what();
        emit storeFailed(QString::fromUtf8(e.what()));
        return false;
    }
}

QString SendQueue::submit(const QString& conversation_id, Priority priority, const QByteArray& body,
                          Done done) {
    const QString id = queue_.enqueue(conversation_id, priority, body);
    if (done) waiting_.emplace(id, std::move(done));
    emit queueChanged(conversation_id);
    kick();
    return id;
}

bool SendQueue::retry(const QString& client_msg_id) {
    std::optional<QueuedMessage> item;
    if (!guarded([&] { item = queue_.find(client_msg_id); }) || !item || !item->failed)
        return false;
    if (!guarded([&] { queue_.retry(client_msg_id); })) return false;
    emit queueChanged(item->conversation_id);
    kick();
    return true;
}

bool SendQueue::discard(const QString& client_msg_id) {
    if (in_flight_ == client_msg_id) return false;
    std::optional<QueuedMessage> item;
    if (!guarded([&] { item = queue_.find(client_msg_id); }) || !item) return false;
    bool gone = false;
    if (!guarded([&] { gone = queue_.discard(client_msg_id); }) || !gone) return false;
    OperationResult r;
    r.conversation_id = item->conversation_id;
    r.client_msg_id = client_msg_id;
    r.error_code = QStringLiteral("discarded");
    r.error_message = QStringLiteral("the message was discarded");
    finish(client_msg_id, r);
    emit queueChanged(item->conversation_id);
    return true;
}

std::vector<QueuedMessage> SendQueue::queued(const QString& conversation_id) const {
    std::vector<QueuedMessage> out;
    try {
        out = queue_.pending_in(conversation_id);
    } catch (const LocalStoreError& e) {
        qCWarning(lcSendQueue) << "local store:" << e.what();
    }
    return out;
}

std::vector<QueuedMessage> SendQueue::all() const {
    std::vector<QueuedMessage> out;
    try {
        out = queue_.pending();
    } catch (const LocalStoreError& e) {
        qCWarning(lcSendQueue) << "local store:" << e.what();
    }
    return out;
}

bool SendQueue::can_send() const {
    return connection_.state() == ServerConnection::State::connected && engine_.started();
}

void SendQueue::kick() {
    if (in_flight_ || !can_send()) return;
    std::optional<QueuedMessage> next;
    if (!guarded([&] { next = queue_.next_to_send(); }) || !next) return;
    retry_timer_.stop();
    send(*next);
}

void SendQueue::send(const QueuedMessage& item) {
    in_flight_ = item.client_msg_id;
    OutgoingMessage out;
    out.plaintext = item.body;
    out.priority = priority_text(item.priority);
    out.client_msg_id = item.client_msg_id;  // chosen once, at enqueue: the same on every try
    std::weak_ptr<bool> alive = alive_;
    engine_.send(item.conversation_id, out, [this, alive, item](const OperationResult& r) {
        if (alive.expired()) return;
        on_result(item, r);
    });
}

void SendQueue::on_result(const QueuedMessage& item, const OperationResult& r) {
    in_flight_.reset();
    const QString& id = item.client_msg_id;
    const QString& conversation_id = item.conversation_id;
    if (r.ok && r.seq >= 1) {
        backoff_.reset();
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        bool stored = false;
        guarded([&] { stored = queue_.acknowledge(id, r.seq, at); });
        emit queueChanged(conversation_id);                     // the pending row goes first ...
        if (stored) emit acknowledged(conversation_id, r.seq);  // ... then the stored one comes
        finish(id, r);
        if (!stored) {
            // The store refused (reported by storeFailed): the item is still queued; asking
            // again at once would only repeat the same answer.
            retry_timer_.start(backoff_.next());
            return;
        }
    } else if (!r.ok && is_transient_send_error(r.error_code)) {
        qCInfo(lcSendQueue) << "a queued message was not sent yet:" << r.error_code;
        guarded(
            [&] { queue_.record_failure(id, r.error_code.left(OutgoingQueue::max_error_size)); });
        emit queueChanged(conversation_id);
        // Again when the engine is next ready, or after the backoff if the connection stays up.
        retry_timer_.start(backoff_.next());
        return;
    } else {
        const QString code = r.ok ? QStringLiteral("bad_request") : r.error_code;
        qCWarning(lcSendQueue) << "a queued message was refused:" << code;
        guarded([&] { queue_.mark_failed(id, code.left(OutgoingQueue::max_error_size)); });
        emit queueChanged(conversation_id);
        OperationResult refused = r;
        refused.ok = false;
        refused.error_code = code;
        refused.client_msg_id = id;
        finish(id, refused);
    }
    QMetaObject::invokeMethod(this, &SendQueue::kick, Qt::QueuedConnection);
}

void SendQueue::finish(const QString& client_msg_id, const OperationResult& r) {
    const auto it = waiting_.find(client_msg_id);
    if (it == waiting_.end()) return;
    Done done = std::move(it->second);
    waiting_.erase(it);
    done(r);
}

}  // namespace wardline::client
