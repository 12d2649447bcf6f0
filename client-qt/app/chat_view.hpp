// SPDX-License-Identifier: Apache-2.0
#pragma once
// The chat tab (docs/client.md, "Chat views"): the user's conversations on the left (unread
// counts, a badge for messages awaiting acknowledgement), the open conversation on the right
// (messages oldest at the top, older pages loaded on scrolling up, receipts of the user's own
// messages; queued ones as sending or, refused for good, as failed, with Retry and Discard
// buttons for the selected one), an acknowledge button for urgent and critical messages, and
// the composer. Under the conversation's title its members are listed; Members… shows them
// in a table and Receipts… (also in the message list's context menu) who has received, read
// and acknowledged the selected message (MemberReceiptsDialog). The
// open conversation is marked read (messages.read) when it opens and as messages arrive while
// it is shown. It binds models and forwards intents to the MessageRecorder; nothing else.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/member_receipts_model.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "client-qt/core/message_recorder.hpp"

#include <QWidget>

#include <memory>

class QIdentityProxyModel;
class QLabel;
class QListView;
class QPushButton;

namespace wardline::app {

class MemberReceiptsDialog;
class MessageComposer;

class ChatView : public QWidget {
    Q_OBJECT
public:
    ChatView(client::ServerConnection& connection, client::LocalStore& store,
             client::MessageRecorder& recorder, client::ColleagueDirectory& colleagues,
             QWidget* parent = nullptr);
    ~ChatView() override;

    client::ConversationListModel& conversations() { return conversations_; }
    /// The open conversation's messages, or null.
    client::MessageListModel* messages() const { return messages_.get(); }
    QString open_conversation_id() const;
    /// Opens a conversation (selects it in the list).
    void open(const QString& conversation_id);
    /// Asks what to start (a direct conversation, or a group, patient thread or announcement
    /// as `permissions` allow) and opens it.
    void start_new_conversation();
    /// While held (the device is quarantined), the composer is disabled and nothing is sent.
    void hold_sending(bool held);
    /// Opens the direct conversation with `user_id`, creating it if there is none.
    void open_direct(const QString& user_id);
    /// The signed-in user's permissions: which kinds the new-conversation dialog offers.
    void set_permissions(const QStringList& permissions) { permissions_ = permissions; }
    QString status() const;
    /// Opens the receipts of the selected stored message (null when none is selected).
    MemberReceiptsDialog* show_receipts();
    /// Opens the open conversation's members (null when no conversation is open).
    MemberReceiptsDialog* show_members();
    /// The members line under the conversation's title.
    QString members_text() const;

private:
    void show_conversation(const QString& conversation_id);
    void send(const QString& text, const QString& priority);
    void opened(const client::OperationResult& r);
    void update_acknowledge();
    /// Retry and Discard act on the selected message when it is a failed queued one.
    void update_queued_actions();
    QString selected_failed_message() const;
    /// The seq of the selected message if it is the user's own, stored and not recalled; else 0.
    qint64 selected_recallable() const;
    /// The seq of the selected message if the server has stored it (not a queued one); else 0.
    qint64 selected_stored() const;
    void update_members_line();
    /// The message the acknowledge button acts on: the selected one if it needs it, else the
    /// newest that does; -1 when none.
    int acknowledge_target() const;
    void mark_read_if_shown();
    void load_older_if_at_top();

    client::ServerConnection& connection_;
    client::LocalStore& store_;
    client::MessageRecorder& recorder_;
    client::ColleagueDirectory& colleagues_;
    client::ConversationListModel conversations_;
    std::unique_ptr<client::MessageListModel> messages_;
    /// The open conversation's members, for the line under its title.
    std::unique_ptr<client::MemberReceiptsModel> members_;
    QIdentityProxyModel* message_proxy_ = nullptr;
    QListView* conversation_list_ = nullptr;
    QListView* message_list_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* members_line_ = nullptr;
    QPushButton* members_button_ = nullptr;
    QPushButton* receipts_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* acknowledge_ = nullptr;
    QPushButton* retry_ = nullptr;
    QPushButton* recall_ = nullptr;
    QPushButton* discard_ = nullptr;
    MessageComposer* composer_ = nullptr;
    bool sending_held_ = false;
    QStringList permissions_;
};

}  // namespace wardline::app
