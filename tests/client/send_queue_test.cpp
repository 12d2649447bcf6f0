// SPDX-License-Identifier: Apache-2.0
// The send path through the persisted outgoing queue (issue #6, "a send during a server restart
// is delivered once"; docs/client.md, "Outgoing queue") against a real wardline-server, real
// TLS and real PostgreSQL, with two client installations (engine, sealed local store,
// MessageRecorder, MessageListModel under QAbstractItemModelTester):
//  - messages typed while the server is down show as sending, survive an application restart,
//    and reach the peer once each, in order, when the server is back on the same database;
//  - an acknowledgement lost on the way (a TCP relay cuts the connection once the server has
//    answered the send) is answered on the retry with the original seq: one row in PostgreSQL,
//    one message in each store;
//  - a refusal for good (a quarantined device) marks the message failed with a reason, is not
//    retried by itself, and is sent by Retry once the device is released; Discard drops one;
//  - bad input: empty, too long, unknown conversation, unknown priority.
// And retention while a device is offline: on its return it deletes what the server deleted
// (conversations.list, expired_through_seq) and keeps what a legal hold holds.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/outgoing_queue.hpp"
#include "tests/client/enrolled_installation.hpp"
#include "tests/client/memory_stores.hpp"
#include "tests/client/operation_waits.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QAbstractItemModelTester>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace wardline::test {
namespace {

using Model = client::MessageListModel;
using client::OperationResult;
using Tester = QAbstractItemModelTester;

/// A TCP relay between a client and the server that can drop the server's answer to the
/// next large request: once armed, the first data from the server after the client has
/// written a chunk of at least `min_request_bytes` (a messages.send frame; keep-alive frames
/// are far smaller) is not passed on, the connection is cut, and the relay stops listening
/// (connections are refused) until resume(). It relays TLS bytes as they are; it reads
/// nothing.
class CuttingRelay {
public:
    explicit CuttingRelay(std::uint16_t server_port) : server_port_(server_port) {
        server_.listen(QHostAddress::LocalHost, 0);
        port_ = server_.serverPort();
        QObject::connect(&server_, &QTcpServer::newConnection, [this] { accept(); });
    }
    std::uint16_t port() const { return port_; }
    void arm(qint64 min_request_bytes) {
        min_request_bytes_ = min_request_bytes;
        armed_ = true;
    }
    bool cut() const { return cut_; }
    std::size_t connections() const { return pairs_.size(); }
    /// Nothing went either way for `quiet` (e.g. KeyPackage uploads after a join are done).
    bool quiet_for(std::chrono::milliseconds quiet) const {
        return std::chrono::steady_clock::now() - last_traffic_ >= quiet;
    }
    void resume() { server_.listen(QHostAddress::LocalHost, port_); }

private:
    struct Pair {
        std::unique_ptr<QTcpSocket> client;
        std::unique_ptr<QTcpSocket> upstream;
        bool large_request_seen = false;
    };

    void accept() {
        while (QTcpSocket* incoming = server_.nextPendingConnection()) {
            auto pair = std::make_shared<Pair>();
            pair->client.reset(incoming);
            pair->client->setParent(nullptr);
            pair->upstream = std::make_unique<QTcpSocket>();
            Pair* p = pair.get();
            QObject::connect(p->upstream.get(), &QTcpSocket::connected, [p] {
                if (p->client->bytesAvailable() > 0) p->upstream->write(p->client->readAll());
            });
            QObject::connect(p->client.get(), &QTcpSocket::readyRead, [this, p] {
                if (p->upstream->state() != QAbstractSocket::ConnectedState) return;
                const QByteArray data = p->client->readAll();
                last_traffic_ = std::chrono::steady_clock::now();
                if (armed_ && data.size() >= min_request_bytes_) p->large_request_seen = true;
                p->upstream->write(data);
            });
            QObject::connect(p->upstream.get(), &QTcpSocket::readyRead, [this, p] {
                const QByteArray data = p->upstream->readAll();
                last_traffic_ = std::chrono::steady_clock::now();
                if (armed_ && p->large_request_seen) {
                    armed_ = false;
                    cut_ = true;
                    server_.close();
                    p->client->abort();
                    p->upstream->abort();
                    return;
                }
                p->client->write(data);
            });
            QObject::connect(p->client.get(), &QTcpSocket::disconnected,
                             [p] { p->upstream->disconnectFromHost(); });
            QObject::connect(p->upstream.get(), &QTcpSocket::disconnected,
                             [p] { p->client->disconnectFromHost(); });
            p->upstream->connectToHost(QHostAddress::LocalHost, server_port_);
            pairs_.push_back(std::move(pair));
        }
    }

