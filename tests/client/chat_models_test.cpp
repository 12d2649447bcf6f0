// SPDX-License-Identifier: Apache-2.0
// The chat's headless parts (docs/client.md, "Chat views") against a real wardline-server,
// real TLS and real PostgreSQL: two signed-in client installations, each with its MLS engine,
// its own sealed local store, the MessageRecorder keeping the store in step, and the
// ConversationListModel and MessageListModel over it, every model watched by Qt's
// QAbstractItemModelTester. A message goes from one side's engine into the other side's
// models; unread counts, read receipts, acknowledgement badges and recalls follow the server.
// Bad input: malformed events, acknowledgements the server refuses, local refusals.
#include "tests/client/chat_installation.hpp"
#include "tests/client/store_test_support.hpp"

#include <QJsonArray>

#include <sodium.h>

#include <limits>

namespace wardline::test {
namespace {

using client::OperationResult;

QVariant last(const MessageModel& m, int role) {
    return m.rowCount() == 0 ? QVariant() : m.index(m.rowCount() - 1).data(role);
}

class MessageListModel : public ChatFixture {};
class ConversationListModel : public ChatFixture {};
class MessageRecorder : public ChatFixture {};

TEST_F(MessageListModel, AMessageShowsUnreadOnTheOtherSideThenReadOnBothSides) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    ASSERT_TRUE(qt_wait_for([&] { return bob.row(conv) >= 0 && alice.row(conv) >= 0; }));
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::TitleRole).toString(),
              "Test alice.physician")
        << "a direct conversation without a title is named after the other member";
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::UnreadRole).toLongLong(), 0);
    auto& alice_view = alice.messages(conv);
    auto& bob_view = bob.messages(conv);
    EXPECT_EQ(bob_view.rowCount(), 0);

    const QString text = QStringLiteral("BP 90/60 in bed 12, please review");
    const auto sent = finish([&](auto done) { alice.recorder->send(conv, text, "routine", done); });
    ASSERT_TRUE(sent.ok) << sent.error_code.toStdString();
    ASSERT_EQ(alice_view.rowCount(), 1) << "the sender's own message is stored and shown";
    EXPECT_TRUE(last(alice_view, MessageModel::OwnRole).toBool());
    EXPECT_EQ(last(alice_view, MessageModel::BodyRole).toString(), text);
    EXPECT_EQ(last(alice_view, MessageModel::ReadCountRole).toInt(), 0);

    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 1; })) << "bob never got it";
    EXPECT_EQ(last(bob_view, MessageModel::BodyRole).toString(), text);
    EXPECT_EQ(last(bob_view, MessageModel::SeqRole).toLongLong(), sent.seq);
    EXPECT_FALSE(last(bob_view, MessageModel::OwnRole).toBool());
    EXPECT_EQ(last(bob_view, MessageModel::SenderNameRole).toString(), "Test alice.physician");
    EXPECT_EQ(last(bob_view, MessageModel::PriorityRole).toString(), "routine");
    EXPECT_FALSE(last(bob_view, MessageModel::NeedsAcknowledgementRole).toBool());
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.conversation_data(conv, ConversationModel::UnreadRole).toLongLong() == 1;
    })) << "bob's unread count goes to 1";
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong(), 0);
    EXPECT_FALSE(files_contain(bob.directory.path(), text.toUtf8()))
        << "the body is sealed in the local store";

    // Bob opens the conversation: messages.read, his unread count goes back to 0, and the
    // sender's view shows the message delivered and read.
    bob.recorder->mark_read(conv);
    EXPECT_TRUE(qt_wait_for([&] {
        return bob.conversation_data(conv, ConversationModel::UnreadRole).toLongLong() == 0;
    }));
    EXPECT_TRUE(qt_wait_for([&] {
        return last(alice_view, MessageModel::ReadCountRole).toInt() == 1 &&
               last(alice_view, MessageModel::DeliveredCountRole).toInt() == 1;
    })) << "alice never saw the read receipt";
    EXPECT_EQ(count("SELECT count(*) FROM conversation_members WHERE conversation_id = '" +
                    conv.toStdString() + "' AND user_id = '" + bob_user.id +
                    "' AND read_seq >= " + std::to_string(sent.seq)),
              1);
}

