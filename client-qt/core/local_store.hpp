// SPDX-License-Identifier: Apache-2.0
#pragma once
// The encrypted local store (issue #6, "Local store"; docs/client.md, "Local store"): one
// SQLite database (Qt SQL, QSQLITE) per account (server, user), holding conversations,
// messages, MLS group state, sync cursors, the outgoing queue (OutgoingQueue) and small
// secrets (the device's private key, the session token). Message bodies, titles, patient
// identifiers, group state, queued messages and secrets are sealed with the LocalKey
// (XChaCha20-Poly1305) with associated data binding each to its row (row_binding.hpp): a
// value altered, or moved to another row, fails with LocalStoreError::tampered.
// Messages are read in pages by sequence (LIMIT queries on the (conversation, seq) index), so
// a conversation of 100,000 messages never loads whole. WAL journal; every write is one
// transaction. An instance has its own Qt SQL connection and belongs to the thread that
// opened it. Errors never carry message content or patient data.
#include "client-qt/core/local_key.hpp"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

class QSqlDatabase;

namespace wardline::client {

class OutgoingQueue;

class LocalStoreError : public std::runtime_error {
public:
    enum class Code {
        driver_missing,  ///< Qt's QSQLITE driver is not installed
        open_failed,     ///< the database file cannot be created or opened
        newer_schema,    ///< made by a newer Wardline
        wrong_key,       ///< the local key is not the one this store was made with
        tampered,        ///< a sealed value failed its integrity check
        bad_input,       ///< an argument out of range (the message says which)
        query_failed,    ///< SQLite refused a statement (disk full, I/O error, ...)
        closed,          ///< used after wipe()
    };
    LocalStoreError(Code code, const std::string& what) : std::runtime_error(what), code_(code) {}
    Code code() const noexcept { return code_; }

private:
    Code code_;
};

/// Whose store: one database file per (server, user).
struct StoreAccount {
    QString server;     ///< e.g. "wardline.hospital.example:443"
    QString user_id;    ///< the server's user id
    QString device_id;  ///< this installation's device id (the sender of what it sends)
    /// 32 hex digits naming the database file; from server and user only.
    QString store_id() const;
};

enum class Priority : int { routine = 0, urgent = 1, critical = 2 };
/// Where a message is for this device's user: received from someone else, sent (the server
/// acknowledged ours), delivered / read (receipts), recalled (the body is gone).
enum class MessageState : int { received = 0, sent = 1, delivered = 2, read = 3, recalled = 4 };

struct StoredConversation {
    QString id;
    QString kind;                        ///< direct, group, channel, announcement, patient
    QString title;                       ///< sealed
    std::optional<QJsonObject> patient;  ///< patient identifiers (sealed); patient threads only
    qint64 unread = 0;
    qint64 last_seq = 0;    ///< the highest sequence stored or known
    qint64 updated_ms = 0;  ///< for ordering the list, newest first
};

struct StoredMessage {
    QString conversation_id;
    qint64 seq = 0;  ///< the server's per-conversation sequence, from 1
    QString sender_user_id;
    QString sender_device_id;
    QString client_msg_id;
    qint64 server_time_ms = 0;
    Priority priority = Priority::routine;
    MessageState state = MessageState::received;
    QByteArray body;  ///< the decrypted application message (sealed at rest); empty if recalled
};

/// How far one member has received and read a conversation (receipt.delivered, receipt.read,
/// messages.read; conversations.get's read_seq).
struct MemberPosition {
    QString user_id;
    qint64 delivered_seq = 0;
    qint64 read_seq = 0;
};

/// Receipts of one message as this store knows them.
struct MessageReceipts {
    int delivered = 0;  ///< other members who received it (read counts as received)
    int read = 0;       ///< other members who read it
    QStringList acknowledged_by;  ///< who acknowledged it (urgent and critical only)
    QString escalation;           ///< empty, "escalated" or "target_missing"
};

struct StoredGroupState {
    qint64 epoch = 0;
    QByteArray state;  ///< the MLS engine's serialized group (sealed at rest)
};

class LocalStore {
public:
    /// At most this many messages per page.
    static constexpr int max_page = 1000;
    /// Largest body, title, group state or secret accepted (bytes).
    static constexpr qsizetype max_value_size = 4 * 1024 * 1024;

    /// Opens (creating if needed) the store of `account` in `directory` (made 0700; the
    /// database file is 0600), migrates its schema and checks `key` against it. The key must
    /// outlive the store. Throws LocalStoreError.
    LocalStore(const QString& directory, StoreAccount account, const LocalKey& key);
    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    /// The database file of `account` in `directory`.
    static QString database_path(const QString& directory, const StoreAccount& account);
    const QString& path() const noexcept { return path_; }
    const StoreAccount& account() const noexcept { return account_; }
    int schema_version() const;

    // Conversations.
    void upsert_conversation(const StoredConversation& conversation);
    std::optional<StoredConversation> conversation(const QString& id) const;
    /// All conversations, most recently updated first.
    std::vector<StoredConversation> conversations() const;

