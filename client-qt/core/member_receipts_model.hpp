// SPDX-License-Identifier: Apache-2.0
#pragma once
// The members of one conversation, and for one chosen message what each of them has done with
// it (docs/client.md, "Members and receipts"): a table of name, role in the conversation,
// delivered, read and acknowledged (with the time the server recorded). The members come from
// conversations.get, the receipts from receipts.get: the server's own answer, which covers
// every member and every device, where the local store only knows what the server pushed to
// this user (receipt.* and message.acknowledged go to a message's sender alone). The table
// follows the conversation live: membership and role events fetch the members again, receipt
// and acknowledgement events for the chosen message (and this user's own acknowledgement
// through the recorder) fetch its receipts again; requests are coalesced, one in flight per
// kind, and an answer older than the latest question is dropped. Replies that are malformed
// are refused whole (members_from / receipts_from), never half applied.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>

#include <memory>
#include <optional>
#include <vector>

namespace wardline::client {

/// One member as conversations.get lists them.
struct ConversationMember {
    QString user_id;
    QString role;  ///< owner, member or read_only
};

/// One member's receipt of a message as receipts.get answers it.
struct MemberReceipt {
    QString user_id;
    bool delivered = false;
    bool read = false;
    bool acknowledged = false;
    qint64 acknowledged_ms = 0;  ///< when, if acknowledged (ms since the Unix epoch)
};

/// receipts.get's answer for one message.
struct MessageReceiptsAnswer {
    qint64 seq = 0;
    QString priority;  ///< routine, urgent or critical
    QString sender_user_id;
    bool recalled = false;
    std::vector<MemberReceipt> members;  ///< every current member but the sender
};

/// How many of the chosen message's recipients (every member shown but the sender) have it.
struct ReceiptCounts {
    int recipients = 0;
    int delivered = 0;
    int read = 0;
    int acknowledged = 0;
};

class MemberReceiptsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// A conversation has at most this many members (the protocol's limit).
    static constexpr int max_members = 2000;

    enum Column { NameColumn, RoleColumn, DeliveredColumn, ReadColumn, AcknowledgedColumn };
    static constexpr int column_count = 5;

    enum Roles {
        UserIdRole = Qt::UserRole + 1,
        DisplayNameRole,
        ConversationRoleRole,  ///< owner, member or read_only
        SenderRole,            ///< the chosen message's sender
        DeliveredRole,         ///< bool; false without a chosen message
        ReadRole,              ///< bool
        AcknowledgedRole,      ///< bool
        AcknowledgedAtRole,    ///< QDateTime (local time), invalid when not acknowledged
    };
    Q_ENUM(Roles)

    MemberReceiptsModel(ServerConnection& connection, MessageRecorder& recorder,
                        const ColleagueDirectory& colleagues, QString conversation_id,
                        QObject* parent = nullptr);
    ~MemberReceiptsModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QString& conversation_id() const noexcept { return conversation_id_; }
    /// Chooses the message whose receipts are shown (0: members only) and asks for them.
    void set_message(qint64 seq);
    qint64 message() const noexcept { return seq_; }
    /// The chosen message's priority (routine, urgent, critical), once receipts.get answered.
    const QString& priority() const noexcept { return priority_; }
    bool recalled() const noexcept { return recalled_; }
    /// Asks for the members and the chosen message's receipts again.
    void reload();
    /// Every question asked so far has been answered (or refused).
    bool loaded() const noexcept;
    /// The protocol error code of the last refusal, or empty after a success.
    const QString& error() const noexcept { return error_; }
    /// The chosen message's receipts counted over the members shown.
    ReceiptCounts counts() const;
    /// The row of `user_id`, or -1.
    int row_of(const QString& user_id) const;

    /// conversations.get's members; nullopt when the answer is malformed (no members array,
    /// an entry without a user id or a known role, a user listed twice, too many).
    static std::optional<std::vector<ConversationMember>> members_from(const QJsonObject& body);
    /// receipts.get's answer; nullopt when malformed (missing or mistyped fields, a member
    /// listed twice, too many).
    static std::optional<MessageReceiptsAnswer> receipts_from(const QJsonObject& body);

signals:
    /// Every question asked so far has been answered (loaded() is true).
    void loadedChanged();
    /// A request was refused (the protocol's error code; "malformed" for an answer that did
    /// not parse).
    void failed(const QString& error);

private:
    /// One kind of question (members, receipts): at most one in flight, asked again once more
    /// when something changed while it was out.
    struct Asking {
        bool in_flight = false;
        bool again = false;
        quint64 generation = 0;
    };
    void ask_members();
    void ask_receipts();
    void take_members(const std::vector<ConversationMember>& members);
    void take_receipts(const MessageReceiptsAnswer& answer);
    void clear_receipts();
    void on_event(const ServerEvent& e);
    void settle(Asking& asking, void (MemberReceiptsModel::*ask)());
    void refuse(const QString& code);
    QString display_name(const QString& user_id) const;

    ServerConnection& connection_;
    MessageRecorder& recorder_;
    const ColleagueDirectory& colleagues_;
    QString conversation_id_;
    qint64 seq_ = 0;
    QString priority_;
    bool recalled_ = false;
    QString error_;
    std::vector<ConversationMember> rows_;
    QHash<QString, MemberReceipt> receipts_;  ///< of the chosen message, by user id
    QString sender_;                          ///< the chosen message's sender
    Asking members_asking_;
    Asking receipts_asking_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