TEST_F(ConversationListModel, ACriticalMessageShowsABadgeUntilTheRecipientAcknowledgesIt) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& alice_view = alice.messages(conv);
    auto& bob_view = bob.messages(conv);

    const auto routine = finish(
        [&](auto done) { alice.recorder->send(conv, "Lunch round at 12", "routine", done); });
    const auto critical = finish([&](auto done) {
        alice.recorder->send(conv, "Code blue, ward 3 bed 7", "critical", done);
    });
    ASSERT_TRUE(routine.ok && critical.ok);
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 2; }));
    EXPECT_EQ(last(bob_view, MessageModel::PriorityRole).toString(), "critical");
    EXPECT_TRUE(last(bob_view, MessageModel::NeedsAcknowledgementRole).toBool());
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong() == 1;
    }));
    EXPECT_TRUE(bob.conversation_data(conv, Qt::AccessibleTextRole)
                    .toString()
                    .contains("urgent awaiting acknowledgement"));
    EXPECT_FALSE(last(alice_view, MessageModel::NeedsAcknowledgementRole).toBool())
        << "the sender is never asked to acknowledge her own message";

    // Refused: the sender acknowledging her own message, a routine message, a seq that does
    // not exist. Nothing changes on either side.
    auto r = finish([&](auto done) { alice.recorder->acknowledge(conv, critical.seq, done); });
    EXPECT_EQ(r.error_code, "forbidden");
    r = finish([&](auto done) { bob.recorder->acknowledge(conv, routine.seq, done); });
    EXPECT_EQ(r.error_code, "bad_request");
    r = finish([&](auto done) { bob.recorder->acknowledge(conv, 9999, done); });
    EXPECT_EQ(r.error_code, "not_found") << "a seq beyond the stream";
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong(), 1);
    EXPECT_FALSE(last(alice_view, MessageModel::AcknowledgedRole).toBool());

    r = finish([&](auto done) { bob.recorder->acknowledge(conv, critical.seq, done); });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString();
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong(), 0);
    EXPECT_FALSE(last(bob_view, MessageModel::NeedsAcknowledgementRole).toBool());
    EXPECT_TRUE(last(bob_view, MessageModel::AcknowledgedRole).toBool());
    EXPECT_TRUE(qt_wait_for([&] {
        return last(alice_view, MessageModel::AcknowledgedRole).toBool();
    })) << "alice never saw the acknowledgement";
    EXPECT_EQ(last(alice_view, MessageModel::AcknowledgedCountRole).toInt(), 1);
    // A repeat is answered as a duplicate and counted once.
    r = finish([&](auto done) { bob.recorder->acknowledge(conv, critical.seq, done); });
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(last(bob_view, MessageModel::AcknowledgedCountRole).toInt(), 1);
}

TEST_F(ConversationListModel, TheConversationWithTheNewestMessageMovesToTheTop) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString with_bob = direct(alice, bob, bob_user);
    ASSERT_TRUE(finish([&](auto done) { alice.recorder->send(with_bob, "one", "", done); }).ok);
    const QString with_carol = direct(alice, carol, carol_user);
    ASSERT_TRUE(finish([&](auto done) { alice.recorder->send(with_carol, "two", "", done); }).ok);
    ASSERT_TRUE(qt_wait_for([&] { return alice.conversations->rowCount() == 2; }));
    EXPECT_EQ(alice.row(with_carol), 0);
    EXPECT_EQ(alice.row(with_bob), 1);
    ASSERT_TRUE(qt_wait_for([&] { return bob.row(with_bob) == 0; }));
    ASSERT_TRUE(finish([&](auto done) { bob.recorder->send(with_bob, "three", "", done); }).ok);
    EXPECT_TRUE(qt_wait_for([&] { return alice.row(with_bob) == 0; }))
        << "bob's answer moves his conversation up";
    EXPECT_EQ(alice.row(with_carol), 1);
    EXPECT_EQ(alice.conversation_data(with_bob, ConversationModel::UnreadRole).toLongLong(), 1);
    EXPECT_EQ(alice.conversation_data(with_carol, ConversationModel::UnreadRole).toLongLong(), 0);
}

