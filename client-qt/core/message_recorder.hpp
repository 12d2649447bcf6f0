// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps the local store in step with the MLS engine and the server (docs/client.md, "Chat
// views"), so that the item models only ever read the store:
//  - every message the engine decrypts, and every message this device sends, is stored
//    (sealed) with its state;
//  - conversations (kind, title; a direct conversation without a title is named after the
//    other member) from conversations.list/get, refreshed on conversation.* events;
//  - members' read and delivery positions from conversations.get, messages.read and the
//    receipt.read / receipt.delivered events, from which unread counts and receipts follow;
//  - acknowledgements (messages.acknowledge, message.acknowledged), recalls (the body is
//    dropped for good) and escalations (message.escalated);
//  - retention: messages the server deleted go from the store too, told by messages.expired
//    when online and by conversations.list (expired_through_seq) on every start, which is how
//    a device that was offline when the job ran catches up.
// It also carries the user's intents that change this state: send (through the persisted
// outgoing queue, SendQueue: a message is queued first and shown as sending, then sent, and
// retried with the same client message id until the server acknowledges it), retry or discard
// a message the server refused, mark read, acknowledge, start a direct conversation, create a
// group, patient thread or announcement. Store errors
// are reported by storeFailed with the store's message (never content) and do not stop the
// recorder.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_draft.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/send_queue.hpp"

#include <QObject>

#include <functional>
#include <memory>
#include <set>

namespace wardline::client {

class MessageRecorder : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const OperationResult&)>;

    /// The longest message text, in UTF-8 bytes (its ciphertext stays under the server's
    /// 32 KiB limit for messages.send).
    static constexpr qsizetype max_text_bytes = 16 * 1024;

    /// The store's account names this user and device.
    MessageRecorder(ServerConnection& connection, GroupEngine& engine, LocalStore& store,
                    ColleagueDirectory& colleagues, SendQueueOptions send_options = {},
                    QObject* parent = nullptr);
    ~MessageRecorder() override;

    /// Loads the user's conversations (conversations.list, then conversations.get of each for
    /// members and read positions). Also runs on every later sign-in or reconnect.
    void start();
    /// Fetches one conversation again (conversations.get) and stores what changed.
    void refresh(const QString& conversation_id);

    /// Queues `text` with `priority` (routine, urgent, critical) for a known conversation: it
    /// is shown as sending at once (queueChanged), sent when the connection and the engine
    /// are ready, and stored once the server has acknowledged it. `done` is called when it is
    /// acknowledged (ok, with its seq), refused for good or discarded, or at once when it is
    /// refused here (bad_request: empty, too long, unknown priority; not_found: unknown
    /// conversation). A transient failure leaves it queued; `done` waits.
    void send(const QString& conversation_id, const QString& text, const QString& priority,
              Done done = {});
    /// Sends a message the server refused again, with the same client message id.
    bool retry_send(const QString& client_msg_id) { return outbox_.retry(client_msg_id); }
    /// Gives up on a queued message (one not being sent right now).
    bool discard_send(const QString& client_msg_id) { return outbox_.discard(client_msg_id); }
    /// The conversation's queued messages (sending and failed), in the order typed.
    std::vector<QueuedMessage> queued(const QString& conversation_id) const {
        return outbox_.queued(conversation_id);
    }
    SendQueue& outbox() noexcept { return outbox_; }
    /// The user has seen the conversation up to its last message: messages.read.
    void mark_read(const QString& conversation_id);
    /// The user acknowledges an urgent or critical message (messages.acknowledge).
    void acknowledge(const QString& conversation_id, qint64 seq, Done done = {});
    /// Recalls one of the user's own messages (messages.recall, within the server's recall
    /// window): its body is dropped here at once, and on the other members' devices when their
    /// message.recalled arrives.
    void recall(const QString& conversation_id, qint64 seq, Done done = {});
    /// Opens (or finds) the direct conversation with `user_id`.
    void start_direct(const QString& user_id, Done done);
    /// Creates a group, patient thread or announcement with every member's devices in its MLS
    /// group; a draft with a problem is refused locally (bad_request, the problem as message).
    void create(const ConversationDraft& draft, Done done);

    const QString& user_id() const noexcept { return user_id_; }

signals:
    /// Title, kind, order, unread count or badges of a conversation may have changed.
    void conversationChanged(const QString& conversation_id);
    /// A message was stored.
    void messageAdded(const QString& conversation_id, qint64 seq);
    /// A stored message changed (state, acknowledgement, recall, escalation).
    void messageChanged(const QString& conversation_id, qint64 seq);
    /// The conversation's queued messages changed (one added, attempted, failed or gone).
    void queueChanged(const QString& conversation_id);
    /// Read or delivery positions of members moved: receipts of many messages may differ.
    void receiptsChanged(const QString& conversation_id);
    /// The server's retention deleted the conversation's messages up to `up_to_seq` (told by
    /// messages.expired or by conversations.list); they are gone from the local store too.
    void messagesExpired(const QString& conversation_id, qint64 up_to_seq);
    void storeFailed(const QString& message);

private:
    void list_page(const QString& after);
    void take_conversation(const QJsonObject& c, bool with_members);
    void on_decrypted(const DecryptedMessage& m);
    void on_event(const ServerEvent& e);
    void on_acknowledged(const QString& conversation_id, qint64 seq);
    void store_message(const StoredMessage& m);
    void touch(const QString& conversation_id, qint64 time_ms);
    void call(const QString& type, const QJsonObject& body,
              std::function<void(const ServerResponse&)> done);
    /// Runs `op` on the store; a LocalStoreError is reported, not thrown.
    bool guarded(const std::function<void()>& op);

    ServerConnection& connection_;
    GroupEngine& engine_;
    LocalStore& store_;
    ColleagueDirectory& colleagues_;
    QString user_id_;
    QString device_id_;
    SendQueue outbox_;
    std::set<QString> refreshing_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
