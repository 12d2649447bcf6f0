// SPDX-License-Identifier: Apache-2.0
// The persisted outgoing queue (issue #6, "an outgoing queue persisted to disk so unsent
// messages survive a restart, retried with the same client message id until acknowledged"):
// order and ids across a restart, acknowledgement of one item only, failures counted, bad
// input, a full queue, and sealed bodies on a real SQLite file.
#include "client-qt/core/outgoing_queue.hpp"
#include "client-qt/core/send_queue.hpp"
#include "tests/client/store_test_support.hpp"

#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace wardline::client {
namespace {

using test::RawSqlite;
using Code = LocalStoreError::Code;

using test::error_of;

class ClientOutgoingQueue : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        open();
    }
    void open() {
        queue_.reset();
        store_.reset();
        store_ = std::make_unique<LocalStore>(dir_.path(), account_, key_);
        queue_ = std::make_unique<OutgoingQueue>(*store_);
    }
    std::vector<QString> ids() const {
        std::vector<QString> out;
        for (const auto& m : queue_->pending()) out.push_back(m.client_msg_id);
        return out;
    }

    QTemporaryDir dir_;
    LocalKey key_ = LocalKey::generate();
    StoreAccount account_{QStringLiteral("wardline.test:8443"), QStringLiteral("user-a"),
                          QStringLiteral("device-a")};
    std::unique_ptr<LocalStore> store_;
    std::unique_ptr<OutgoingQueue> queue_;
};

TEST_F(ClientOutgoingQueue, SurvivesARestartWithTheSameIdsInTheSameOrder) {
    const QString a =
        queue_->enqueue(QStringLiteral("c1"), Priority::routine, "first", R"({"reply_to":3})");
    const QString b = queue_->enqueue(QStringLiteral("c2"), Priority::critical, "second");
    const QString c = queue_->enqueue(QStringLiteral("c1"), Priority::urgent, "third");
    const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    for (const auto& id : {a, b, c}) EXPECT_TRUE(uuid.match(id).hasMatch()) << id.toStdString();
    EXPECT_NE(a, b);
    EXPECT_NE(b, c);

    open();  // the client restarts
    EXPECT_EQ(ids(), (std::vector<QString>{a, b, c}));
    const auto pending = queue_->pending();
    ASSERT_EQ(pending.size(), 3u);
    EXPECT_EQ(pending[0].conversation_id, QStringLiteral("c1"));
    EXPECT_EQ(pending[0].body, QByteArray("first"));
    EXPECT_EQ(pending[0].metadata, QByteArray(R"({"reply_to":3})"));
    EXPECT_EQ(pending[1].priority, Priority::critical);
    EXPECT_EQ(pending[2].body, QByteArray("third"));
    EXPECT_LT(pending[0].position, pending[1].position);
    EXPECT_LT(pending[1].position, pending[2].position);
    EXPECT_EQ(queue_->size(), 3);
    EXPECT_EQ(queue_->pending(2).size(), 2u);
    EXPECT_EQ(queue_->find(b)->body, QByteArray("second"));
    EXPECT_FALSE(queue_->find(QStringLiteral("00000000-0000-4000-8000-000000000000")).has_value());
}