TEST_F(MessageRecorder, ARecalledMessageLosesItsBodyOnTheOtherSide) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& bob_view = bob.messages(conv);
    const auto sent = finish([&](auto done) {
        alice.recorder->send(conv, "Wrong patient: ignore the dose change", "urgent", done);
    });
    ASSERT_TRUE(sent.ok);
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 1; }));
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong() == 1;
    }));

    bool recalled = false;
    alice.connection->request("messages.recall",
                              {{"conversation_id", conv}, {"seq", qint64{sent.seq}}},
                              [&](const client::ServerResponse& r) { recalled = r.ok; });
    ASSERT_TRUE(qt_wait_for([&] { return recalled; }));
    ASSERT_TRUE(qt_wait_for([&] { return last(bob_view, MessageModel::RecalledRole).toBool(); }));
    EXPECT_TRUE(last(bob_view, MessageModel::BodyRole).toString().isEmpty());
    EXPECT_FALSE(last(bob_view, MessageModel::NeedsAcknowledgementRole).toBool());
    const auto stored = bob.store->message(conv, sent.seq);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->state, client::MessageState::recalled);
    EXPECT_TRUE(stored->body.isEmpty());
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::BadgeRole).toLongLong(), 0);
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::UnreadRole).toLongLong(), 0);
}

TEST_F(MessageRecorder, MessagesTheServersRetentionDeletedLeaveTheLocalStoreAndTheView) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& bob_view = bob.messages(conv);
    std::vector<qint64> seqs;
    for (const char* text : {"old: obs due", "old: obs done", "today: handover"}) {
        const auto sent = finish([&](auto done) { alice.recorder->send(conv, text, "routine", done); });
        ASSERT_TRUE(sent.ok) << sent.error_code.toStdString();
        seqs.push_back(sent.seq);
    }
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 3; }));
    // Bob acknowledges nothing; the first two become 40 days old under a 30-day policy.
    auto db = owner();
    db.exec("UPDATE messages SET created_at = now() - interval '40 days' WHERE conversation_id = '" +
            conv.toStdString() + "' AND seq <= " + std::to_string(seqs[1]));
    db.exec("INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT org_id, "
            "'organization', 30, id FROM users WHERE id = '" + alice_user.id + "'");
    const auto run = ctl("retention run");
    ASSERT_EQ(run.status, 0) << run.output;

    for (auto* side : {&alice, &bob}) {
        auto& view = side->messages(conv);
        ASSERT_TRUE(qt_wait_for([&] { return view.rowCount() == 1; })) << "the view kept them";
        EXPECT_EQ(view.data(view.index(0), MessageModel::SeqRole).toLongLong(), seqs[2]);
        EXPECT_EQ(view.data(view.index(0), MessageModel::BodyRole).toString(), "today: handover");
        EXPECT_FALSE(side->store->message(conv, seqs[0]).has_value());
        EXPECT_FALSE(side->store->message(conv, seqs[1]).has_value());
        EXPECT_TRUE(side->store->message(conv, seqs[2]).has_value());
    }
    EXPECT_GE(bob.row(conv), 0) << "the conversation stays listed";
    // A malformed order deletes nothing (the recorder validates before it touches the store).
    EXPECT_EQ(bob.store->expire_messages(conv, seqs[1]), 0) << "already gone";
    EXPECT_THROW(bob.store->expire_messages(conv, 0), client::LocalStoreError);
    EXPECT_THROW(bob.store->expire_messages(QString(), 5), client::LocalStoreError);
    EXPECT_TRUE(bob.store->message(conv, seqs[2]).has_value());
}