    // Messages.
    /// Stores messages; one already stored at the same (conversation, seq) is left as it is.
    /// Raises the conversation's last_seq. Returns how many were new. All or nothing.
    int store_messages(std::span<const StoredMessage> messages);
    std::optional<StoredMessage> message(const QString& conversation_id, qint64 seq) const;
    /// Up to `limit` messages with seq < `before_seq`, the newest of them, in ascending order.
    std::vector<StoredMessage> messages_before(const QString& conversation_id, qint64 before_seq,
                                               int limit) const;
    /// Up to `limit` messages with seq > `after_seq`, the oldest of them, in ascending order.
    std::vector<StoredMessage> messages_after(const QString& conversation_id, qint64 after_seq,
                                              int limit) const;
    /// Delivered or read (not recalled: use mark_recalled; a recalled message stays recalled).
    /// False when there is no such message.
    bool set_message_state(const QString& conversation_id, qint64 seq, MessageState state);
    /// Drops the body for good and marks the message recalled; false when there is no such
    /// message. The WAL is checkpointed and truncated so the old page leaves it.
    bool mark_recalled(const QString& conversation_id, qint64 seq);
    /// The server's retention deleted the conversation's messages up to `up_to_seq`
    /// (messages.expired): deletes them here too, with their acknowledgements and escalations,
    /// and checkpoints the WAL as mark_recalled does. Returns how many messages went.
    int expire_messages(const QString& conversation_id, qint64 up_to_seq);

    // Receipts and acknowledgements (local_store_receipts.cpp).
    /// Moves `user_id`'s delivered and read positions in a conversation forward (never back;
    /// read implies delivered). Returns true when something moved.
    bool raise_member_position(const QString& conversation_id, const QString& user_id,
                               qint64 delivered_seq, qint64 read_seq);
    MemberPosition member_position(const QString& conversation_id, const QString& user_id) const;
    /// Messages from other senders than `user_id` above `user_id`'s read position, not recalled.
    qint64 unread_count(const QString& conversation_id, const QString& user_id) const;
    /// Urgent and critical messages from others that `user_id` has not acknowledged, not recalled.
    qint64 unacknowledged_count(const QString& conversation_id, const QString& user_id) const;
    /// Records that `user_id` acknowledged a message (once; the first time is kept). True if new.
    bool add_acknowledgement(const QString& conversation_id, qint64 seq, const QString& user_id,
                             qint64 acknowledged_ms);
    void set_escalation(const QString& conversation_id, qint64 seq, const QString& status,
                        qint64 escalated_ms);
    /// Receipts of the message at `seq`, counting every member but `sender_user_id`.
    MessageReceipts receipts(const QString& conversation_id, qint64 seq,
                             const QString& sender_user_id) const;
    /// Receipts of each of `messages` (all of one conversation), in their order: the same
    /// answers as receipts() for each, in three queries however many messages there are (a
    /// page of a conversation, or every loaded row when a receipt moves).
    std::vector<MessageReceipts> receipts_of(const QString& conversation_id,
                                             std::span<const StoredMessage> messages) const;

    // MLS group state, one per conversation.
    void save_group_state(const QString& conversation_id, const StoredGroupState& state);
    std::optional<StoredGroupState> group_state(const QString& conversation_id) const;
    /// False when there was none.
    bool remove_group_state(const QString& conversation_id);

    // Sync cursors (e.g. one per conversation, or the device's delivery cursor).
    void set_cursor(const QString& name, qint64 value);
    std::optional<qint64> cursor(const QString& name) const;
    std::map<QString, qint64> cursors() const;

    // Small secrets: the device's private key, the session token.
    void save_secret(const QString& name, QByteArrayView value);
    std::optional<QByteArray> secret(const QString& name) const;
    void remove_secret(const QString& name);

    /// Closes the database and deletes its files (database, -wal, -shm, -journal) after
    /// overwriting them with zeros. Afterwards every call throws LocalStoreError::closed.
    /// True when no file is left.
    bool wipe();
    /// Deletes the files of a store that is not open (also after a crash).
    static bool remove_files(const QString& path);

private:
    friend class OutgoingQueue;
    QSqlDatabase db() const;
    void migrate();
    void check_key();
    /// The associated data of a sealed value at `row` of this store.
    QByteArray binding(std::initializer_list<QByteArrayView> row) const;
    QByteArray seal(QByteArrayView plaintext, std::initializer_list<QByteArrayView> row) const;
    QByteArray open_sealed(QByteArrayView sealed, std::initializer_list<QByteArrayView> row,
                           const char* what) const;
    QByteArray seal_body(const StoredMessage& m) const;
    /// Inserts `messages` (one already stored at the same (conversation, seq) is left as it is)
    /// and raises their conversations' last_seq, inside the caller's transaction on `d`.
    /// Returns how many were new. `what` names the operation in errors.
    int insert_messages(const QSqlDatabase& d, std::span<const StoredMessage> messages,
                        const char* what);
    std::vector<StoredMessage> page(const char* sql, const QString& conversation_id, qint64 bound,
                                    int limit, bool reverse) const;
    void close() noexcept;

    StoreAccount account_;
    QByteArray store_id_;
    const LocalKey* key_;
    QString path_;
    QString connection_;
    bool open_ = false;
};

}  // namespace wardline::client