TEST_F(ClientOutgoingQueue, AcknowledgingRemovesOnlyThatItemAndStoresTheMessage) {
    store_->upsert_conversation({QStringLiteral("c1"), QStringLiteral("group"), QStringLiteral("t"),
                                 std::nullopt, 0, 4, 0});
    const QString a = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "one");
    const QString b = queue_->enqueue(QStringLiteral("c1"), Priority::urgent, "two");
    const QString c = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "three");

    EXPECT_TRUE(queue_->acknowledge(b, 5, 1'700'000'000'123));
    EXPECT_EQ(ids(), (std::vector<QString>{a, c}));
    const auto sent = store_->message(QStringLiteral("c1"), 5);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->body, QByteArray("two"));
    EXPECT_EQ(sent->client_msg_id, b);
    EXPECT_EQ(sent->state, MessageState::sent);
    EXPECT_EQ(sent->priority, Priority::urgent);
    EXPECT_EQ(sent->sender_user_id, QStringLiteral("user-a"));
    EXPECT_EQ(sent->sender_device_id, QStringLiteral("device-a"));
    EXPECT_EQ(sent->server_time_ms, 1'700'000'000'123);
    EXPECT_EQ(store_->conversation(QStringLiteral("c1"))->last_seq, 5);

    // A second acknowledgement of the same id (a duplicate reply) changes nothing.
    EXPECT_FALSE(queue_->acknowledge(b, 6, 1));
    EXPECT_FALSE(store_->message(QStringLiteral("c1"), 6).has_value());
    EXPECT_FALSE(queue_->acknowledge(QStringLiteral("not-an-id"), 7, 1));
    EXPECT_EQ(error_of([&] { queue_->acknowledge(a, 0, 1); }), Code::bad_input);
    EXPECT_EQ(queue_->size(), 2);

    open();
    EXPECT_EQ(ids(), (std::vector<QString>{a, c}));
}

TEST_F(ClientOutgoingQueue, AnEchoStoredFirstIsKeptWhenTheAcknowledgementComes) {
    const QString a = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "mine");
    StoredMessage echo;
    echo.conversation_id = QStringLiteral("c1");
    echo.seq = 9;
    echo.sender_user_id = QStringLiteral("user-a");
    echo.sender_device_id = QStringLiteral("device-a");
    echo.client_msg_id = a;
    echo.server_time_ms = 42;
    echo.state = MessageState::delivered;
    echo.body = "mine";
    store_->store_messages(std::span(&echo, 1));
    EXPECT_TRUE(queue_->acknowledge(a, 9, 42));
    EXPECT_EQ(queue_->size(), 0);
    EXPECT_EQ(store_->message(QStringLiteral("c1"), 9)->state, MessageState::delivered);
}

TEST_F(ClientOutgoingQueue, FailuresAreCountedAndKeptAcrossRestarts) {
    const QString a = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "x");
    EXPECT_TRUE(queue_->record_failure(a, QStringLiteral("unavailable")));
    EXPECT_TRUE(queue_->record_failure(a, QStringLiteral("timeout")));
    EXPECT_FALSE(queue_->record_failure(QStringLiteral("unknown"), QStringLiteral("timeout")));
    open();
    const auto item = queue_->find(a);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->attempts, 2);
    EXPECT_EQ(item->last_error, QStringLiteral("timeout"));
    EXPECT_EQ(item->client_msg_id, a);  // the retry uses the same id
    EXPECT_EQ(error_of([&] { queue_->record_failure(a, QString(201, 'e')); }), Code::bad_input);
    EXPECT_EQ(queue_->find(a)->attempts, 2);
}

