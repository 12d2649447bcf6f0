// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/chat_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/chat_delegates.hpp"
#include "client-qt/app/member_receipts_dialog.hpp"
#include "client-qt/app/message_composer.hpp"
#include "client-qt/app/new_conversation_dialog.hpp"

#include <QAction>
#include <QHBoxLayout>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace wardline::app {

namespace {

using Messages = client::MessageListModel;

/// Hides fetchMore from the message list: a QListView fetches more when its last row is
/// visible, but older messages belong at the top, so ChatView fetches them itself when the
/// user scrolls to the top.
class OlderPagesOnScrollProxy : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    bool canFetchMore(const QModelIndex&) const override { return false; }
    void fetchMore(const QModelIndex&) override {}
};

}  // namespace

ChatView::ChatView(client::ServerConnection& connection, client::LocalStore& store,
                   client::MessageRecorder& recorder, client::ColleagueDirectory& colleagues,
                   QWidget* parent)
    : QWidget(parent),
      connection_(connection),
      store_(store),
      recorder_(recorder),
      colleagues_(colleagues),
      conversations_(store, recorder) {
    setObjectName(QStringLiteral("chatView"));
    auto* layout = new QHBoxLayout(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(splitter);

    auto* left = new QWidget(splitter);
    auto* left_layout = new QVBoxLayout(left);
    left_layout->setContentsMargins(0, 0, 0, 0);
    auto* new_conversation = new QPushButton(tr("&New conversation…"), left);
    new_conversation->setObjectName(QStringLiteral("newConversationButton"));
    new_conversation->setAccessibleName(tr("Start a new conversation"));
    conversation_list_ = new QListView(left);
    conversation_list_->setObjectName(QStringLiteral("conversationList"));
    conversation_list_->setAccessibleName(tr("Your conversations"));
    conversation_list_->setModel(&conversations_);
    conversation_list_->setItemDelegate(new ConversationDelegate(conversation_list_));
    conversation_list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    left_layout->addWidget(new_conversation);
    left_layout->addWidget(conversation_list_, 1);

    auto* right = new QWidget(splitter);
    auto* right_layout = new QVBoxLayout(right);
    right_layout->setContentsMargins(0, 0, 0, 0);
    title_ = new QLabel(tr("Choose a conversation, or start a new one."), right);
    title_->setObjectName(QStringLiteral("conversationTitle"));
    QFont title_font = title_->font();
    title_font.setBold(true);
    title_->setFont(title_font);
    members_line_ = new QLabel(right);
    members_line_->setObjectName(QStringLiteral("conversationMembers"));
    members_line_->setAccessibleName(tr("Members of the conversation"));
    members_line_->setWordWrap(true);
    members_button_ = new QPushButton(tr("M&embers…"), right);
    members_button_->setObjectName(QStringLiteral("conversationMembersButton"));
    members_button_->setAccessibleName(tr("Show the members of the conversation"));
    members_button_->setEnabled(false);
    receipts_ = new QPushButton(tr("Rece&ipts…"), right);
    receipts_->setObjectName(QStringLiteral("messageReceiptsButton"));
    receipts_->setAccessibleName(
        tr("Show who received, read and acknowledged the selected message"));
    receipts_->setToolTip(tr("Who received, read and acknowledged the selected message"));
    receipts_->setEnabled(false);
    message_list_ = new QListView(right);
    message_list_->setObjectName(QStringLiteral("messageList"));
    message_list_->setAccessibleName(tr("Messages"));
    message_list_->setItemDelegate(new MessageDelegate(message_list_));
    message_list_->setWordWrap(true);
    message_list_->setUniformItemSizes(false);
    message_list_->setSpacing(3);
    message_list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    message_list_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    message_proxy_ = new OlderPagesOnScrollProxy(this);
    message_list_->setModel(message_proxy_);
    acknowledge_ = new QPushButton(tr("&Acknowledge"), right);
    acknowledge_->setObjectName(QStringLiteral("acknowledgeButton"));
    acknowledge_->setAccessibleName(tr("Acknowledge the urgent or critical message"));
    acknowledge_->setEnabled(false);
    retry_ = new QPushButton(tr("&Retry"), right);
    retry_->setObjectName(QStringLiteral("retrySendButton"));
    retry_->setAccessibleName(tr("Send the selected failed message again"));
    retry_->setEnabled(false);
    discard_ = new QPushButton(tr("&Discard"), right);
    discard_->setObjectName(QStringLiteral("discardSendButton"));
    discard_->setAccessibleName(tr("Discard the selected failed message"));
    discard_->setEnabled(false);
    recall_ = new QPushButton(tr("Re&call"), right);
    recall_->setObjectName(QStringLiteral("recallButton"));
    recall_->setAccessibleName(tr("Recall the selected message you sent"));
    recall_->setToolTip(tr("Removes your message from everyone's view, shortly after sending"));
    recall_->setEnabled(false);
    status_ = new QLabel(right);
    status_->setObjectName(QStringLiteral("chatStatus"));
    status_->setWordWrap(true);
    composer_ = new MessageComposer(connection_, right);
    composer_->setEnabled(false);
    auto* ack_row = new QHBoxLayout;
    ack_row->addWidget(status_, 1);
    ack_row->addWidget(receipts_);
    ack_row->addWidget(retry_);
    ack_row->addWidget(discard_);
    ack_row->addWidget(recall_);
    ack_row->addWidget(acknowledge_);
    auto* header = new QHBoxLayout;
    auto* heading = new QVBoxLayout;
    heading->addWidget(title_);
    heading->addWidget(members_line_);
    header->addLayout(heading, 1);
    header->addWidget(members_button_, 0, Qt::AlignTop);
    right_layout->addLayout(header);
    right_layout->addWidget(message_list_, 1);
    right_layout->addLayout(ack_row);
    right_layout->addWidget(composer_);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 3);

    connect(new_conversation, &QPushButton::clicked, this, &ChatView::start_new_conversation);
    connect(conversation_list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                show_conversation(current.data(client::ConversationListModel::IdRole).toString());
            });
    connect(composer_, &MessageComposer::sendRequested, this, &ChatView::send);
    connect(acknowledge_, &QPushButton::clicked, this, [this] {
        const int row = acknowledge_target();
        if (row < 0 || !messages_) return;
        const qint64 seq = messages_->index(row).data(Messages::SeqRole).toLongLong();
        acknowledge_->setEnabled(false);
        QPointer<ChatView> self(this);
        recorder_.acknowledge(
            messages_->conversation_id(), seq, [self](const client::OperationResult& r) {
                if (!self) return;
                if (!r.ok)
                    self->status_->setText(
                        tr("Not acknowledged: %1").arg(admin_message_for(r.error_code, {})));
                self->update_acknowledge();
            });
    });
    connect(retry_, &QPushButton::clicked, this, [this] {
        const QString id = selected_failed_message();
        if (!id.isEmpty() && recorder_.retry_send(id)) status_->setText(tr("Sending…"));
        update_queued_actions();
    });
    connect(recall_, &QPushButton::clicked, this, [this] {
        const qint64 seq = selected_recallable();
        if (seq <= 0 || !messages_) return;
        recall_->setEnabled(false);
        QPointer<ChatView> self(this);
        recorder_.recall(
            messages_->conversation_id(), seq, [self](const client::OperationResult& r) {
                if (!self) return;
                if (r.ok)
                    self->status_->setText(tr("Recalled."));
                else if (r.error_code == QLatin1String("conflict"))
                    self->status_->setText(tr("Not recalled: it was sent too long ago."));
                else
                    self->status_->setText(
                        tr("Not recalled: %1").arg(admin_message_for(r.error_code, {})));
                self->update_queued_actions();
            });
    });
    connect(discard_, &QPushButton::clicked, this, [this] {
        const QString id = selected_failed_message();
        if (!id.isEmpty()) recorder_.discard_send(id);
        status_->clear();
        update_queued_actions();
    });
    connect(receipts_, &QPushButton::clicked, this, &ChatView::show_receipts);
    connect(members_button_, &QPushButton::clicked, this, &ChatView::show_members);
    // The same from the message list's context menu (the menu key, Shift+F10 or a right click).
    auto* receipts_action = new QAction(tr("Receipts…"), message_list_);
    receipts_action->setObjectName(QStringLiteral("messageReceiptsAction"));
    connect(receipts_action, &QAction::triggered, this, &ChatView::show_receipts);
    message_list_->addAction(receipts_action);
    message_list_->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(message_list_->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &ChatView::load_older_if_at_top);
    composer_->load_templates();
}