TEST_F(MessageRecorder, MalformedEventsAndBadRequestsChangeNothing) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& alice_view = alice.messages(conv);
    const auto sent =
        finish([&](auto done) { alice.recorder->send(conv, "Dressing changed", "urgent", done); });
    ASSERT_TRUE(sent.ok);
    const QString bob_id = QString::fromStdString(bob_user.id);

    // Events the server would never send: each is ignored.
    const QJsonObject bad[] = {
        {{"conversation_id", conv}, {"seq", qint64{sent.seq}}},  // no user_id
        {{"conversation_id", conv}, {"user_id", bob_id}, {"seq", -1}},
        {{"conversation_id", conv}, {"user_id", bob_id}, {"seq", 1.5}},
        {{"conversation_id", conv}, {"user_id", bob_id}, {"seq", "7"}},
        {{"conversation_id", conv}, {"user_id", bob_id}, {"seq", 1e300}},
        {{"conversation_id", QString(5000, 'x')}, {"user_id", bob_id}, {"seq", qint64{sent.seq}}},
        {{"conversation_id", 42}, {"user_id", bob_id}, {"seq", qint64{sent.seq}}},
        {{"user_id", bob_id}, {"seq", qint64{sent.seq}}},
    };
    for (const char* type : {"receipt.read", "receipt.delivered", "message.acknowledged",
                             "message.recalled", "message.escalated"})
        for (const auto& body : bad) {
            if (std::string_view(type) == "message.recalled" && &body == &bad[0])
                continue;  // a recall names no user: that one is a valid recall
            emit alice.connection->event(client::ServerEvent{type, {}, body});
        }
    emit alice.connection->event(client::ServerEvent{
        "message.escalated",
        {},
        {{"conversation_id", conv}, {"seq", qint64{sent.seq}}, {"status", "paged_everyone"}}});
    emit alice.connection->event(
        client::ServerEvent{"message.recalled", {}, {{"conversation_id", conv}, {"seq", 9999}}});
    ASSERT_EQ(alice_view.rowCount(), 1);
    EXPECT_EQ(last(alice_view, MessageModel::ReadCountRole).toInt(), 0);
    EXPECT_EQ(last(alice_view, MessageModel::AcknowledgedCountRole).toInt(), 0);
    EXPECT_FALSE(last(alice_view, MessageModel::RecalledRole).toBool());
    EXPECT_TRUE(last(alice_view, MessageModel::EscalationRole).toString().isEmpty());
    EXPECT_EQ(last(alice_view, MessageModel::BodyRole).toString(), "Dressing changed");

    // Refused on this side before anything goes out.
    EXPECT_EQ(
        finish([&](auto done) { alice.recorder->send(conv, "   ", "routine", done); }).error_code,
        "bad_request");
    EXPECT_EQ(
        finish([&](auto done) { alice.recorder->send(conv, "x", "emergency", done); }).error_code,
        "bad_request");
    EXPECT_EQ(finish([&](auto done) {
                  alice.recorder->start_direct(QString::fromStdString(alice_user.id), done);
              }).error_code,
              "bad_request");
    // Too long for the protocol: the engine refuses, nothing is stored.
    const auto huge = finish([&](auto done) {
        alice.recorder->send(conv, QString(40000, QLatin1Char('a')), "routine", done);
    });
    EXPECT_FALSE(huge.ok);
    EXPECT_EQ(alice_view.rowCount(), 1);
    // A conversation the user is not in: the server answers not_found, nothing is stored.
    const auto stranger = finish([&](auto done) {
        alice.recorder->send(conv.left(30) + "000000", "Hello", "routine", done);
    });
    EXPECT_FALSE(stranger.ok);
    EXPECT_EQ(alice.conversations->rowCount(), 1);
}

// Paging over a large conversation, without a server: the model reads the newest page first
// and older pages only when asked.
TEST(MessageListModelPaging, LoadsTheNewestPageFirstAndOlderPagesOnDemand) {
    QTemporaryDir dir;
    const auto key = client::LocalKey::generate();
    client::StoreAccount account{"localhost", "00000000-0000-0000-0000-00000000000a",
                                 "00000000-0000-0000-0000-0000000000d1"};
    client::LocalStore store(dir.path(), account, key);
    const QString conv = "00000000-0000-0000-0000-0000000000c1";
    store.upsert_conversation({conv, "group", "Ward 3", std::nullopt, 0, 0, 1});
    constexpr int total = 5000;
    std::vector<client::StoredMessage> all;
    for (int i = 1; i <= total; ++i)
        all.push_back({conv, i, "00000000-0000-0000-0000-00000000000b",
                       "00000000-0000-0000-0000-0000000000d2", QString::number(i), 1000 + i,
                       client::Priority::routine, client::MessageState::received,
                       QByteArray("message ") + QByteArray::number(i)});
    ASSERT_EQ(store.store_messages(all), total);

    client::ConnectionOptions o;
    o.url = QUrl("wss://localhost:1/v1/ws");
    client::ServerConnection connection(o);  // never opened
    client::DeviceIdentity identity;
    client::Session session(connection, identity);
    MemoryGroupStore groups;
    MemoryKeyPackageStore key_packages;
    client::GroupEngine engine(connection, session, identity, groups, key_packages);
    client::ColleagueDirectory colleagues(connection);
    client::MessageRecorder recorder(connection, engine, store, colleagues);
    MessageModel model(store, recorder, colleagues, conv);

    ASSERT_EQ(model.rowCount(), MessageModel::page_size);
    EXPECT_EQ(model.index(0).data(MessageModel::SeqRole).toLongLong(),
              total - MessageModel::page_size + 1);
    EXPECT_EQ(last(model, MessageModel::SeqRole).toLongLong(), total);
    EXPECT_EQ(last(model, MessageModel::BodyRole).toString(), "message 5000");
    ASSERT_TRUE(model.canFetchMore({}));
    model.fetchMore({});
    EXPECT_EQ(model.rowCount(), 2 * MessageModel::page_size);
    EXPECT_EQ(model.index(0).data(MessageModel::SeqRole).toLongLong(),
              total - 2 * MessageModel::page_size + 1);
    int pages = 2;
    while (model.canFetchMore({})) {
        model.fetchMore({});
        ++pages;
    }
    EXPECT_EQ(model.rowCount(), total);
    EXPECT_EQ(pages, total / MessageModel::page_size + 1) << "the last page finds the start";
    EXPECT_EQ(model.index(0).data(MessageModel::SeqRole).toLongLong(), 1);
    // (The tester calls fetchMore itself, as a view does, so it watches from here on.)
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    // A message stored later is appended in seq order.
    const client::StoredMessage next{conv,
                                     total + 1,
                                     "00000000-0000-0000-0000-00000000000b",
                                     "00000000-0000-0000-0000-0000000000d2",
                                     "n",
                                     9000,
                                     client::Priority::critical,
                                     client::MessageState::received,
                                     "next"};
    store.store_messages(std::span(&next, 1));
    emit recorder.messageAdded(conv, total + 1);
    EXPECT_EQ(model.rowCount(), total + 1);
    EXPECT_TRUE(last(model, MessageModel::NeedsAcknowledgementRole).toBool());
    emit recorder.messageAdded(conv, total + 1);  // twice: still once
    EXPECT_EQ(model.rowCount(), total + 1);
}