TEST_F(ClientOutgoingQueue, AFailedItemIsSkippedUntilRetriedOrDiscarded) {
    const QString a = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "refused");
    const QString b = queue_->enqueue(QStringLiteral("c2"), Priority::routine, "next");
    const QString c = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "later");
    EXPECT_EQ(queue_->next_to_send()->client_msg_id, a);
    EXPECT_TRUE(queue_->mark_failed(a, QStringLiteral("forbidden")));
    EXPECT_FALSE(queue_->mark_failed(QStringLiteral("unknown"), QStringLiteral("forbidden")));
    EXPECT_EQ(queue_->next_to_send()->client_msg_id, b) << "a failed item is passed over";

    open();  // kept across a restart, still failed, still first in its conversation
    const auto in_c1 = queue_->pending_in(QStringLiteral("c1"));
    ASSERT_EQ(in_c1.size(), 2u);
    EXPECT_EQ(in_c1[0].client_msg_id, a);
    EXPECT_TRUE(in_c1[0].failed);
    EXPECT_EQ(in_c1[0].last_error, QStringLiteral("forbidden"));
    EXPECT_EQ(in_c1[0].attempts, 1);
    EXPECT_FALSE(in_c1[1].failed);
    EXPECT_EQ(queue_->pending_in(QStringLiteral("c2")).size(), 1u);
    EXPECT_TRUE(queue_->pending_in(QStringLiteral("c3")).empty());
    EXPECT_EQ(queue_->pending().size(), 3u) << "failed items are still listed";

    EXPECT_TRUE(queue_->retry(a));
    EXPECT_FALSE(queue_->find(a)->failed);
    EXPECT_EQ(queue_->find(a)->last_error, QString());
    EXPECT_EQ(queue_->find(a)->attempts, 1);
    EXPECT_EQ(queue_->next_to_send()->client_msg_id, a) << "back in its place, same id";
    EXPECT_FALSE(queue_->retry(QStringLiteral("unknown")));

    EXPECT_TRUE(queue_->discard(b));
    EXPECT_FALSE(queue_->discard(b));
    EXPECT_EQ(ids(), (std::vector<QString>{a, c}));
    EXPECT_EQ(error_of([&] { queue_->mark_failed(a, QString(201, 'e')); }), Code::bad_input);
    EXPECT_FALSE(queue_->find(a)->failed);
}

TEST_F(ClientOutgoingQueue, BadInputIsRefusedAndNothingIsQueued) {
    const QString c = QStringLiteral("c1");
    EXPECT_EQ(error_of([&] { queue_->enqueue(QString(), Priority::routine, "x"); }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { queue_->enqueue(QString(257, 'c'), Priority::routine, "x"); }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { queue_->enqueue(c, Priority::routine, QByteArray()); }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] {
                  queue_->enqueue(c, Priority::routine,
                                  QByteArray(OutgoingQueue::max_body_size + 1, 'x'));
              }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] {
                  queue_->enqueue(c, Priority::routine, "x",
                                  QByteArray(OutgoingQueue::max_metadata_size + 1, 'm'));
              }),
              Code::bad_input);
    EXPECT_EQ(error_of([&] { queue_->enqueue(c, static_cast<Priority>(3), "x"); }),
              Code::bad_input);
    EXPECT_EQ(queue_->size(), 0);
    // The largest allowed body is fine.
    const QString id =
        queue_->enqueue(c, Priority::routine, QByteArray(OutgoingQueue::max_body_size, 'x'));
    EXPECT_EQ(queue_->find(id)->body.size(), OutgoingQueue::max_body_size);
}

TEST_F(ClientOutgoingQueue, AFullQueueRefusesMore) {
    const QString first = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "x");
    {
        RawSqlite raw(store_->path());
        raw.exec(
            QStringLiteral(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                " INSERT INTO outgoing (client_msg_id, conversation_id, priority, created_ms, body,"
                " metadata) SELECT 'filler-' || i, 'c1', 0, 0, x'00', x'00' FROM n"),
            {OutgoingQueue::max_pending - 1});
    }
    EXPECT_EQ(queue_->size(), OutgoingQueue::max_pending);
    EXPECT_EQ(error_of([&] { queue_->enqueue(QStringLiteral("c1"), Priority::routine, "y"); }),
              Code::bad_input);
    EXPECT_TRUE(queue_->acknowledge(first, 1, 1));
    EXPECT_NO_THROW(queue_->enqueue(QStringLiteral("c1"), Priority::routine, "y"));
}

