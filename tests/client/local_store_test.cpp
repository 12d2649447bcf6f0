// SPDX-License-Identifier: Apache-2.0
// The encrypted local store (issue #6, "Local store"; docs/client.md, "Local store") on a real
// SQLite file: round trips, idempotent storing, paging 100,000 messages with LIMIT queries on
// the index, sealed columns altered or swapped behind the store's back (through a second,
// raw connection), no plaintext in the files, bad input, the wrong key, a newer schema,
// recall, and wipe.
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/local_store_schema.hpp"
#include "client-qt/core/local_wipe.hpp"
#include "tests/client/store_test_support.hpp"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <limits>
#include <memory>

namespace wardline::client {
namespace {

using test::RawSqlite;
using Code = LocalStoreError::Code;

using test::error_of;

StoredMessage msg(const QString& conversation, qint64 seq, const QByteArray& body) {
    StoredMessage m;
    m.conversation_id = conversation;
    m.seq = seq;
    m.sender_user_id = QStringLiteral("user-b");
    m.sender_device_id = QStringLiteral("device-b");
    m.client_msg_id = QStringLiteral("00000000-0000-4000-8000-%1").arg(seq, 12, 10, QChar('0'));
    m.server_time_ms = 1'700'000'000'000 + seq;
    m.priority = seq % 3 == 0 ? Priority::urgent : Priority::routine;
    m.body = body;
    return m;
}

std::vector<qint64> seqs(const std::vector<StoredMessage>& page) {
    std::vector<qint64> out;
    for (const auto& m : page) out.push_back(m.seq);
    return out;
}

std::vector<qint64> range(qint64 first, qint64 last) {
    std::vector<qint64> out;
    for (qint64 s = first; s <= last; ++s) out.push_back(s);
    return out;
}

class ClientLocalStore : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        account_ = {QStringLiteral("wardline.test:8443"), QStringLiteral("user-a"),
                    QStringLiteral("device-a")};
        store_ = std::make_unique<LocalStore>(directory(), account_, key_);
    }
    QString directory() const { return dir_.filePath(QStringLiteral("store")); }
    void reopen() {
        store_.reset();
        store_ = std::make_unique<LocalStore>(directory(), account_, key_);
    }

    QTemporaryDir dir_;
    LocalKey key_ = LocalKey::generate();
    StoreAccount account_;
    std::unique_ptr<LocalStore> store_;
};

TEST_F(ClientLocalStore, ConversationsRoundTripAcrossARestart) {
    StoredConversation patient{QStringLiteral("c-patient"),
                               QStringLiteral("patient"),
                               QStringLiteral("Bed 12 — Doe"),
                               QJsonObject{{"mrn", "MRN-4417"}, {"name", "Jane Doe"}},
                               3,
                               40,
                               2000};
    StoredConversation group{QStringLiteral("c-group"),
                             QStringLiteral("group"),
                             QStringLiteral("Night shift"),
                             std::nullopt,
                             0,
                             7,
                             1000};
    store_->upsert_conversation(group);
    store_->upsert_conversation(patient);
    reopen();
    const auto all = store_->conversations();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, QStringLiteral("c-patient"));  // newest first
    EXPECT_EQ(all[0].title, QStringLiteral("Bed 12 — Doe"));
    ASSERT_TRUE(all[0].patient.has_value());
    EXPECT_EQ(all[0].patient->value("mrn").toString(), QStringLiteral("MRN-4417"));
    EXPECT_EQ(all[0].unread, 3);
    EXPECT_EQ(all[0].last_seq, 40);
    EXPECT_EQ(all[1].id, QStringLiteral("c-group"));
    EXPECT_FALSE(all[1].patient.has_value());

    // An update replaces the title and never lowers last_seq.
    group.title = QStringLiteral("Night shift, ward 4");
    group.last_seq = 2;
    group.updated_ms = 3000;
    store_->upsert_conversation(group);
    const auto updated = store_->conversation(QStringLiteral("c-group"));
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->title, QStringLiteral("Night shift, ward 4"));
    EXPECT_EQ(updated->last_seq, 7);
    EXPECT_EQ(store_->conversations().front().id, QStringLiteral("c-group"));
    EXPECT_FALSE(store_->conversation(QStringLiteral("c-none")).has_value());
}