TEST_F(ConversationListModel, APatientThreadShowsItsPatientToTheMembersAndIsSealedInTheirStores) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser fran_user = enroll("General", "fran.desk", "front_desk");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& fran = install(fran_user);
    client::ConversationDraft draft;
    draft.kind = QStringLiteral("patient");
    draft.title = QStringLiteral("Sepsis watch");
    draft.members = {QString::fromStdString(bob_user.id)};
    draft.patient = {QStringLiteral("mrn-778 899"), QStringLiteral("Jane Roe"),
                     QStringLiteral("1948-03-02"), QStringLiteral("4 West"), QStringLiteral("12")};
    const auto created = finish([&](auto done) { alice.recorder->create(draft, done); });
    ASSERT_TRUE(created.ok) << created.error_code.toStdString();
    const QString conv = created.conversation_id;
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }, 20s));
    const QString expected = QStringLiteral("Jane Roe · MRN MRN778899 · 4 West, bed 12");
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.conversation_data(conv, ConversationModel::PatientRole).toString() == expected;
    })) << bob.conversation_data(conv, ConversationModel::PatientRole).toString().toStdString();
    EXPECT_EQ(alice.conversation_data(conv, ConversationModel::PatientRole).toString(), expected);
    EXPECT_TRUE(bob.conversation_data(conv, Qt::AccessibleTextRole).toString().contains(expected));
    EXPECT_EQ(bob.conversation_data(conv, ConversationModel::KindRole).toString(), "patient");

    const auto sent = finish([&](auto done) {
        alice.recorder->send(conv, QStringLiteral("Lactate 4.1"), "urgent", done);
    });
    ASSERT_TRUE(sent.ok) << sent.error_code.toStdString();
    auto& bob_view = bob.messages(conv);
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 1; }, 20s));
    EXPECT_EQ(last(bob_view, MessageModel::BodyRole).toString(), "Lactate 4.1");
    for (const char* secret : {"Jane Roe", "MRN778899", "1948-03-02"}) {
        EXPECT_FALSE(files_contain(bob.directory.path(), QByteArray(secret))) << secret;
        EXPECT_FALSE(files_contain(alice.directory.path(), QByteArray(secret))) << secret;
    }
    EXPECT_EQ(server().log().find("Jane Roe"), std::string::npos);

    // Front desk may create conversations but not patient threads: refused by the server,
    // nothing created. A draft with a bad date of birth is refused before anything is sent.
    const auto refused = finish([&](auto done) {
        client::ConversationDraft theirs = draft;
        theirs.members = {QString::fromStdString(alice_user.id)};
        fran.recorder->create(theirs, done);
    });
    EXPECT_FALSE(refused.ok);
    EXPECT_EQ(refused.error_code, "forbidden");
    draft.patient.date_of_birth = QStringLiteral("1948-13-40");
    const auto local = finish([&](auto done) { alice.recorder->create(draft, done); });
    EXPECT_EQ(local.error_code, "bad_request");
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE kind = 'patient'"), 1);
    EXPECT_EQ(fran.conversations->rowCount(), 0);
}

}  // namespace
}  // namespace wardline::test