ChatView::~ChatView() {
    message_list_->setModel(nullptr);
}

QString ChatView::open_conversation_id() const {
    return messages_ ? messages_->conversation_id() : QString();
}

void ChatView::open(const QString& conversation_id) {
    const int row = conversations_.row_of(conversation_id);
    if (row >= 0)
        conversation_list_->setCurrentIndex(conversations_.index(row));
    else
        show_conversation(conversation_id);
}

void ChatView::show_conversation(const QString& conversation_id) {
    if (conversation_id.isEmpty() || conversation_id == open_conversation_id()) return;
    message_proxy_->setSourceModel(nullptr);
    messages_ =
        std::make_unique<client::MessageListModel>(store_, recorder_, colleagues_, conversation_id);
    message_proxy_->setSourceModel(messages_.get());
    const int row = conversations_.row_of(conversation_id);
    title_->setText(row >= 0 ? conversations_.index(row).data(Qt::DisplayRole).toString()
                             : tr("Conversation"));
    status_->clear();
    members_ = std::make_unique<client::MemberReceiptsModel>(connection_, recorder_, colleagues_,
                                                             conversation_id);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(members_.get(), signal, this, &ChatView::update_members_line);
    connect(members_.get(), &QAbstractItemModel::dataChanged, this, &ChatView::update_members_line);
    connect(members_.get(), &QAbstractItemModel::modelReset, this, &ChatView::update_members_line);
    update_members_line();
    members_button_->setEnabled(true);
    composer_->setEnabled(!sending_held_);
    connect(messages_.get(), &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int) {
                if (first > 0 && first == messages_->rowCount() - 1) {
                    message_list_->scrollToBottom();
                    mark_read_if_shown();
                }
                update_acknowledge();
            });
    connect(messages_.get(), &QAbstractItemModel::dataChanged, this, &ChatView::update_acknowledge);
    connect(messages_.get(), &QAbstractItemModel::dataChanged, this,
            &ChatView::update_queued_actions);
    connect(messages_.get(), &QAbstractItemModel::rowsRemoved, this,
            &ChatView::update_queued_actions);
    connect(message_list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ChatView::update_acknowledge, Qt::UniqueConnection);
    connect(message_list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ChatView::update_queued_actions, Qt::UniqueConnection);
    message_list_->scrollToBottom();
    update_acknowledge();
    recorder_.mark_read(conversation_id);
}