TEST_F(ClientLocalStore, StoringMessagesIsIdempotentBySequence) {
    store_->upsert_conversation({QStringLiteral("c1"), QStringLiteral("group"), QStringLiteral("t"),
                                 std::nullopt, 0, 0, 0});
    const std::vector<StoredMessage> batch{msg("c1", 1, "one"), msg("c1", 2, "two"),
                                           msg("c1", 3, "three")};
    EXPECT_EQ(store_->store_messages(batch), 3);
    // The same again, and seq 2 with another body: nothing changes.
    std::vector<StoredMessage> again = batch;
    again[1].body = "changed";
    EXPECT_EQ(store_->store_messages(again), 0);
    const auto two = store_->message(QStringLiteral("c1"), 2);
    ASSERT_TRUE(two);
    EXPECT_EQ(two->body, QByteArray("two"));
    EXPECT_EQ(two->sender_user_id, QStringLiteral("user-b"));
    EXPECT_EQ(two->server_time_ms, 1'700'000'000'002);
    EXPECT_EQ(store_->message(QStringLiteral("c1"), 3)->priority, Priority::urgent);
    EXPECT_FALSE(store_->message(QStringLiteral("c1"), 4).has_value());
    EXPECT_EQ(store_->conversation(QStringLiteral("c1"))->last_seq, 3);

    // A batch with one bad message stores none of it.
    std::vector<StoredMessage> mixed{msg("c1", 4, "four"), msg("c1", 0, "bad")};
    EXPECT_EQ(error_of([&] { store_->store_messages(mixed); }), Code::bad_input);
    EXPECT_FALSE(store_->message(QStringLiteral("c1"), 4).has_value());
}

