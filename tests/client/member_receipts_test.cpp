// SPDX-License-Identifier: Apache-2.0
// The members-with-receipts model (client::MemberReceiptsModel; docs/client.md, "Members and
// receipts") against a real wardline-server, real TLS and real PostgreSQL: four signed-in
// installations in one group; one member reads the sender's critical message, one
// acknowledges it, one does neither, and the model shows exactly that, live, on the sender's
// side and on a recipient's (whose local store does not know the others' acknowledgements:
// the model asks the server). A member removed later leaves the table. Refused from the side
// that must be refused: a user who is not a member, and the removed member afterwards.
// Malformed answers and events change nothing.
#include "client-qt/core/member_receipts_model.hpp"
#include "tests/client/chat_installation.hpp"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdlib>

namespace wardline::test {
namespace {

using Receipts = client::MemberReceiptsModel;

class MemberReceiptsModel : public ChatFixture {
protected:
    /// A model of `conversation` in `side`, watched by QAbstractItemModelTester.
    Receipts& receipts(ChatInstallation& side, const QString& conversation) {
        models_.push_back(std::make_unique<Receipts>(*side.connection, *side.recorder,
                                                     *side.colleagues, conversation));
        testers_.push_back(
            std::make_unique<Tester>(models_.back().get(), Tester::FailureReportingMode::Fatal));
        return *models_.back();
    }

    void TearDown() override {
        testers_.clear();
        models_.clear();
        ChatFixture::TearDown();
    }

    static QVariant cell(const Receipts& m, const TestUser& user, int role,
                         int column = Receipts::NameColumn) {
        const int row = m.row_of(QString::fromStdString(user.id));
        return row < 0 ? QVariant() : m.index(row, column).data(role);
    }
    static bool flag(const Receipts& m, const TestUser& user, int role) {
        return cell(m, user, role).toBool();
    }