    QTcpServer server_;
    std::uint16_t server_port_;
    std::vector<std::shared_ptr<Pair>> pairs_;
    qint64 min_request_bytes_ = 0;
    bool armed_ = false;
    bool cut_ = false;
    std::uint16_t port_ = 0;
    std::chrono::steady_clock::time_point last_traffic_ = std::chrono::steady_clock::now();
};

/// One installation whose application part (connection, session, engine, local store,
/// recorder, message view) can be closed and opened again, as a restart of the application
/// does; the device, the local key and the store directory stay, and so does the MLS state
/// (in memory here: its persistence has tests of its own).
struct Installation {
    client::DeviceIdentity identity;
    MemoryGroupStore groups;
    MemoryKeyPackageStore key_packages;
    QTemporaryDir directory;
    client::LocalKey key = client::LocalKey::generate();
    client::StoreAccount account;
    QString token;
    std::uint16_t port = 0;
    std::string certificate;

    std::unique_ptr<client::ServerConnection> connection;
    std::unique_ptr<client::Session> session;
    std::unique_ptr<client::GroupEngine> engine;
    std::unique_ptr<client::LocalStore> store;
    std::unique_ptr<client::ColleagueDirectory> colleagues;
    std::unique_ptr<client::MessageRecorder> recorder;
    std::vector<std::unique_ptr<Model>> views;
    std::vector<std::unique_ptr<Tester>> testers;

    void open() {
        client::ConnectionOptions o;
        o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(port));
        o.tls.ca_file = QString::fromStdString(certificate);
        o.backoff_base = std::chrono::milliseconds(100);
        o.backoff_cap = std::chrono::milliseconds(500);
        connection = std::make_unique<client::ServerConnection>(o);
        session = std::make_unique<client::Session>(*connection, identity);
        client::GroupEngineOptions options;
        options.key_packages.batch = 12;
        engine = std::make_unique<client::GroupEngine>(*connection, *session, identity, groups,
                                                       key_packages, options);
        store = std::make_unique<client::LocalStore>(directory.path(), account, key);
        colleagues = std::make_unique<client::ColleagueDirectory>(*connection);
        client::SendQueueOptions send;
        send.retry_base = std::chrono::milliseconds(100);
        send.retry_cap = std::chrono::milliseconds(1000);
        recorder = std::make_unique<client::MessageRecorder>(*connection, *engine, *store,
                                                             *colleagues, send);
        EXPECT_TRUE(connection->open());
        session->resume(token);
    }
    /// The application quits: everything but the device, the key and the directory goes.
    void close() {
        testers.clear();
        views.clear();
        recorder.reset();
        colleagues.reset();
        store.reset();
        engine.reset();
        session.reset();
        connection.reset();
    }
    Model& view(const QString& conversation) {
        views.push_back(std::make_unique<Model>(*store, *recorder, *colleagues, conversation));
        testers.push_back(
            std::make_unique<Tester>(views.back().get(), Tester::FailureReportingMode::Fatal));
        return *views.back();
    }
    /// Started, with its KeyPackages on the server (others may add it to a group).
    bool ready() const { return engine && ready_for_peers(*engine); }
};

/// The rows of a view: body and state, in order.
std::vector<std::pair<QString, QString>> rows(const Model& m) {
    std::vector<std::pair<QString, QString>> out;
    for (int r = 0; r < m.rowCount(); ++r)
        out.emplace_back(m.index(r).data(Model::BodyRole).toString(),
                         m.index(r).data(Model::StateRole).toString());
    return out;
}

