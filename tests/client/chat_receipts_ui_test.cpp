// SPDX-License-Identifier: Apache-2.0
// The chat's members line, Members… and Receipts… (docs/client.md, "Members and receipts")
// through the widgets of two windows against a real server, PostgreSQL and TLS on the
// offscreen platform: the sender selects her critical message with the keyboard and opens its
// receipts with the button's mnemonic; the table shows the recipient delivered, read and
// acknowledged, in words, and follows the conversation live. A queued message or no selection
// offers no receipts; every control of the dialog has an accessible name.
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/member_receipts_dialog.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "tests/client/app_window_driver.hpp"
#include "tests/client/operation_waits.hpp"

#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPointer>
#include <QTableView>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;
using client::MemberReceiptsModel;
using client::MessageListModel;

class ClientChatReceiptsUi : public AppWindowTest {};

QVariant cell(MemberReceiptsModel& m, const TestUser& user, int column,
              int role = Qt::DisplayRole) {
    const int row = m.row_of(QString::fromStdString(user.id));
    return row < 0 ? QVariant() : m.index(row, column).data(role);
}

TEST_F(ClientChatReceiptsUi, TheSenderOpensAMessagesReceiptsFromTheKeyboardAndSeesThemLive) {
    start();
    create_org("General");
    TestUser alice = enroll("General", "alice.physician", "physician");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    auto wa = open_window();
    sign_in_with_recovery(*wa, alice, 0);
    auto wb = open_window();
    sign_in_with_recovery(*wb, bob, 0);
    auto* chat_a = wa->shell()->chat();
    auto* chat_b = wb->shell()->chat();
    auto& engine_b = wb->shell()->engine();
    ASSERT_TRUE(qt_wait_for([&] { return ready_for_peers(engine_b); }, 20s));

    // Before any conversation: nothing to show.
    EXPECT_FALSE(find<QPushButton>(chat_a, "conversationMembersButton")->isEnabled());
    EXPECT_FALSE(find<QPushButton>(chat_a, "messageReceiptsButton")->isEnabled());
    EXPECT_EQ(chat_a->show_members(), nullptr);
    EXPECT_EQ(chat_a->show_receipts(), nullptr);

    chat_a->open_direct(QString::fromStdString(bob.id));
    ASSERT_TRUE(qt_wait_for([&] { return !chat_a->open_conversation_id().isEmpty(); }, 20s))
        << chat_a->status().toStdString();
    const QString conv = chat_a->open_conversation_id();
    ASSERT_TRUE(qt_wait_for([&] { return chat_a->members_text().startsWith("2 members: "); }))
        << chat_a->members_text().toStdString();
    EXPECT_TRUE(chat_a->members_text().contains("Test bob.nurse"));
    EXPECT_TRUE(chat_a->members_text().contains("Test alice.physician"));

    // A critical message, typed and sent with Enter.
    find<QComboBox>(chat_a, "priorityPicker")->setCurrentIndex(2);
    auto* editor = find<QPlainTextEdit>(chat_a, "composerField");
    editor->setFocus();
    QTest::keyClicks(editor, "Troponin rising, please review");
    QTest::keyClick(editor, Qt::Key_Return);
    ASSERT_TRUE(qt_wait_for([&] { return chat_a->messages()->stored_count() == 1; }, 20s));

    // Alice selects it with the keyboard and opens its receipts with Alt+I.
    wa->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(wa.get()));
    auto* list = find<QListView>(chat_a, "messageList");
    list->setFocus();
    list->setCurrentIndex({});
    EXPECT_FALSE(find<QPushButton>(chat_a, "messageReceiptsButton")->isEnabled())
        << "no message selected";
    QTest::keyClick(list, Qt::Key_End);
    ASSERT_TRUE(list->currentIndex().isValid());
    auto* receipts_button = find<QPushButton>(chat_a, "messageReceiptsButton");
    ASSERT_TRUE(receipts_button->isEnabled());
    EXPECT_NE(receipts_button->focusPolicy(), Qt::NoFocus) << "reachable with Tab as well";
    auto* action = list->findChild<QAction*>("messageReceiptsAction");
    ASSERT_NE(action, nullptr) << "offered in the list's context menu too";
    EXPECT_TRUE(action->isEnabled());
    QTest::keyClick(wa.get(), Qt::Key_I, Qt::AltModifier);
    app::MemberReceiptsDialog* dialog = nullptr;
    ASSERT_TRUE(qt_wait_for([&] {
        dialog = chat_a->findChild<app::MemberReceiptsDialog*>();
        return dialog != nullptr && dialog->isVisible();
    })) << "Alt+I did not open the receipts";
    auto& model = dialog->model();
    EXPECT_EQ(model.message(), chat_a->messages()->index(0).data(MessageListModel::SeqRole));
    EXPECT_TRUE(
        find<QLabel>(dialog, "memberReceiptsHeading")->text().startsWith("Your message of"));
    EXPECT_TRUE(find<QLabel>(dialog, "memberReceiptsHeading")->text().endsWith("CRITICAL"));
    EXPECT_FALSE(find<QLabel>(dialog, "memberReceiptsHeading")->text().contains("Troponin"))
        << "the message's text is not repeated";
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return model.loaded() && model.rowCount() == 2 &&
                   cell(model, bob, MemberReceiptsModel::DeliveredColumn) == "Delivered";
        },
        20s))
        << dialog->summary().toStdString();
    EXPECT_EQ(cell(model, alice, MemberReceiptsModel::DeliveredColumn), "Sent it");
    EXPECT_EQ(cell(model, bob, MemberReceiptsModel::ReadColumn), "Not yet");
    EXPECT_EQ(cell(model, bob, MemberReceiptsModel::AcknowledgedColumn), "Not yet");
    ASSERT_TRUE(qt_wait_for([&] {
        return dialog->summary() == "Delivered to 1 of 1 · read by 0 · acknowledged by 0 of 1";
    })) << dialog->summary().toStdString();
    expect_named(dialog, "receipts dialog", 3);
    auto* table = find<QTableView>(dialog, "memberReceiptsTable");
    EXPECT_FALSE(table->isColumnHidden(MemberReceiptsModel::AcknowledgedColumn));

    // Bob opens the conversation (read) and acknowledges: Alice's open table follows.
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->conversations().row_of(conv) >= 0; }, 20s));
    chat_b->open(conv);
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->messages()->rowCount() == 1; }, 20s));
    auto* ack = find<QPushButton>(chat_b, "acknowledgeButton");
    ASSERT_TRUE(qt_wait_for([&] { return ack->isEnabled(); }));
    click(chat_b, "acknowledgeButton");
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return dialog->summary() == "Delivered to 1 of 1 · read by 1 · acknowledged by 1 of 1";
        },
        20s))
        << dialog->summary().toStdString();
    EXPECT_EQ(cell(model, bob, MemberReceiptsModel::ReadColumn), "Read");
    EXPECT_TRUE(
        cell(model, bob, MemberReceiptsModel::AcknowledgedColumn).toString().startsWith("At "));
    EXPECT_TRUE(cell(model, bob, MemberReceiptsModel::NameColumn, Qt::AccessibleTextRole)
                    .toString()
                    .contains("delivered, read, acknowledged at"));
    snapshot(wa.get(), "chat-receipts");
    QPointer<app::MemberReceiptsDialog> open_dialog(dialog);
    QTest::keyClick(dialog, Qt::Key_Escape);
    EXPECT_TRUE(!open_dialog || !open_dialog->isVisible()) << "Escape closes the dialog";
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    EXPECT_TRUE(open_dialog.isNull()) << "and it is deleted";

    // Members…: the members only, without receipt columns.
    click(chat_a, "conversationMembersButton");
    auto* members = chat_a->findChild<app::MemberReceiptsDialog*>();
    ASSERT_NE(members, nullptr);
    ASSERT_TRUE(
        qt_wait_for([&] { return members->model().loaded() && members->model().rowCount() == 2; }));
    EXPECT_EQ(members->summary(), "2 members");
    auto* members_table = find<QTableView>(members, "memberReceiptsTable");
    EXPECT_TRUE(members_table->isColumnHidden(MemberReceiptsModel::ReadColumn));
    EXPECT_FALSE(members_table->isColumnHidden(MemberReceiptsModel::RoleColumn));
    members->reject();

    // The recipient may open the receipts of Alice's message as well (a member of it).
    auto* list_b = find<QListView>(chat_b, "messageList");
    list_b->setCurrentIndex(list_b->model()->index(0, 0));
    auto* seen_by_bob = chat_b->show_receipts();
    ASSERT_NE(seen_by_bob, nullptr);
    EXPECT_TRUE(find<QLabel>(seen_by_bob, "memberReceiptsHeading")
                    ->text()
                    .startsWith("Message from Test alice.physician"));
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return seen_by_bob->model().loaded() &&
                   cell(seen_by_bob->model(), bob, MemberReceiptsModel::ReadColumn) == "Read";
        },
        20s))
        << seen_by_bob->summary().toStdString();
    seen_by_bob->reject();
}

}  // namespace
}  // namespace wardline::test