TEST_F(ClientLocalStore, PagesOverAHundredThousandMessagesByLimitQueries) {
    constexpr qint64 total = 100'000;
    {
        std::vector<StoredMessage> all;
        all.reserve(total);
        for (qint64 s = 1; s <= total; ++s)
            all.push_back(msg("big", s, "body " + QByteArray::number(s)));
        ASSERT_EQ(store_->store_messages(all), total);
    }
    const std::vector<StoredMessage> other{msg("small", 1, "x"), msg("small", 2, "y")};
    store_->store_messages(other);

    const QString big = QStringLiteral("big");
    const auto newest = store_->messages_before(big, std::numeric_limits<qint64>::max(), 50);
    EXPECT_EQ(seqs(newest), range(99'951, 100'000));
    EXPECT_EQ(newest.back().body, QByteArray("body 100000"));
    EXPECT_EQ(seqs(store_->messages_before(big, 99'951, 50)), range(99'901, 99'950));
    EXPECT_EQ(seqs(store_->messages_before(big, 11, 50)), range(1, 10));
    EXPECT_TRUE(store_->messages_before(big, 1, 50).empty());
    EXPECT_EQ(seqs(store_->messages_after(big, 0, 50)), range(1, 50));
    EXPECT_EQ(seqs(store_->messages_after(big, 50'000, 1000)), range(50'001, 51'000));
    EXPECT_EQ(seqs(store_->messages_after(big, 99'990, 50)), range(99'991, 100'000));
    EXPECT_TRUE(store_->messages_after(big, total, 50).empty());
    EXPECT_EQ(store_->messages_after(big, 41'999, 1).front().body, QByteArray("body 42000"));
    EXPECT_EQ(seqs(store_->messages_after(QStringLiteral("small"), 0, 50)), range(1, 2));

    // The queries take a bounded page through the (conversation_id, seq) index: LIMIT, an
    // index search, no full scan and no sort of the conversation.
    for (const char* sql : {store_schema::messages_before, store_schema::messages_after}) {
        EXPECT_TRUE(QString::fromLatin1(sql).contains(QStringLiteral("LIMIT ?"))) << sql;
        RawSqlite raw(store_->path());
        const QStringList plan = raw.plan(QString::fromLatin1(sql), {big, 50'000, 50});
        ASSERT_FALSE(plan.isEmpty());
        const QString all = plan.join('\n');
        EXPECT_TRUE(all.contains(QStringLiteral("SEARCH messages USING"))) << all.toStdString();
        EXPECT_TRUE(all.contains(QStringLiteral("conversation_id=? AND seq"))) << all.toStdString();
        EXPECT_FALSE(all.contains(QStringLiteral("SCAN"))) << all.toStdString();
        EXPECT_FALSE(all.contains(QStringLiteral("TEMP B-TREE"))) << all.toStdString();
    }
}

TEST_F(ClientLocalStore, ReceiptsOfAPageAgreeWithEachMessagesOwnReceipts) {
    // Messages from three senders; positions of four members, the sender's own among them;
    // acknowledgements and escalations on some; one message of another conversation.
    const QString conv = QStringLiteral("ward");
    std::vector<StoredMessage> page;
    const QStringList senders{QStringLiteral("user-a"), QStringLiteral("user-b"),
                              QStringLiteral("user-c")};
    for (qint64 s = 1; s <= 40; ++s) {
        StoredMessage m = msg(conv, s, "x");
        m.sender_user_id = senders[static_cast<int>(s % 3)];
        page.push_back(m);
    }
    store_->store_messages(page);
    store_->store_messages(std::vector<StoredMessage>{msg(QStringLiteral("other"), 7, "y")});
    store_->raise_member_position(conv, QStringLiteral("user-a"), 40, 30);
    store_->raise_member_position(conv, QStringLiteral("user-b"), 25, 12);
    store_->raise_member_position(conv, QStringLiteral("user-c"), 0, 18);  // read implies delivered
    store_->raise_member_position(conv, QStringLiteral("user-d"), 5, 0);
    store_->raise_member_position(QStringLiteral("other"), QStringLiteral("user-b"), 40, 40);
    store_->add_acknowledgement(conv, 9, QStringLiteral("user-b"), 2000);
    store_->add_acknowledgement(conv, 9, QStringLiteral("user-a"), 1000);
    store_->add_acknowledgement(conv, 33, QStringLiteral("user-d"), 3000);
    store_->add_acknowledgement(QStringLiteral("other"), 7, QStringLiteral("user-a"), 1000);
    store_->set_escalation(conv, 9, QStringLiteral("escalated"), 5000);
    store_->set_escalation(conv, 40, QStringLiteral("target_missing"), 6000);

    // The whole conversation, and a page from its middle.
    for (const auto& [from, to] : {std::pair<std::size_t, std::size_t>{0, 40}, {10, 20}}) {
        const std::span<const StoredMessage> part(page.data() + from, to - from);
        const auto batch = store_->receipts_of(conv, part);
        ASSERT_EQ(batch.size(), part.size());
        for (std::size_t i = 0; i < part.size(); ++i) {
            const auto one = store_->receipts(conv, part[i].seq, part[i].sender_user_id);
            SCOPED_TRACE(part[i].seq);
            EXPECT_EQ(batch[i].delivered, one.delivered);
            EXPECT_EQ(batch[i].read, one.read);
            EXPECT_EQ(batch[i].acknowledged_by, one.acknowledged_by);
            EXPECT_EQ(batch[i].escalation, one.escalation);
        }
    }
    // A few answers spelled out, so that both cannot be wrong alike.
    const auto all = store_->receipts_of(conv, page);
    EXPECT_EQ(all[8].acknowledged_by,
              (QStringList{QStringLiteral("user-a"), QStringLiteral("user-b")}));
    EXPECT_EQ(all[8].escalation, QStringLiteral("escalated"));
    // seq 12, sent by user-a: user-b (delivered 25, read 12) and user-c (read 18) have read
    // it; user-d (delivered 5) has not received it.
    EXPECT_EQ(all[11].delivered, 2);
    EXPECT_EQ(all[11].read, 2);
    // seq 30 from user-a: nobody else has it.
    EXPECT_EQ(all[29].delivered, 0);
    EXPECT_TRUE(store_->receipts_of(conv, {}).empty());
}

TEST_F(ClientLocalStore, BadInputIsRefusedAndTheStoreCarriesOn) {
    const QString c = QStringLiteral("c1");
    EXPECT_EQ(error_of([&] { store_->messages_before(c, 10, 0); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->messages_before(c, 10, LocalStore::max_page + 1); }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->messages_after(c, -1, 10); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->messages_after(QString(), 0, 10); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->messages_after(QString(300, 'x'), 0, 10); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->message(c, 0); }), Code::bad_input);

    auto too_big = msg("c1", 1, QByteArray(LocalStore::max_value_size + 1, 'x'));
    EXPECT_EQ(error_of([&] { store_->store_messages(std::span(&too_big, 1)); }), Code::bad_input);
    auto bad_priority = msg("c1", 1, "x");
    bad_priority.priority = static_cast<Priority>(7);
    EXPECT_EQ(error_of([&] { store_->store_messages(std::span(&bad_priority, 1)); }),
              Code::bad_input);
    auto bad_state = msg("c1", 1, "x");
    bad_state.state = static_cast<MessageState>(-1);
    EXPECT_EQ(error_of([&] { store_->store_messages(std::span(&bad_state, 1)); }), Code::bad_input);
    auto no_conversation = msg("", 1, "x");
    EXPECT_EQ(error_of([&] { store_->store_messages(std::span(&no_conversation, 1)); }),
              Code::bad_input);

    EXPECT_EQ(error_of([&] { store_->upsert_conversation({}); }), Code::bad_input);
    EXPECT_EQ(error_of([&] {
                  store_->upsert_conversation({c, QString(), QStringLiteral("t"), {}, 0, 0, 0});
              }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] {
                  store_->upsert_conversation({c, QStringLiteral("group"), {}, {}, -1, 0, 0});
              }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->set_cursor(QString(), 1); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->set_cursor(QStringLiteral("c"), -1); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->save_group_state(c, {0, QByteArray()}); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->save_group_state(c, {-1, "s"}); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->set_message_state(c, 1, MessageState::recalled); }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { store_->save_secret(QString(), "x"); }), Code::bad_input);

    // Nothing of that was stored, and the store still works.
    EXPECT_TRUE(store_->messages_after(c, 0, 10).empty());
    EXPECT_TRUE(store_->conversations().empty());
    const auto good = msg("c1", 1, "fine");
    EXPECT_EQ(store_->store_messages(std::span(&good, 1)), 1);
    EXPECT_EQ(store_->message(c, 1)->body, QByteArray("fine"));
}

TEST_F(ClientLocalStore, NoPlaintextReachesTheFiles) {
    const QByteArray body = "K+ 6.1 mmol/L, repeat ECG now";
    const QByteArray mrn = "MRN-90817263";
    const QByteArray title = "Resus bay Smithfield";
    const QByteArray group = "serialized-mls-group-state-marker";
    const QByteArray token = "session-token-marker-31337";
    store_->upsert_conversation({QStringLiteral("c1"), QStringLiteral("patient"),
                                 QString::fromUtf8(title),
                                 QJsonObject{{"mrn", QString::fromUtf8(mrn)}}, 0, 0, 0});
    const auto m = msg("c1", 1, body);
    store_->store_messages(std::span(&m, 1));
    store_->save_group_state(QStringLiteral("c1"), {4, group});
    store_->save_secret(QStringLiteral("session_token"), token);
    // While open (the WAL holds the writes) and after closing (checkpointed into the file).
    for (int pass = 0; pass < 2; ++pass) {
        ASSERT_FALSE(test::files_in(directory()).isEmpty());
        for (const QByteArray& secret : {body, mrn, title, group, token, QByteArray("6.1 mmol")})
            EXPECT_FALSE(test::files_contain(directory(), secret))
                << secret.toStdString() << " pass " << pass;
        store_.reset();
    }
    reopen();
    EXPECT_EQ(store_->message(QStringLiteral("c1"), 1)->body, body);
    EXPECT_EQ(store_->secret(QStringLiteral("session_token")), token);
}

TEST_F(ClientLocalStore, EveryAlteredByteOfASealedColumnIsDetected) {
    const QString c = QStringLiteral("c1");
    const auto m = msg("c1", 1, "lactate 4.2");
    store_->store_messages(std::span(&m, 1));
    RawSqlite raw(store_->path());
    const QByteArray sealed =
        raw.scalar(QStringLiteral("SELECT body FROM messages WHERE seq = 1")).toByteArray();
    ASSERT_EQ(static_cast<std::size_t>(sealed.size()), 11 + LocalKey::seal_overhead);
    for (qsizetype i = 0; i < sealed.size(); ++i) {
        QByteArray bad = sealed;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        raw.exec(QStringLiteral("UPDATE messages SET body = ? WHERE seq = 1"), {bad});
        EXPECT_EQ(error_of([&] { store_->message(c, 1); }), Code::tampered) << "byte " << i;
        EXPECT_EQ(error_of([&] { store_->messages_after(c, 0, 10); }), Code::tampered);
    }
    raw.exec(QStringLiteral("UPDATE messages SET body = ? WHERE seq = 1"), {sealed});
    EXPECT_EQ(store_->message(c, 1)->body, QByteArray("lactate 4.2"));

    // The plain columns a body is bound to cannot be edited either.
    const std::vector<std::pair<QString, QVariant>> edits{
        {QStringLiteral("sender_user_id"), QStringLiteral("user-mallory")},
        {QStringLiteral("sender_device_id"), QStringLiteral("device-x")},
        {QStringLiteral("client_msg_id"), QStringLiteral("other")},
        {QStringLiteral("server_time_ms"), 1},
        {QStringLiteral("priority"), 2},
        {QStringLiteral("seq"), 9},
        {QStringLiteral("conversation_id"), QStringLiteral("c2")},
    };
    for (const auto& [column, value] : edits) {
        const QVariant old = raw.scalar(QStringLiteral("SELECT %1 FROM messages").arg(column));
        raw.exec(QStringLiteral("UPDATE messages SET %1 = ?").arg(column), {value});
        const QString conv = column == QStringLiteral("conversation_id") ? QStringLiteral("c2") : c;
        const qint64 seq = column == QStringLiteral("seq") ? 9 : 1;
        EXPECT_EQ(error_of([&] { store_->message(conv, seq); }), Code::tampered)
            << column.toStdString();
        raw.exec(QStringLiteral("UPDATE messages SET %1 = ?").arg(column), {old});
    }
    // Out-of-range plain values, and a body under a recalled state.
    raw.exec(QStringLiteral("UPDATE messages SET priority = 9"));
    EXPECT_EQ(error_of([&] { store_->message(c, 1); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE messages SET priority = ?"), {static_cast<int>(m.priority)});
    raw.exec(QStringLiteral("UPDATE messages SET state = 4"));
    EXPECT_EQ(error_of([&] { store_->message(c, 1); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE messages SET state = 0, body = NULL"));
    EXPECT_EQ(error_of([&] { store_->message(c, 1); }), Code::tampered);
}

TEST_F(ClientLocalStore, OtherSealedColumnsAreCheckedToo) {
    store_->upsert_conversation({QStringLiteral("c1"), QStringLiteral("patient"),
                                 QStringLiteral("title"), QJsonObject{{"mrn", "1"}}, 0, 0, 0});
    store_->save_group_state(QStringLiteral("c1"), {3, "group"});
    store_->save_secret(QStringLiteral("device_key"), "secret");
    RawSqlite raw(store_->path());
    const auto flip = [&](const QString& table, const QString& column) {
        const QByteArray v =
            raw.scalar(QStringLiteral("SELECT %1 FROM %2").arg(column, table)).toByteArray();
        QByteArray bad = v;
        bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
        raw.exec(QStringLiteral("UPDATE %1 SET %2 = ?").arg(table, column), {bad});
        return v;
    };
    const auto restore = [&](const QString& table, const QString& column, const QByteArray& v) {
        raw.exec(QStringLiteral("UPDATE %1 SET %2 = ?").arg(table, column), {v});
    };
    auto v = flip(QStringLiteral("conversations"), QStringLiteral("title"));
    EXPECT_EQ(error_of([&] { store_->conversations(); }), Code::tampered);
    restore(QStringLiteral("conversations"), QStringLiteral("title"), v);
    v = flip(QStringLiteral("conversations"), QStringLiteral("patient"));
    EXPECT_EQ(error_of([&] { store_->conversation(QStringLiteral("c1")); }), Code::tampered);
    restore(QStringLiteral("conversations"), QStringLiteral("patient"), v);
    raw.exec(QStringLiteral("UPDATE conversations SET kind = 'group'"));
    EXPECT_EQ(error_of([&] { store_->conversation(QStringLiteral("c1")); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE conversations SET kind = 'patient'"));
    EXPECT_EQ(store_->conversation(QStringLiteral("c1"))->title, QStringLiteral("title"));

    v = flip(QStringLiteral("group_states"), QStringLiteral("state"));
    EXPECT_EQ(error_of([&] { store_->group_state(QStringLiteral("c1")); }), Code::tampered);
    restore(QStringLiteral("group_states"), QStringLiteral("state"), v);
    raw.exec(QStringLiteral("UPDATE group_states SET epoch = 2"));  // a rolled-back epoch
    EXPECT_EQ(error_of([&] { store_->group_state(QStringLiteral("c1")); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE group_states SET epoch = 3"));
    EXPECT_EQ(store_->group_state(QStringLiteral("c1"))->state, QByteArray("group"));

    v = flip(QStringLiteral("secrets"), QStringLiteral("value"));
    EXPECT_EQ(error_of([&] { store_->secret(QStringLiteral("device_key")); }), Code::tampered);
    restore(QStringLiteral("secrets"), QStringLiteral("value"), v);
    EXPECT_EQ(store_->secret(QStringLiteral("device_key")), QByteArray("secret"));
}

TEST_F(ClientLocalStore, SwappedRowsAreDetected) {
    // Rows that differ only in their sequence, or only in their conversation.
    auto second = msg("c1", 1, "second");
    second.seq = 2;
    const std::vector<StoredMessage> batch{msg("c1", 1, "first"), second,
                                           msg("c2", 1, "other conversation")};
    store_->store_messages(batch);
    store_->upsert_conversation({QStringLiteral("c1"), QStringLiteral("group"),
                                 QStringLiteral("One"), std::nullopt, 0, 0, 0});
    store_->upsert_conversation({QStringLiteral("c2"), QStringLiteral("group"),
                                 QStringLiteral("Two"), std::nullopt, 0, 0, 0});
    store_->save_group_state(QStringLiteral("c1"), {1, "g1"});
    store_->save_group_state(QStringLiteral("c2"), {1, "g2"});
    RawSqlite raw(store_->path());
    const auto swap_values = [&](const QString& table, const QString& column,
                                 const QString& where_a, const QString& where_b) {
        const QVariant a =
            raw.scalar(QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(column, table, where_a));
        const QVariant b =
            raw.scalar(QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(column, table, where_b));
        raw.exec(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3").arg(table, column, where_a), {b});
        raw.exec(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3").arg(table, column, where_b), {a});
    };
    const QString c1 = QStringLiteral("c1"), c2 = QStringLiteral("c2");
    // Two messages of one conversation.
    swap_values(QStringLiteral("messages"), QStringLiteral("body"),
                QStringLiteral("conversation_id = 'c1' AND seq = 1"),
                QStringLiteral("conversation_id = 'c1' AND seq = 2"));
    EXPECT_EQ(error_of([&] { store_->message(c1, 1); }), Code::tampered);
    EXPECT_EQ(error_of([&] { store_->message(c1, 2); }), Code::tampered);
    swap_values(QStringLiteral("messages"), QStringLiteral("body"),
                QStringLiteral("conversation_id = 'c1' AND seq = 1"),
                QStringLiteral("conversation_id = 'c1' AND seq = 2"));
    EXPECT_EQ(store_->message(c1, 2)->body, QByteArray("second"));
    // The same seq in two conversations.
    swap_values(QStringLiteral("messages"), QStringLiteral("body"),
                QStringLiteral("conversation_id = 'c1' AND seq = 1"),
                QStringLiteral("conversation_id = 'c2' AND seq = 1"));
    EXPECT_EQ(error_of([&] { store_->message(c1, 1); }), Code::tampered);
    EXPECT_EQ(error_of([&] { store_->message(c2, 1); }), Code::tampered);
    // Titles and group states of two conversations.
    swap_values(QStringLiteral("conversations"), QStringLiteral("title"),
                QStringLiteral("id = 'c1'"), QStringLiteral("id = 'c2'"));
    EXPECT_EQ(error_of([&] { store_->conversation(c1); }), Code::tampered);
    swap_values(QStringLiteral("group_states"), QStringLiteral("state"),
                QStringLiteral("conversation_id = 'c1'"), QStringLiteral("conversation_id = 'c2'"));
    EXPECT_EQ(error_of([&] { store_->group_state(c2); }), Code::tampered);
    // A column moved into another column of the same row.
    raw.exec(
        QStringLiteral("UPDATE conversations SET title = (SELECT state FROM group_states"
                       " WHERE conversation_id = 'c1') WHERE id = 'c1'"));
    EXPECT_EQ(error_of([&] { store_->conversation(c1); }), Code::tampered);
}

TEST_F(ClientLocalStore, ARowCopiedFromAnotherAccountsStoreIsDetected) {
    // Same key, another user: the rows are bound to their account.
    StoreAccount other = account_;
    other.user_id = QStringLiteral("user-z");
    LocalStore second(directory(), other, key_);
    EXPECT_NE(second.path(), store_->path());
    const auto m = msg("c1", 1, "from z");
    second.store_messages(std::span(&m, 1));
    const auto mine = msg("c1", 1, "mine");
    store_->store_messages(std::span(&mine, 1));
    const QByteArray foreign =
        RawSqlite(second.path()).scalar(QStringLiteral("SELECT body FROM messages")).toByteArray();
    RawSqlite(store_->path()).exec(QStringLiteral("UPDATE messages SET body = ?"), {foreign});
    EXPECT_EQ(error_of([&] { store_->message(QStringLiteral("c1"), 1); }), Code::tampered);
    EXPECT_EQ(second.message(QStringLiteral("c1"), 1)->body, QByteArray("from z"));
}

TEST_F(ClientLocalStore, AnotherAccountsDatabaseFileIsRefused) {
    StoreAccount other = account_;
    other.user_id = QStringLiteral("user-z");
    QString other_path;
    {
        LocalStore second(directory(), other, key_);
        other_path = second.path();
    }
    const QString mine = store_->path();
    store_.reset();
    ASSERT_TRUE(LocalStore::remove_files(mine));
    ASSERT_TRUE(QFile::copy(other_path, mine));
    // Same key, but the key check is bound to the other account.
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), account_, key_); }), Code::wrong_key);
}

TEST_F(ClientLocalStore, TheWrongKeyANewerSchemaAndAForeignFileAreRefused) {
    store_.reset();
    const auto other = LocalKey::generate();
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), account_, other); }), Code::wrong_key);
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), account_, LocalKey()); }), Code::bad_input);
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), StoreAccount{}, key_); }), Code::bad_input);

    const QString path = LocalStore::database_path(directory(), account_);
    RawSqlite(path).exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (99)"));
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), account_, key_); }), Code::newer_schema);
    RawSqlite(path).exec(QStringLiteral("DELETE FROM schema_version WHERE version = 99"));
    EXPECT_EQ(LocalStore(directory(), account_, key_).schema_version(),
              store_schema::latest_version());

    // A directory that is a file.
    const QString not_a_dir = dir_.filePath(QStringLiteral("plain-file"));
    {
        QFile f(not_a_dir);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    }
    EXPECT_EQ(error_of([&] { LocalStore s(not_a_dir, account_, key_); }), Code::open_failed);

    StoreAccount garbage = account_;
    garbage.user_id = QStringLiteral("user-garbage");
    {
        QFile f(LocalStore::database_path(directory(), garbage));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'g'));
    }
    EXPECT_EQ(error_of([&] { LocalStore s(directory(), garbage, key_); }), Code::open_failed);
}