using Rows = std::vector<std::pair<QString, QString>>;

class ClientSendQueue : public IdentityFixture {
protected:
    void TearDown() override {
        installations_.clear();
        IdentityFixture::TearDown();
    }

    void start_server() {
        start({{"identity.login_burst", "1000"}});
        create_org("General");
    }

    /// An installation of `user` signed in through `port` (the server's, or a relay's).
    Installation& install(const TestUser& user, std::uint16_t port = 0) {
        auto a = std::make_unique<Installation>();
        a->identity = enrolled_identity(user);
        a->account = {QStringLiteral("localhost"), QString::fromStdString(user.id),
                      a->identity.device_id};
        a->token = QString::fromStdString(user.token);
        a->port = port ? port : server().port();
        a->certificate = server().certificate();
        a->open();
        EXPECT_TRUE(qt_wait_for([&] { return a->ready(); }, 20s))
            << user.username << "'s engine did not start";
        installations_.push_back(std::move(a));
        return *installations_.back();
    }

    OperationResult finish(const std::function<void(OperationDone)>& op,
                           std::chrono::milliseconds timeout = 20s) {
        return finish_operation(op, timeout);
    }

    /// A direct conversation of `a` with `b_user`, joined by both engines and known to both
    /// stores.
    QString direct(Installation& a, Installation& b, const TestUser& b_user) {
        const auto r = finish(
            [&](auto done) { a.recorder->start_direct(QString::fromStdString(b_user.id), done); });
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        EXPECT_TRUE(qt_wait_for(
            [&] {
                return b.engine->has_group(r.conversation_id) &&
                       a.store->conversation(r.conversation_id) &&
                       b.store->conversation(r.conversation_id);
            },
            20s));
        return r.conversation_id;
    }

    long long stored_on_server(const QString& conversation) {
        return count(
            "SELECT count(*) FROM messages WHERE kind = 'application' AND "
            "conversation_id = '" +
            conversation.toStdString() + "'");
    }

    std::vector<std::unique_ptr<Installation>> installations_;
};

TEST_F(ClientSendQueue, MessagesSentWhileTheServerIsDownSurviveARestartAndArriveOnceInOrder) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& bob_view = bob.view(conv);

    server().stop();
    ASSERT_TRUE(qt_wait_for(
        [&] { return alice.connection->state() != client::ServerConnection::State::connected; }));
    auto* alice_view = &alice.view(conv);
    std::vector<OperationResult> results;
    const QString first = QStringLiteral("K+ 6.1, repeat the sample");
    const QString second = QStringLiteral("and call me with the result");
    alice.recorder->send(conv, first, "urgent",
                         [&](const OperationResult& r) { results.push_back(r); });
    alice.recorder->send(conv, second, "routine",
                         [&](const OperationResult& r) { results.push_back(r); });
    EXPECT_EQ(rows(*alice_view), (Rows{{first, "sending"}, {second, "sending"}}))
        << "queued messages show at once, in the order typed";
    EXPECT_TRUE(alice_view->index(0).data(Model::QueuedRole).toBool());
    EXPECT_EQ(alice_view->index(0).data(Model::PriorityRole).toString(), "urgent");

    // The application quits and starts again while the server is still down.
    alice.close();
    EXPECT_TRUE(results.empty()) << "nothing was answered while the server was down";
    alice.open();
    alice_view = &alice.view(conv);
    EXPECT_EQ(rows(*alice_view), (Rows{{first, "sending"}, {second, "sending"}}))
        << "the queue survived the restart";
    const QString first_id = alice_view->index(0).data(Model::ClientMsgIdRole).toString();
    const QString second_id = alice_view->index(1).data(Model::ClientMsgIdRole).toString();
    EXPECT_NE(first_id, second_id);

    server().restart();  // the same port, keys and database
    ASSERT_TRUE(qt_wait_for([&] { return alice.recorder->queued(conv).empty(); }, 30s))
        << "the queue was not sent after the restart";
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 2; }, 20s))
        << "bob has " << bob_view.rowCount() << " messages";
    EXPECT_EQ(rows(bob_view), (Rows{{first, "received"}, {second, "received"}}))
        << "each once, in the order typed";
    EXPECT_EQ(rows(*alice_view), (Rows{{first, "sent"}, {second, "sent"}}))
        << "the sender's view shows each once, sent";
    EXPECT_EQ(alice_view->index(0).data(Model::ClientMsgIdRole).toString(), first_id)
        << "sent with the client message id chosen when it was queued";
    EXPECT_EQ(alice_view->index(1).data(Model::ClientMsgIdRole).toString(), second_id);
    EXPECT_LT(alice_view->index(0).data(Model::SeqRole).toLongLong(),
              alice_view->index(1).data(Model::SeqRole).toLongLong());
    EXPECT_EQ(stored_on_server(conv), 2);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE client_msg_id IN ('" +
                    first_id.toStdString() + "', '" + second_id.toStdString() + "')"),
              2);
    // Nothing more arrives later.
    qt_wait_for([] { return false; }, 300ms);
    EXPECT_EQ(bob_view.rowCount(), 2);
    EXPECT_EQ(alice_view->rowCount(), 2);
}