void ChatView::mark_read_if_shown() {
    if (messages_ && isVisible()) recorder_.mark_read(messages_->conversation_id());
}

void ChatView::load_older_if_at_top() {
    auto* bar = message_list_->verticalScrollBar();
    if (!messages_ || bar->value() != bar->minimum() || !messages_->canFetchMore({})) return;
    const int before = bar->maximum();
    messages_->fetchMore({});
    bar->setValue(bar->maximum() - before);  // keep the message the user was reading in place
}

int ChatView::acknowledge_target() const {
    if (!messages_) return -1;
    const QModelIndex current = message_list_->currentIndex();
    if (current.isValid() && current.data(Messages::NeedsAcknowledgementRole).toBool())
        return current.row();
    for (int row = messages_->rowCount() - 1; row >= 0; --row)
        if (messages_->index(row).data(Messages::NeedsAcknowledgementRole).toBool()) return row;
    return -1;
}

void ChatView::update_acknowledge() {
    acknowledge_->setEnabled(acknowledge_target() >= 0);
}

QString ChatView::selected_failed_message() const {
    if (!messages_) return {};
    const QModelIndex current = message_list_->currentIndex();
    if (!current.isValid() ||
        current.data(Messages::StateRole).toString() != QLatin1String("failed"))
        return {};
    return current.data(Messages::ClientMsgIdRole).toString();
}

qint64 ChatView::selected_stored() const {
    if (!messages_) return 0;
    const QModelIndex current = message_list_->currentIndex();
    if (!current.isValid() || current.data(Messages::QueuedRole).toBool()) return 0;
    return current.data(Messages::SeqRole).toLongLong();
}

void ChatView::update_members_line() {
    if (!members_) {
        members_line_->clear();
        return;
    }
    constexpr int shown = 6;
    QStringList names;
    const int n = members_->rowCount();
    for (int row = 0; row < std::min(n, shown); ++row) {
        const QModelIndex i = members_->index(row, client::MemberReceiptsModel::NameColumn);
        const QString role = i.data(client::MemberReceiptsModel::ConversationRoleRole).toString();
        QString name = i.data(Qt::DisplayRole).toString();
        if (role == QLatin1String("owner")) name += tr(" (owner)");
        if (role == QLatin1String("read_only")) name += tr(" (reads only)");
        names << name;
    }
    if (n == 0) {
        members_line_->setText(
            members_->error().isEmpty() ? QString() : receipts_refusal_text(members_->error()));
        return;
    }
    QString text =
        (n == 1 ? tr("1 member: ") : tr("%1 members: ").arg(n)) + names.join(QStringLiteral(", "));
    if (n > shown) text += tr(" and %1 more").arg(n - shown);
    members_line_->setText(text);
}

QString ChatView::members_text() const {
    return members_line_->text();
}