    std::vector<std::unique_ptr<Receipts>> models_;
    std::vector<std::unique_ptr<Tester>> testers_;
};

TEST_F(MemberReceiptsModel, ShowsWhoReadWhoAcknowledgedAndWhoDidNeitherThenDropsARemovedMember) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    TestUser dan_user = enroll("General", "dan.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    auto& dan = install(dan_user);

    client::ConversationDraft draft;
    draft.kind = QStringLiteral("group");
    draft.title = QStringLiteral("Ward 3 handover");
    for (const auto* u : {&bob_user, &carol_user, &dan_user})
        draft.members << QString::fromStdString(u->id);
    const auto created = finish([&](auto done) { alice.recorder->create(draft, done); });
    ASSERT_TRUE(created.ok) << created.error_code.toStdString();
    const QString conv = created.conversation_id;
    for (auto* side : {&bob, &carol, &dan})
        ASSERT_TRUE(qt_wait_for([&] { return side->engine->has_group(conv); }, 20s));

    // The members before any message: names and roles, no receipts yet.
    auto& sender_view = receipts(alice, conv);
    ASSERT_TRUE(qt_wait_for([&] { return sender_view.loaded() && sender_view.rowCount() == 4; }))
        << sender_view.error().toStdString();
    EXPECT_EQ(cell(sender_view, alice_user, Receipts::ConversationRoleRole).toString(), "owner");
    EXPECT_EQ(cell(sender_view, bob_user, Receipts::ConversationRoleRole).toString(), "member");
    EXPECT_EQ(cell(sender_view, bob_user, Qt::DisplayRole).toString(), "Test bob.nurse");
    EXPECT_EQ(cell(sender_view, bob_user, Qt::DisplayRole, Receipts::RoleColumn).toString(),
              "Member");
    EXPECT_TRUE(
        cell(sender_view, bob_user, Qt::DisplayRole, Receipts::ReadColumn).toString().isEmpty())
        << "no message chosen: no receipt shown";

    const auto sent = finish([&](auto done) {
        alice.recorder->send(conv, QStringLiteral("K+ 6.8, repeat bloods now"), "critical", done);
    });
    ASSERT_TRUE(sent.ok) << sent.error_code.toStdString();
    sender_view.set_message(sent.seq);
    // Every recipient's engine takes the message in and reports it delivered.
    ASSERT_TRUE(qt_wait_for(
        [&] {
            return flag(sender_view, bob_user, Receipts::DeliveredRole) &&
                   flag(sender_view, carol_user, Receipts::DeliveredRole) &&
                   flag(sender_view, dan_user, Receipts::DeliveredRole);
        },
        20s))
        << "the delivery receipts never arrived";
    EXPECT_EQ(sender_view.priority(), "critical");
    EXPECT_TRUE(flag(sender_view, alice_user, Receipts::SenderRole));
    EXPECT_EQ(cell(sender_view, alice_user, Qt::DisplayRole, Receipts::DeliveredColumn).toString(),
              "Sent it");
    EXPECT_FALSE(flag(sender_view, bob_user, Receipts::ReadRole));

    // Bob reads, Carol acknowledges, Dan does neither: live, without asking the model again.
    for (auto* side : {&bob, &carol})
        ASSERT_TRUE(qt_wait_for([&] { return side->store->message(conv, sent.seq).has_value(); }));
    bob.recorder->mark_read(conv);
    ASSERT_TRUE(qt_wait_for([&] { return flag(sender_view, bob_user, Receipts::ReadRole); }, 20s));
    const auto acked =
        finish([&](auto done) { carol.recorder->acknowledge(conv, sent.seq, done); });
    ASSERT_TRUE(acked.ok) << acked.error_code.toStdString();
    ASSERT_TRUE(qt_wait_for(
        [&] { return flag(sender_view, carol_user, Receipts::AcknowledgedRole); }, 20s));
    ASSERT_TRUE(qt_wait_for([&] { return sender_view.loaded(); }));

    // Exactly that, and nothing else.
    EXPECT_TRUE(flag(sender_view, bob_user, Receipts::ReadRole));
    EXPECT_FALSE(flag(sender_view, bob_user, Receipts::AcknowledgedRole));
    EXPECT_FALSE(flag(sender_view, carol_user, Receipts::ReadRole));
    EXPECT_TRUE(flag(sender_view, carol_user, Receipts::AcknowledgedRole));
    EXPECT_FALSE(flag(sender_view, dan_user, Receipts::ReadRole));
    EXPECT_FALSE(flag(sender_view, dan_user, Receipts::AcknowledgedRole));
    EXPECT_FALSE(flag(sender_view, alice_user, Receipts::AcknowledgedRole));
    const QDateTime acked_at =
        cell(sender_view, carol_user, Receipts::AcknowledgedAtRole).toDateTime();
    ASSERT_TRUE(acked_at.isValid());
    EXPECT_LE(std::abs(acked_at.secsTo(QDateTime::currentDateTime())), 120);
    EXPECT_FALSE(cell(sender_view, bob_user, Receipts::AcknowledgedAtRole).toDateTime().isValid());
    EXPECT_EQ(cell(sender_view, bob_user, Qt::DisplayRole, Receipts::ReadColumn).toString(),
              "Read");
    EXPECT_EQ(cell(sender_view, dan_user, Qt::DisplayRole, Receipts::ReadColumn).toString(),
              "Not yet");
    EXPECT_EQ(cell(sender_view, dan_user, Qt::DisplayRole, Receipts::AcknowledgedColumn).toString(),
              "Not yet");
    EXPECT_TRUE(cell(sender_view, carol_user, Qt::DisplayRole, Receipts::AcknowledgedColumn)
                    .toString()
                    .startsWith("At "));
    EXPECT_EQ(cell(sender_view, dan_user, Qt::AccessibleTextRole).toString(),
              "Test dan.nurse, member: delivered, not read yet, not acknowledged yet");
    const client::ReceiptCounts counted = sender_view.counts();
    EXPECT_EQ(counted.recipients, 3);
    EXPECT_EQ(counted.delivered, 3);
    EXPECT_EQ(counted.read, 1);
    EXPECT_EQ(counted.acknowledged, 1);
    EXPECT_EQ(count("SELECT count(*) FROM message_acks WHERE conversation_id = '" +
                    conv.toStdString() + "'"),
              1);

    // A recipient sees the same from the server, although Bob's own store was never told of
    // Carol's acknowledgement (message.acknowledged goes to the sender only).
    auto& recipient_view = receipts(bob, conv);
    recipient_view.set_message(sent.seq);
    ASSERT_TRUE(qt_wait_for([&] {
        return recipient_view.loaded() && recipient_view.rowCount() == 4 &&
               flag(recipient_view, carol_user, Receipts::AcknowledgedRole);
    })) << recipient_view.error().toStdString();
    EXPECT_TRUE(bob.store->receipts(conv, sent.seq, QString::fromStdString(alice_user.id))
                    .acknowledged_by.isEmpty());
    EXPECT_TRUE(flag(recipient_view, bob_user, Receipts::ReadRole));
    EXPECT_FALSE(flag(recipient_view, dan_user, Receipts::ReadRole));

    // Dan is removed: he leaves both tables, live.
    auto& dans_view = receipts(dan, conv);
    ASSERT_TRUE(qt_wait_for([&] { return dans_view.loaded() && dans_view.rowCount() == 4; }));
    const auto removed = finish([&](auto done) {
        alice.engine->remove_member(conv, QString::fromStdString(dan_user.id), done);
    });
    ASSERT_TRUE(removed.ok) << removed.error_code.toStdString();
    for (auto* view : {&sender_view, &recipient_view}) {
        ASSERT_TRUE(qt_wait_for([&] { return view->rowCount() == 3 && view->loaded(); }, 20s));
        EXPECT_EQ(view->row_of(QString::fromStdString(dan_user.id)), -1);
        EXPECT_GE(view->row_of(QString::fromStdString(carol_user.id)), 0);
        EXPECT_TRUE(flag(*view, carol_user, Receipts::AcknowledgedRole))
            << "the others' receipts stay";
        EXPECT_EQ(view->counts().recipients, 2);
    }
    // Dan himself is no longer shown the members: the server answers not_found, the table
    // empties.
    ASSERT_TRUE(qt_wait_for([&] { return dans_view.rowCount() == 0 && dans_view.loaded(); }, 20s));
    EXPECT_EQ(dans_view.error(), "not_found");
}

TEST_F(MemberReceiptsModel, ANonMemberAndAnUnknownMessageAreRefusedAndMalformedEventsAreIgnored) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser eve_user = enroll("General", "eve.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& eve = install(eve_user);
    const QString conv = direct(alice, bob, bob_user);
    const auto sent = finish([&](auto done) {
        alice.recorder->send(conv, QStringLiteral("Bed 4 fasting from midnight"), "urgent", done);
    });
    ASSERT_TRUE(sent.ok);

    // Eve is not a member: neither the members nor the receipts are shown to her.
    auto& eves_view = receipts(eve, conv);
    std::vector<QString> refusals;
    QObject::connect(&eves_view, &Receipts::failed,
                     [&](const QString& code) { refusals.push_back(code); });
    eves_view.set_message(sent.seq);
    ASSERT_TRUE(qt_wait_for([&] { return eves_view.loaded() && refusals.size() == 2; }));
    EXPECT_EQ(refusals, (std::vector<QString>{"not_found", "not_found"}));
    EXPECT_EQ(eves_view.rowCount(), 0);
    EXPECT_TRUE(eves_view.priority().isEmpty());

    // A member asking for a message that does not exist: the members stay, no receipts.
    auto& view = receipts(alice, conv);
    ASSERT_TRUE(qt_wait_for([&] { return view.loaded() && view.rowCount() == 2; }));
    view.set_message(sent.seq + 100);
    ASSERT_TRUE(qt_wait_for([&] { return view.loaded() && view.error() == "not_found"; }));
    EXPECT_EQ(view.rowCount(), 2);
    EXPECT_FALSE(flag(view, bob_user, Receipts::DeliveredRole));
    view.set_message(-5);
    EXPECT_EQ(view.message(), 0) << "a negative seq means no message";
    view.set_message(sent.seq);
    ASSERT_TRUE(qt_wait_for([&] { return view.loaded() && view.priority() == "urgent"; }));
    EXPECT_TRUE(view.error().isEmpty());
    EXPECT_EQ(cell(view, bob_user, Qt::DisplayRole, Receipts::AcknowledgedColumn).toString(),
              "Not yet");

    // Events that are not for this conversation, or malformed, ask nothing and change nothing.
    for (const QJsonObject& body :
         {QJsonObject{{"conversation_id", 42}, {"user_id", QString::fromStdString(bob_user.id)}},
          QJsonObject{{"user_id", QString::fromStdString(bob_user.id)}},
          QJsonObject{{"conversation_id", "00000000-0000-0000-0000-000000000000"}}})
        emit alice.connection->event(client::ServerEvent{"conversation.member_removed", {}, body});
    EXPECT_TRUE(view.loaded()) << "no question went out";
    EXPECT_EQ(view.rowCount(), 2);
    // Switching messages drops an answer for the previous one.
    view.set_message(sent.seq + 100);
    view.set_message(sent.seq);
    ASSERT_TRUE(qt_wait_for([&] { return view.loaded(); }));
    EXPECT_EQ(view.priority(), "urgent");
    EXPECT_TRUE(view.error().isEmpty());
}

TEST(MemberReceiptsParsing, MalformedAnswersAreRefusedWhole) {
    const QString a = QStringLiteral("00000000-0000-0000-0000-00000000000a");
    const QString b = QStringLiteral("00000000-0000-0000-0000-00000000000b");
    const QJsonObject member_a{{"user_id", a}, {"role", "owner"}};
    const QJsonObject member_b{{"user_id", b}, {"role", "read_only"}};
    const auto ok = Receipts::members_from({{"members", QJsonArray{member_a, member_b}}});
    ASSERT_TRUE(ok.has_value());
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ(ok->at(1).role, "read_only");
    for (const QJsonObject& bad : {
             QJsonObject{},
             QJsonObject{{"members", "everyone"}},
             QJsonObject{{"members", QJsonArray{member_a, member_a}}},  // twice
             QJsonObject{{"members", QJsonArray{QJsonObject{{"user_id", a}, {"role", "king"}}}}},
             QJsonObject{{"members", QJsonArray{QJsonObject{{"user_id", 7}, {"role", "member"}}}}},
             QJsonObject{{"members", QJsonArray{QJsonObject{{"user_id", QString(65, 'x')},
                                                            {"role", "member"}}}}},
             QJsonObject{{"members", QJsonArray{42}}},
         })
        EXPECT_FALSE(Receipts::members_from(bad).has_value()) << QJsonDocument(bad).toJson().data();
    QJsonArray too_many;
    for (int i = 0; i <= Receipts::max_members; ++i)
        too_many.append(QJsonObject{{"user_id", QString::number(i)}, {"role", "member"}});
    EXPECT_FALSE(Receipts::members_from({{"members", too_many}}).has_value());

    const QJsonObject receipt_b{{"user_id", b},
                                {"delivered", true},
                                {"read", false},
                                {"acknowledged", true},
                                {"acknowledged_at", qint64{1765000000000}}};
    const QJsonObject good{{"seq", 3},
                           {"priority", "critical"},
                           {"sender_user_id", a},
                           {"recalled", false},
                           {"members", QJsonArray{receipt_b}}};
    const auto answer = Receipts::receipts_from(good);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->seq, 3);
    ASSERT_EQ(answer->members.size(), 1u);
    EXPECT_TRUE(answer->members[0].acknowledged);
    EXPECT_EQ(answer->members[0].acknowledged_ms, 1765000000000);
    const auto with = [&](const char* key, const QJsonValue& value) {
        QJsonObject o = good;
        o.insert(QLatin1String(key), value);
        return o;
    };
    const auto member_with = [&](const char* key, const QJsonValue& value) {
        QJsonObject m = receipt_b;
        m.insert(QLatin1String(key), value);
        return with("members", QJsonArray{m});
    };
    for (const QJsonObject& bad : {
             with("seq", 0),
             with("seq", 1.5),
             with("seq", "3"),
             with("seq", 1e300),
             with("priority", "emergency"),
             with("recalled", "no"),
             with("sender_user_id", 5),
             with("members", QJsonObject{}),
             with("members", QJsonArray{receipt_b, receipt_b}),
             member_with("delivered", "yes"),
             member_with("read", QJsonValue()),
             member_with("acknowledged", 1),
             member_with("acknowledged_at", -1),
             member_with("acknowledged_at", "noon"),
             member_with("user_id", QString()),
         })
        EXPECT_FALSE(Receipts::receipts_from(bad).has_value())
            << QJsonDocument(bad).toJson().data();
}

}  // namespace
}  // namespace wardline::test