TEST_F(ClientLocalStore, FilesAreTheOwnersOnly) {
    const auto m = msg("c1", 1, "x");
    store_->store_messages(std::span(&m, 1));
    struct stat st {};
    ASSERT_EQ(::stat(directory().toLocal8Bit().constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    for (const auto& name : test::files_in(directory())) {
        ASSERT_EQ(::stat((directory() + '/' + name).toLocal8Bit().constData(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u) << name.toStdString();
    }
    EXPECT_TRUE(
        test::files_in(directory()).contains(QFileInfo(store_->path()).fileName() + "-wal"));
}

TEST_F(ClientLocalStore, RecallDropsTheBodyForGood) {
    const QString c = QStringLiteral("c1");
    const std::vector<StoredMessage> batch{msg("c1", 1, "keep"), msg("c1", 2, "recall me")};
    store_->store_messages(batch);
    QByteArray sealed;
    {
        RawSqlite raw(store_->path());
        sealed =
            raw.scalar(QStringLiteral("SELECT body FROM messages WHERE seq = 2")).toByteArray();
    }
    ASSERT_TRUE(test::files_contain(directory(), sealed));
    EXPECT_TRUE(store_->mark_recalled(c, 2));
    const auto recalled = store_->message(c, 2);
    ASSERT_TRUE(recalled);
    EXPECT_EQ(recalled->state, MessageState::recalled);
    EXPECT_TRUE(recalled->body.isEmpty());
    EXPECT_EQ(store_->message(c, 1)->body, QByteArray("keep"));
    // Not even the sealed copy is left in the database or its WAL.
    EXPECT_FALSE(test::files_contain(directory(), sealed));
    // Receipts do not bring it back; unknown messages are reported.
    EXPECT_FALSE(store_->set_message_state(c, 2, MessageState::read));
    EXPECT_EQ(store_->message(c, 2)->state, MessageState::recalled);
    EXPECT_TRUE(store_->set_message_state(c, 1, MessageState::read));
    EXPECT_EQ(store_->message(c, 1)->state, MessageState::read);
    EXPECT_FALSE(store_->mark_recalled(c, 3));
    EXPECT_FALSE(store_->set_message_state(c, 3, MessageState::read));
    // A message that arrives already recalled is stored without a body.
    auto gone = msg("c1", 3, "never stored");
    gone.state = MessageState::recalled;
    store_->store_messages(std::span(&gone, 1));
    EXPECT_TRUE(store_->message(c, 3)->body.isEmpty());
}

TEST_F(ClientLocalStore, GroupStateCursorsAndSecretsRoundTrip) {
    const QString c = QStringLiteral("c1");
    EXPECT_FALSE(store_->group_state(c).has_value());
    store_->save_group_state(c, {1, "epoch one"});
    store_->save_group_state(c, {2, "epoch two"});
    store_->set_cursor(QStringLiteral("conversation:c1"), 41);
    store_->set_cursor(QStringLiteral("conversation:c1"), 42);
    store_->set_cursor(QStringLiteral("delivery"), 7);
    store_->save_secret(QStringLiteral("device_key"), QByteArray(64, '\x07'));
    reopen();
    const auto g = store_->group_state(c);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->epoch, 2);
    EXPECT_EQ(g->state, QByteArray("epoch two"));
    EXPECT_TRUE(store_->remove_group_state(c));
    EXPECT_FALSE(store_->group_state(c).has_value());
    EXPECT_FALSE(store_->remove_group_state(c));
    EXPECT_EQ(store_->cursor(QStringLiteral("conversation:c1")), 42);
    EXPECT_FALSE(store_->cursor(QStringLiteral("none")).has_value());
    EXPECT_EQ(store_->cursors().size(), 2u);
    EXPECT_EQ(store_->secret(QStringLiteral("device_key")), QByteArray(64, '\x07'));
    store_->remove_secret(QStringLiteral("device_key"));
    EXPECT_FALSE(store_->secret(QStringLiteral("device_key")).has_value());
}

TEST_F(ClientLocalStore, WipeLeavesNoFileAndClosesTheStore) {
    const auto m = msg("c1", 1, "x");
    store_->store_messages(std::span(&m, 1));
    ASSERT_GE(test::files_in(directory()).size(), 2);  // database and WAL at least
    EXPECT_TRUE(store_->wipe());
    EXPECT_TRUE(test::files_in(directory()).isEmpty())
        << test::files_in(directory()).join(' ').toStdString();
    EXPECT_EQ(error_of([&] { store_->message(QStringLiteral("c1"), 1); }), Code::closed);
    EXPECT_EQ(error_of([&] { store_->store_messages(std::span(&m, 1)); }), Code::closed);
    EXPECT_TRUE(store_->wipe());  // again: nothing left to do
}

TEST_F(ClientLocalStore, WipingTheDeviceErasesStoresKeyFileAndKeysInMemory) {
    const QString key_path = dir_.filePath(QStringLiteral("local.key"));
    ASSERT_EQ(LocalKeyFile(key_path).write(key_, QStringLiteral("pw"), KeyDerivation::minimum()),
              KeyFileError::none);
    StoreAccount other = account_;
    other.server = QStringLiteral("other.test:443");
    {
        LocalStore second(directory(), other, key_);
        const auto m = msg("c1", 1, "x");
        second.store_messages(std::span(&m, 1));
    }
    store_.reset();
    auto device = DeviceIdentity::generate(QStringLiteral("pc"), QStringLiteral("linux"));
    ASSERT_FALSE(device.secret_key.isEmpty());
    ASSERT_FALSE(test::files_in(directory()).isEmpty());

    LocalWipeTargets targets;
    targets.store_directory = directory();
    targets.key_file = key_path;
    targets.key = &key_;
    targets.device = &device;
    EXPECT_TRUE(wipe_local_data(targets));
    EXPECT_TRUE(test::files_in(directory()).isEmpty())
        << test::files_in(directory()).join(' ').toStdString();
    EXPECT_FALSE(QFileInfo::exists(key_path));
    EXPECT_TRUE(key_.empty());
    EXPECT_TRUE(device.secret_key.isEmpty());
}

TEST_F(ClientLocalStore, WipingOneAccountErasesItsStoreKeyAndDeviceFilesAndLeavesOthersAlone) {
    const QString key_path = dir_.filePath(QStringLiteral("store/key-a.wlkey"));
    const QString device_path = dir_.filePath(QStringLiteral("store/device-a.wldevice"));
    ASSERT_EQ(LocalKeyFile(key_path).write(key_, QStringLiteral("pw"), KeyDerivation::minimum()),
              KeyFileError::none);
    {
        QFile device_file(device_path);
        ASSERT_TRUE(device_file.open(QIODevice::WriteOnly));
        device_file.write("sealed device");
    }
    StoreAccount other = account_;
    other.user_id = QStringLiteral("user-b");
    const auto m = msg("c1", 1, "x");
    {
        LocalStore second(directory(), other, key_);
        second.store_messages(std::span(&m, 1));
    }
    store_->store_messages(std::span(&m, 1));
    store_.reset();
    const QString mine = LocalStore::database_path(directory(), account_);
    const QString theirs = LocalStore::database_path(directory(), other);
    ASSERT_TRUE(QFileInfo::exists(mine));
    LocalKey copy = LocalKey::generate();  // the key in memory that the wipe zeroes
    auto device = DeviceIdentity::generate(QStringLiteral("pc"), QStringLiteral("linux"));

    LocalWipeTargets targets;
    targets.store_database = mine;
    targets.key_file = key_path;
    targets.device_file = device_path;
    targets.key = &copy;
    targets.device = &device;
    EXPECT_TRUE(wipe_local_data(targets));
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        EXPECT_FALSE(QFileInfo::exists(mine + QLatin1String(suffix))) << suffix;
    EXPECT_FALSE(QFileInfo::exists(key_path));
    EXPECT_FALSE(QFileInfo::exists(device_path));
    EXPECT_TRUE(copy.empty());
    EXPECT_TRUE(device.secret_key.isEmpty());
    // Another account's store on the same computer is not this device's: it stays and opens.
    ASSERT_TRUE(QFileInfo::exists(theirs));
    LocalStore second(directory(), other, key_);
    EXPECT_TRUE(second.message(QStringLiteral("c1"), 1).has_value());
}

}  // namespace
}  // namespace wardline::client
