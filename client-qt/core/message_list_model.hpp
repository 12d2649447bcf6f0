// SPDX-License-Identifier: Apache-2.0
#pragma once
// The messages of one conversation as a list model (docs/client.md, "Chat views"), oldest at
// the top. Reads the local store in pages by seq: the newest page first, older pages through
// fetchMore() as the view scrolls up, so a conversation of 100,000 messages is never loaded
// whole. New, changed and recalled messages and moved receipts arrive through the
// MessageRecorder's signals. After the stored messages come this device's queued ones (the
// outgoing queue, in the order typed), shown as sending or, when the server refused them for
// good, as failed with the reason in words; an acknowledged one leaves the queue rows and
// appears once among the stored messages at its seq.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_recorder.hpp"

#include <QAbstractListModel>

#include <deque>
#include <vector>

namespace wardline::client {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
public:
    /// Messages per page read from the store.
    static constexpr int page_size = 50;

    enum Roles {
        SeqRole = Qt::UserRole + 1,
        SenderIdRole,
        SenderNameRole,
        TimeRole,                  ///< QDateTime (local time) the server stored it
        BodyRole,                  ///< the text; empty once recalled
        PriorityRole,              ///< routine, urgent or critical
        OwnRole,                   ///< sent by this user
        DeliveredCountRole,        ///< own messages: other members who received it
        ReadCountRole,             ///< own messages: other members who read it
        NeedsAcknowledgementRole,  ///< someone else's urgent or critical message, not yet
                                   ///< acknowledged
        AcknowledgedRole,          ///< others' messages: this user acknowledged; own: someone did
        AcknowledgedCountRole,     ///< how many acknowledged it
        RecalledRole,
        EscalationRole,   ///< empty, escalated or target_missing
        StateRole,        ///< received, sent, sending (queued) or failed (refused for good)
        FailureRole,      ///< failed or retried queued messages: why, in words; else empty
        ClientMsgIdRole,  ///< the client message id (queued messages: for retry and discard)
        QueuedRole,       ///< a queued message, not stored by the server yet
    };
    Q_ENUM(Roles)

    MessageListModel(LocalStore& store, MessageRecorder& recorder,
                     const ColleagueDirectory& colleagues, QString conversation_id,
                     QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    const QString& conversation_id() const noexcept { return conversation_id_; }
    /// The row of `seq`, or -1 when it is not loaded.
    int row_of(qint64 seq) const;
    /// The row of a queued message, or -1.
    int row_of_queued(const QString& client_msg_id) const;
    /// Stored rows (the queued ones follow them).
    int stored_count() const noexcept { return static_cast<int>(rows_.size()); }

private:
    struct Row {
        StoredMessage message;
        MessageReceipts receipts;
    };
    Row read_row(StoredMessage m) const;
    /// A page's rows, with their receipts read in one batch (LocalStore::receipts_of).
    std::vector<Row> read_rows(std::vector<StoredMessage> page) const;
    void on_expired(const QString& conversation_id, qint64 up_to_seq);
    void on_added(const QString& conversation_id, qint64 seq);
    void on_changed(const QString& conversation_id, qint64 seq);
    void on_receipts(const QString& conversation_id);
    void on_queue(const QString& conversation_id);
    QVariant queued_data(const QueuedMessage& m, int role) const;
    void refresh_all();
    bool guarded(const std::function<void()>& op) const;

    LocalStore& store_;
    MessageRecorder& recorder_;
    const ColleagueDirectory& colleagues_;
    QString conversation_id_;
    /// Ascending seq. A deque: older pages are put in front as the view scrolls up, without
    /// moving the rows already loaded.
    std::deque<Row> rows_;
    std::vector<QueuedMessage> queued_;  ///< after rows_, in queue order
    bool at_start_ = false;              ///< the oldest stored message is loaded
};

/// "routine", "urgent" or "critical".
QString priority_name(Priority p);

}  // namespace wardline::client
