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
//    dropped for good) and escalations (message.escalated).
// It also carries the user's intents that change this state: send, mark read, acknowledge,
// start a direct conversation, create a group, patient thread or announcement. Store errors
// are reported by storeFailed with the store's message (never content) and do not stop the
// recorder.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_draft.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"

#include <QObject>

#include <functional>
#include <memory>
#include <set>

namespace wardline::client {

class MessageRecorder : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const OperationResult&)>;

    /// The store's account names this user and device.
    MessageRecorder(ServerConnection& connection, GroupEngine& engine, LocalStore& store,
                    ColleagueDirectory& colleagues, QObject* parent = nullptr);
    ~MessageRecorder() override;

    /// Loads the user's conversations (conversations.list, then conversations.get of each for
    /// members and read positions). Also runs on every later sign-in or reconnect.
    void start();
    /// Fetches one conversation again (conversations.get) and stores what changed.
    void refresh(const QString& conversation_id);

    /// Sends `text` with `priority` (routine, urgent, critical) and stores it once the server
    /// has acknowledged it.
    void send(const QString& conversation_id, const QString& text, const QString& priority,
              Done done = {});
    /// The user has seen the conversation up to its last message: messages.read.
    void mark_read(const QString& conversation_id);
    /// The user acknowledges an urgent or critical message (messages.acknowledge).
    void acknowledge(const QString& conversation_id, qint64 seq, Done done = {});
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
    /// Read or delivery positions of members moved: receipts of many messages may differ.
    void receiptsChanged(const QString& conversation_id);
    void storeFailed(const QString& message);

private:
    void list_page(const QString& after);
    void take_conversation(const QJsonObject& c, bool with_members);
    void on_decrypted(const DecryptedMessage& m);
    void on_event(const ServerEvent& e);
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
    std::set<QString> refreshing_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