MemberReceiptsDialog* ChatView::show_receipts() {
    const qint64 seq = selected_stored();
    if (seq <= 0 || !messages_) return nullptr;
    const QModelIndex current = message_list_->currentIndex();
    const QDateTime time = current.data(Messages::TimeRole).toDateTime();
    const QString at = QLocale().toString(time, QLocale::ShortFormat);
    QString heading = current.data(Messages::OwnRole).toBool()
                          ? tr("Your message of %1").arg(at)
                          : tr("Message from %1 of %2")
                                .arg(current.data(Messages::SenderNameRole).toString(), at);
    const QString priority = current.data(Messages::PriorityRole).toString();
    if (priority == QLatin1String("critical")) heading += tr(" · CRITICAL");
    if (priority == QLatin1String("urgent")) heading += tr(" · URGENT");
    auto* dialog = new MemberReceiptsDialog(connection_, recorder_, colleagues_,
                                            messages_->conversation_id(), seq, heading, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

MemberReceiptsDialog* ChatView::show_members() {
    if (!messages_) return nullptr;
    auto* dialog =
        new MemberReceiptsDialog(connection_, recorder_, colleagues_, messages_->conversation_id(),
                                 0, tr("Members of %1").arg(title_->text()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

qint64 ChatView::selected_recallable() const {
    if (!messages_) return 0;
    const QModelIndex current = message_list_->currentIndex();
    if (!current.isValid() || !current.data(Messages::OwnRole).toBool() ||
        current.data(Messages::QueuedRole).toBool() ||
        current.data(Messages::RecalledRole).toBool())
        return 0;
    return current.data(Messages::SeqRole).toLongLong();
}

void ChatView::update_queued_actions() {
    const bool failed = !selected_failed_message().isEmpty();
    retry_->setEnabled(failed);
    discard_->setEnabled(failed);
    recall_->setEnabled(selected_recallable() > 0 && !sending_held_);
    const bool stored = selected_stored() > 0;
    receipts_->setEnabled(stored);
    for (QAction* a : message_list_->actions()) a->setEnabled(stored);
}

void ChatView::hold_sending(bool held) {
    sending_held_ = held;
    composer_->setEnabled(messages_ != nullptr && !held);
    update_queued_actions();
}

void ChatView::send(const QString& text, const QString& priority) {
    if (!messages_ || sending_held_) return;
    const QString conversation_id = messages_->conversation_id();
    composer_->clear();
    QPointer<ChatView> self(this);
    // Queued at once and shown as sending in the list; the status line only tells of a
    // refusal.
    recorder_.send(conversation_id, text, priority, [self, text](const client::OperationResult& r) {
        if (!self || r.ok || r.error_code == QLatin1String("discarded")) return;
        if (self->messages_ && self->messages_->row_of_queued(r.client_msg_id) >= 0) {
            // Kept in the list as failed: Retry or Discard there.
            self->status_->setText(tr("Not sent: %1").arg(client::send_failure_text(r.error_code)));
            return;
        }
        // Refused before it was queued: the text goes back into the composer if still empty.
        if (self->composer_->text().isEmpty()) self->composer_->editor()->setPlainText(text);
        self->status_->setText(tr("Not sent: %1").arg(admin_message_for(r.error_code, {})));
    });
}

QString ChatView::status() const {
    return status_->text();
}

void ChatView::opened(const client::OperationResult& r) {
    if (!r.ok) {
        status_->setText(
            tr("The conversation could not be opened: %1")
                .arg(r.error_code == QLatin1String("bad_request") && !r.error_message.isEmpty()
                         ? r.error_message
                         : admin_message_for(r.error_code, {})));
        return;
    }
    status_->clear();
    open(r.conversation_id);
}

void ChatView::open_direct(const QString& user_id) {
    if (user_id.isEmpty()) return;
    status_->setText(tr("Opening the conversation…"));
    QPointer<ChatView> self(this);
    recorder_.start_direct(user_id, [self](const client::OperationResult& r) {
        if (self) self->opened(r);
    });
}

void ChatView::start_new_conversation() {
    auto* dialog = new NewConversationDialog(colleagues_, recorder_.user_id(), permissions_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<ChatView> self(this);
    connect(dialog, &QDialog::accepted, this, [self, dialog] {
        if (!self) return;
        if (dialog->kind() == QLatin1String("direct")) return self->open_direct(dialog->chosen());
        self->status_->setText(tr("Creating the conversation…"));
        self->recorder_.create(dialog->draft(), [self](const client::OperationResult& r) {
            if (self) self->opened(r);
        });
    });
    dialog->open();
}

}  // namespace wardline::app