TEST_F(ClientSendQueue, ALostAcknowledgementIsAnsweredOnTheRetryWithoutADuplicate) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    CuttingRelay relay(server().port());
    auto& alice = install(alice_user, relay.port());
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& alice_view = alice.view(conv);
    auto& bob_view = bob.view(conv);

    ASSERT_TRUE(qt_wait_for([&] { return relay.quiet_for(300ms); }));
    relay.arm(200);
    const QString text = QStringLiteral("Bed 4 is ready for the transfer");
    std::optional<OperationResult> result;
    alice.recorder->send(conv, text, "routine", [&](const OperationResult& r) { result = r; });
    ASSERT_TRUE(qt_wait_for([&] { return relay.cut(); })) << "the relay never cut";
    // The server stored it; the client did not hear so.
    ASSERT_TRUE(qt_wait_for([&] { return stored_on_server(conv) == 1; }))
        << "the send did not reach the server before the cut";
    EXPECT_FALSE(result.has_value());
    EXPECT_EQ(rows(alice_view), (Rows{{text, "sending"}}));

    relay.resume();
    ASSERT_TRUE(qt_wait_for([&] { return result.has_value(); }, 30s))
        << "connection state " << static_cast<int>(alice.connection->state()) << ", session step "
        << static_cast<int>(alice.session->step()) << ", relayed connections "
        << relay.connections();
    EXPECT_TRUE(result->ok) << result->error_code.toStdString();
    EXPECT_TRUE(result->duplicate) << "the retry was answered with the original acknowledgement";
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 1; }, 20s));
    qt_wait_for([] { return false; }, 300ms);
    EXPECT_EQ(stored_on_server(conv), 1) << "one row in PostgreSQL";
    EXPECT_EQ(rows(alice_view), (Rows{{text, "sent"}}));
    EXPECT_EQ(rows(bob_view), (Rows{{text, "received"}}));
    EXPECT_EQ(alice_view.index(0).data(Model::SeqRole).toLongLong(), result->seq);
    EXPECT_EQ(bob_view.index(0).data(Model::SeqRole).toLongLong(), result->seq);
    EXPECT_EQ(alice.store->messages_before(conv, std::numeric_limits<qint64>::max(), 10).size(),
              1u);
    EXPECT_EQ(bob.store->messages_before(conv, std::numeric_limits<qint64>::max(), 10).size(), 1u);
}