TEST_F(ClientOutgoingQueue, BodiesAreSealedAndBoundToTheirItem) {
    const QByteArray body = "glucose 2.1 mmol/L, bed 7";
    const QString a = queue_->enqueue(QStringLiteral("c1"), Priority::routine, body, "meta-marker");
    const QString b = queue_->enqueue(QStringLiteral("c1"), Priority::routine, "other");
    EXPECT_FALSE(test::files_contain(dir_.path(), body));
    EXPECT_FALSE(test::files_contain(dir_.path(), "meta-marker"));

    RawSqlite raw(store_->path());
    const auto body_of = [&](const QString& id) {
        return raw.scalar(QStringLiteral("SELECT body FROM outgoing WHERE client_msg_id = ?"), {id})
            .toByteArray();
    };
    const QByteArray sealed_a = body_of(a), sealed_b = body_of(b);
    // Swapped between two items.
    raw.exec(QStringLiteral("UPDATE outgoing SET body = ? WHERE client_msg_id = ?"), {sealed_b, a});
    raw.exec(QStringLiteral("UPDATE outgoing SET body = ? WHERE client_msg_id = ?"), {sealed_a, b});
    EXPECT_EQ(error_of([&] { queue_->pending(); }), Code::tampered);
    EXPECT_EQ(error_of([&] { queue_->find(b); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE outgoing SET body = ? WHERE client_msg_id = ?"), {sealed_a, a});
    raw.exec(QStringLiteral("UPDATE outgoing SET body = ? WHERE client_msg_id = ?"), {sealed_b, b});
    EXPECT_EQ(queue_->find(a)->body, body);
    // Moved to another conversation or priority.
    raw.exec(QStringLiteral("UPDATE outgoing SET conversation_id = 'c2' WHERE client_msg_id = ?"),
             {a});
    EXPECT_EQ(error_of([&] { queue_->find(a); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE outgoing SET conversation_id = 'c1', priority = 2"
                            " WHERE client_msg_id = ?"),
             {a});
    EXPECT_EQ(error_of([&] { queue_->find(a); }), Code::tampered);
    raw.exec(QStringLiteral("UPDATE outgoing SET priority = 0 WHERE client_msg_id = ?"), {a});
    // A flipped byte.
    QByteArray bad = sealed_a;
    bad[30] = static_cast<char>(bad[30] ^ 0x04);
    raw.exec(QStringLiteral("UPDATE outgoing SET body = ? WHERE client_msg_id = ?"), {bad, a});
    EXPECT_EQ(error_of([&] { queue_->find(a); }), Code::tampered);
    // An acknowledgement of a tampered item stores nothing and keeps the item.
    EXPECT_EQ(error_of([&] { queue_->acknowledge(a, 1, 1); }), Code::tampered);
    EXPECT_FALSE(store_->message(QStringLiteral("c1"), 1).has_value());
    EXPECT_EQ(queue_->size(), 2);
}

// Which refusals SendQueue retries by itself, and what the view says about them.
TEST(ClientSendQueueErrors, TransientCodesAreRetriedAndRefusalsForGoodAreNot) {
    for (const char* code : {"unavailable", "timeout", "rate_limited", "too_many_in_flight",
                             "shutting_down", "internal", "unauthenticated", "stale_epoch"})
        EXPECT_TRUE(is_transient_send_error(QString::fromLatin1(code))) << code;
    for (const char* code :
         {"forbidden", "not_found", "bad_request", "archived", "device_quarantined", "not_a_member",
          "mls_failed", "conflict", "", "something_new"})
        EXPECT_FALSE(is_transient_send_error(QString::fromLatin1(code))) << code;
    EXPECT_EQ(send_failure_text(QStringLiteral("not_found")),
              send_failure_text(QStringLiteral("not_a_member")));
    EXPECT_NE(send_failure_text(QStringLiteral("forbidden")),
              send_failure_text(QStringLiteral("device_quarantined")));
    // An unknown code is not echoed back into the text.
    EXPECT_FALSE(send_failure_text(QStringLiteral("secret_marker")).contains("secret_marker"));
    EXPECT_FALSE(send_failure_text(QStringLiteral("secret_marker")).isEmpty());
}

}  // namespace
}  // namespace wardline::client