TEST_F(ClientSendQueue, ARefusalForGoodIsShownAsFailedAndWaitsForRetryOrDiscard) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& alice_view = alice.view(conv);
    auto& bob_view = bob.view(conv);

    ASSERT_EQ(ctl("devices quarantine " + alice_user.device_id + " --org General").status, 0);
    const QString text = QStringLiteral("Please check the drain output");
    const auto refused =
        finish([&](auto done) { alice.recorder->send(conv, text, "routine", done); });
    EXPECT_FALSE(refused.ok);
    EXPECT_EQ(refused.error_code, "device_quarantined");
    ASSERT_EQ(rows(alice_view), (Rows{{text, "failed"}}));
    EXPECT_EQ(alice_view.index(0).data(Model::FailureRole).toString(),
              "This device is quarantined by your administrator.");
    const QString id = alice_view.index(0).data(Model::ClientMsgIdRole).toString();
    const int attempts = alice.recorder->queued(conv).at(0).attempts;
    // Not retried by itself: no attempt is added while the connection stays up.
    qt_wait_for([] { return false; }, 1500ms);
    EXPECT_EQ(alice.recorder->queued(conv).at(0).attempts, attempts);
    EXPECT_EQ(stored_on_server(conv), 0);
    EXPECT_FALSE(
        alice.recorder->retry_send(QStringLiteral("00000000-0000-4000-8000-000000000000")));

    // A second one is discarded by the user.
    const auto also =
        finish([&](auto done) { alice.recorder->send(conv, "second", "routine", done); });
    EXPECT_EQ(also.error_code, "device_quarantined");
    ASSERT_EQ(alice_view.rowCount(), 2);
    EXPECT_TRUE(
        alice.recorder->discard_send(alice_view.index(1).data(Model::ClientMsgIdRole).toString()));
    EXPECT_EQ(rows(alice_view), (Rows{{text, "failed"}}));

    // Released, and retried by the user: sent with the same client message id.
    ASSERT_EQ(ctl("devices release " + alice_user.device_id + " --org General").status, 0);
    ASSERT_TRUE(alice.recorder->retry_send(id));
    ASSERT_TRUE(qt_wait_for([&] { return rows(alice_view) == Rows{{text, "sent"}}; }, 20s));
    EXPECT_EQ(alice_view.index(0).data(Model::ClientMsgIdRole).toString(), id);
    ASSERT_TRUE(qt_wait_for([&] { return bob_view.rowCount() == 1; }, 20s));
    EXPECT_EQ(rows(bob_view), (Rows{{text, "received"}}));
    EXPECT_EQ(stored_on_server(conv), 1) << "the discarded one never went";
    EXPECT_FALSE(alice.recorder->retry_send(id)) << "nothing is left to retry";
}

TEST_F(ClientSendQueue, BadInputIsRefusedAtOnceAndNothingIsQueued) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = direct(alice, bob, bob_user);
    auto& alice_view = alice.view(conv);

    const auto empty =
        finish([&](auto done) { alice.recorder->send(conv, " \n\t", "routine", done); });
    EXPECT_EQ(empty.error_code, "bad_request");
    const QString too_long(static_cast<qsizetype>(client::MessageRecorder::max_text_bytes) + 1,
                           QLatin1Char('x'));
    const auto oversized =
        finish([&](auto done) { alice.recorder->send(conv, too_long, "routine", done); });
    EXPECT_EQ(oversized.error_code, "bad_request");
    // Multi-byte text counts in UTF-8 bytes: under the limit in characters, over it in bytes.
    const QString wide(static_cast<qsizetype>(client::MessageRecorder::max_text_bytes) / 2 + 1,
                       QChar(0x00E9));
    EXPECT_EQ(
        finish([&](auto done) { alice.recorder->send(conv, wide, "routine", done); }).error_code,
        "bad_request");
    const auto unknown = finish([&](auto done) {
        alice.recorder->send(QStringLiteral("00000000-0000-4000-8000-000000000000"), "hello",
                             "routine", done);
    });
    EXPECT_EQ(unknown.error_code, "not_found");
    EXPECT_EQ(
        finish([&](auto done) { alice.recorder->send({}, "hello", "routine", done); }).error_code,
        "not_found");
    EXPECT_EQ(finish([&](auto done) {
                  alice.recorder->send(conv, "hello", "whenever", done);
              }).error_code,
              "bad_request");
    EXPECT_EQ(alice_view.rowCount(), 0);
    EXPECT_TRUE(alice.recorder->outbox().all().empty()) << "nothing was queued";

    // The recorder still works: the largest allowed message goes through.
    const QString largest(static_cast<qsizetype>(client::MessageRecorder::max_text_bytes),
                          QLatin1Char('y'));
    const auto sent =
        finish([&](auto done) { alice.recorder->send(conv, largest, "routine", done); });
    EXPECT_TRUE(sent.ok) << sent.error_code.toStdString();
    EXPECT_EQ(rows(alice_view), (Rows{{largest, "sent"}}));
    EXPECT_EQ(stored_on_server(conv), 1);
}

/// Retention while a device is offline (issue #7): the device missed messages.expired, and on
/// its next start conversations.list (expired_through_seq) has it delete what the server
/// deleted, and nothing the server still holds (a conversation under a legal hold, a message
/// inside the policy's window).
class ClientRetentionCatchUp : public ClientSendQueue {};

TEST_F(ClientRetentionCatchUp, AnOfflineDeviceDeletesWhatExpiredOnItsReturnAndKeepsHeldMessages) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.physician", "physician");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString conv = direct(alice, bob, bob_user);
    const QString held = direct(carol, bob, bob_user);
    const auto send = [&](Installation& from, const QString& to, const char* text) {
        const auto r = finish(
            [&](auto done) { from.recorder->send(to, QString::fromUtf8(text), "routine", done); });
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        return r.seq;
    };
    const auto old1 = send(alice, conv, "old: obs due");
    const auto old2 = send(alice, conv, "old: obs done");
    const auto recent = send(alice, conv, "today: handover");
    const auto held_seq = send(carol, held, "held: incident notes");
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.store->message(conv, recent).has_value() &&
               bob.store->message(held, held_seq).has_value();
    }));

    bob.close();  // offline while the job runs: it never hears messages.expired
    auto db = owner();
    db.exec(
        "UPDATE messages SET created_at = now() - interval '40 days' WHERE (conversation_id = '" +
        conv.toStdString() + "' AND seq <= " + std::to_string(old2) + ") OR conversation_id = '" +
        held.toStdString() + "'");
    db.exec(
        "INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT org_id, "
        "'organization', 30, id FROM users WHERE id = '" +
        alice_user.id + "'");
    db.exec(
        "INSERT INTO legal_holds (org_id, scope, conversation_id, case_name, starts_at, "
        "placed_by) SELECT org_id, 'conversation', id, 'Case 7', now() - interval '1 year', "
        "created_by FROM conversations WHERE id = '" +
        held.toStdString() + "'");
    const auto run = ctl("retention run");
    ASSERT_EQ(run.status, 0) << run.output;
    ASSERT_EQ(stored_on_server(conv), 1);
    ASSERT_EQ(stored_on_server(held), 1);

    bob.open();
    ASSERT_TRUE(qt_wait_for([&] { return !bob.store->message(conv, old1).has_value(); }, 20s))
        << "the expired message stayed on the device that was offline";
    EXPECT_FALSE(bob.store->message(conv, old2).has_value());
    ASSERT_TRUE(bob.store->message(conv, recent).has_value()) << "inside the window: kept";
    EXPECT_EQ(bob.store->message(conv, recent)->body, QByteArray("today: handover"));
    ASSERT_TRUE(bob.store->message(held, held_seq).has_value()) << "under a legal hold: kept";
    EXPECT_EQ(bob.store->message(held, held_seq)->body, QByteArray("held: incident notes"));
    auto& view = bob.view(conv);
    ASSERT_EQ(view.rowCount(), 1);
    EXPECT_EQ(view.index(0).data(Model::SeqRole).toLongLong(), recent);
    // The sender, online all along, was told by messages.expired; both devices now agree.
    ASSERT_TRUE(qt_wait_for([&] { return !alice.store->message(conv, old2).has_value(); }));
    EXPECT_TRUE(alice.store->message(conv, recent).has_value());
}

}  // namespace
}  // namespace wardline::test
