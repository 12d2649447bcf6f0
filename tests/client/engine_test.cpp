// SPDX-License-Identifier: Apache-2.0
// The client's MLS engine (client-qt/core/group_engine.hpp) end to end: client-core
// installations signed in to a real wardline-server (real TLS, real PostgreSQL), each with
// its own engine, exchanging real MLS ciphertexts. Direct and group conversations, a member
// added mid-conversation who reads only what follows, a removed member who cannot read what
// follows, a device that lost its state and joins again by external commit, a stale commit
// retried, tampered and misattributed ciphertexts refused, the KeyPackage stock replenished
// and a Welcome opened after a restart; a user who had no device, or whose device had no
// KeyPackage, when conversations were made with them joins by external commit and reads what
// follows, on every device; a join that keeps failing backs off and gives up with a reason.
// The plaintext is checked against the bytes the server relayed, the stored rows and every log
// line.
#include "client-qt/core/account_storage.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/group_record.hpp"
#include "client-qt/core/mls_device.hpp"
#include "client-qt/core/mls_wire.hpp"
#include "common/mls/struct_codec.hpp"
#include "tests/client/enrolled_installation.hpp"
#include "tests/client/memory_stores.hpp"
#include "tests/client/operation_waits.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace wardline::test {
namespace {

using client::DecryptedMessage;
using client::DeviceIdentity;
using client::GroupEngine;
using client::MessageRefusal;
using client::OperationResult;
using client::OutgoingMessage;
using client::ServerConnection;
using client::Session;

// Every log line of the test process, to show that no plaintext reaches a log.
std::mutex g_log_mutex;
std::vector<std::string> g_log;
QtMessageHandler g_previous_handler = nullptr;

void capture_log(QtMsgType type, const QMessageLogContext& context, const QString& text) {
    {
        std::lock_guard lock(g_log_mutex);
        g_log.push_back(text.toStdString());
    }
    if (g_previous_handler != nullptr) g_previous_handler(type, context, text);
}

/// One client installation of a user: its identity (the test user's device key), connection,
/// session and MLS engine with in-memory stores, recording what the engine reports.
struct Installation {
    DeviceIdentity identity;
    std::shared_ptr<MemoryGroupStore> groups;
    std::shared_ptr<MemoryKeyPackageStore> key_packages;
    /// When set, the engine keeps its state here (the local store) instead of the memory stores.
    std::unique_ptr<client::AccountStorage> storage;
    std::unique_ptr<ServerConnection> connection;
    std::unique_ptr<Session> session;
    std::unique_ptr<GroupEngine> engine;
    std::vector<DecryptedMessage> received;
    std::vector<MessageRefusal> refusals;
    std::vector<QJsonObject> relayed;  ///< every message.new body as the server sent it
    std::vector<QString> left;
    std::vector<client::JoinFailure> join_failures;
    std::vector<std::chrono::steady_clock::time_point> join_failure_times;

    /// The number of messages received from `conversation`.
    std::size_t count(const QString& conversation) const {
        std::size_t n = 0;
        for (const auto& m : received)
            if (m.conversation_id == conversation) ++n;
        return n;
    }
    QString last_text() const {
        return received.empty() ? QString() : QString::fromUtf8(received.back().plaintext);
    }
    /// The relayed message.new of `seq` in `conversation`.
    QJsonObject relayed_at(const QString& conversation, std::int64_t seq) const {
        for (const auto& b : relayed)
            if (b.value("conversation_id").toString() == conversation &&
                b.value("seq").toInteger() == seq)
                return b;
        return {};
    }
};

class ClientEngine : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        g_previous_handler = qInstallMessageHandler(capture_log);
    }
    void TearDown() override {
        installations_.clear();
        qInstallMessageHandler(g_previous_handler);
        std::lock_guard lock(g_log_mutex);
        for (const auto& line : g_log)
            for (const auto& secret : secrets_)
                EXPECT_EQ(line.find(secret), std::string::npos) << "a plaintext is in the log";
        g_log.clear();
        IdentityFixture::TearDown();
    }

    void start_server_for_engines(std::map<std::string, std::string> config = {}) {
        config.emplace("identity.login_burst", "1000");
        start(std::move(config));
        create_org("General");
    }

    /// A signed-in installation of `user`'s enrolled device, its engine started. `groups` and
    /// `key_packages` are the stores it keeps (a "restart" passes the previous ones).
    Installation& install(const TestUser& user, std::shared_ptr<MemoryGroupStore> groups = {},
                          std::shared_ptr<MemoryKeyPackageStore> key_packages = {},
                          std::unique_ptr<client::AccountStorage> storage = {}) {
        auto a = std::make_unique<Installation>();
        a->groups = groups ? std::move(groups) : std::make_shared<MemoryGroupStore>();
        a->key_packages =
            key_packages ? std::move(key_packages) : std::make_shared<MemoryKeyPackageStore>();
        a->storage = std::move(storage);
        client::GroupStateStore& group_store = a->storage ? a->storage->group_states() : *a->groups;
        client::KeyPackageSecretStore& key_package_store =
            a->storage ? a->storage->key_package_secrets() : *a->key_packages;
        a->identity = enrolled_identity(user);
        a->connection = std::make_unique<ServerConnection>(test_server_options(server()));
        a->session = std::make_unique<Session>(*a->connection, a->identity);
        client::GroupEngineOptions options = next_options_.value_or(client::GroupEngineOptions{});
        next_options_.reset();
        options.key_packages.batch = 12;
        a->engine = std::make_unique<GroupEngine>(*a->connection, *a->session, a->identity,
                                                  group_store, key_package_store, options);
        Installation* self = a.get();
        QObject::connect(a->engine.get(), &GroupEngine::messageDecrypted,
                         [self](const DecryptedMessage& m) { self->received.push_back(m); });
        QObject::connect(a->engine.get(), &GroupEngine::messageRefused,
                         [self](const MessageRefusal& r) { self->refusals.push_back(r); });
        QObject::connect(a->engine.get(), &GroupEngine::left,
                         [self](const QString& c) { self->left.push_back(c); });
        QObject::connect(a->engine.get(), &GroupEngine::joinFailed,
                         [self](const client::JoinFailure& f) {
                             self->join_failures.push_back(f);
                             self->join_failure_times.push_back(std::chrono::steady_clock::now());
                         });
        QObject::connect(a->connection.get(), &ServerConnection::event,
                         [self](const client::ServerEvent& e) {
                             if (e.type == QLatin1String("message.new"))
                                 self->relayed.push_back(e.body);
                         });
        EXPECT_TRUE(a->connection->open());
        a->session->resume(QString::fromStdString(user.token));
        EXPECT_TRUE(qt_wait_for(
            [&] {
                return a->engine->started() && a->engine->key_package_stock().checks() > 0 &&
                       !a->engine->key_package_stock().busy();
            },
            20s))
            << user.username << "'s engine did not start";
        installations_.push_back(std::move(a));
        return *installations_.back();
    }

    /// Runs an engine operation to its end.
    OperationResult finish(const std::function<void(OperationDone)>& op) {
        return finish_operation(op);
    }

    QString create(Installation& creator, QJsonObject body, const std::vector<TestUser*>& others) {
        QJsonArray members;
        for (const auto* o : others) members.append(QString::fromStdString(o->id));
        body.insert("members", members);
        const auto r = finish([&](auto done) { creator.engine->create_conversation(body, done); });
        EXPECT_TRUE(r.ok) << r.error_code.toStdString() << " " << r.error_message.toStdString();
        return r.conversation_id;
    }

    /// Sends `text` from `from`; every installation in `to` decrypts exactly it.
    std::int64_t exchange(Installation& from, const QString& conversation, const std::string& text,
                          const std::vector<Installation*>& to) {
        secrets_.push_back(text);
        std::vector<std::size_t> before;
        for (auto* t : to) before.push_back(t->count(conversation));
        OutgoingMessage m;
        m.plaintext = QByteArray::fromStdString(text);
        const auto r = finish([&](auto done) { from.engine->send(conversation, m, done); });
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        for (std::size_t i = 0; i < to.size(); ++i) {
            EXPECT_TRUE(qt_wait_for([&] { return to[i]->count(conversation) > before[i]; }))
                << "not received: " << text;
            if (to[i]->count(conversation) > before[i]) {
                const auto& got = to[i]->received.back();
                EXPECT_EQ(got.plaintext.toStdString(), text);
                EXPECT_EQ(got.seq, r.seq);
                EXPECT_EQ(got.sender_device_id, from.identity.device_id);
                EXPECT_EQ(got.sender_user_id, from.session->info()->user_id);
            }
        }
        return r.seq;
    }

    /// Every installation has the group at the same epoch with the same epoch authenticator.
    void expect_in_step(const QString& conversation, const std::vector<Installation*>& members) {
        ASSERT_FALSE(members.empty());
        EXPECT_TRUE(qt_wait_for([&] {
            for (auto* m : members)
                if (m->engine->epoch(conversation) != members.front()->engine->epoch(conversation))
                    return false;
            return true;
        })) << "the members did not reach the same epoch";
        for (auto* m : members) {
            EXPECT_TRUE(m->engine->has_group(conversation));
            EXPECT_EQ(m->engine->epoch_authenticator(conversation),
                      members.front()->engine->epoch_authenticator(conversation));
        }
    }

    /// The group of a saved record, restored outside the engine.
    static mls::Group restored(const QByteArray& record) {
        const auto decoded = client::decode_group_record(record);
        if (!decoded) throw std::runtime_error("unreadable record");
        auto group = mls::Group::restore(decoded->state);
        if (!group) throw std::runtime_error("unrestorable state");
        return std::move(*group);
    }

    /// The plaintext appears nowhere in what the server relayed or stored.
    void expect_never_on_server(const Installation& receiver, const std::string& text) {
        std::size_t checked = 0;
        for (const auto& body : receiver.relayed) {
            const auto bytes = QByteArray::fromBase64(body.value("message").toString().toLatin1());
            EXPECT_FALSE(bytes.contains(QByteArray::fromStdString(text)));
            EXPECT_FALSE(body.value("message").toString().contains(QString::fromStdString(text)));
            ++checked;
        }
        EXPECT_GT(checked, 0u);
        EXPECT_EQ(count("SELECT count(*) FROM messages WHERE position(convert_to('" + text +
                        "', 'UTF8') in body_sealed) > 0"),
                  0);
    }

    /// A second device of `user`, signed in over a plain test connection (not an engine).
    std::unique_ptr<WsClient> second_device(const TestUser& user) {
        TestUser other = user;
        new_device_key(other);
        other.device_id.clear();
        auto ws = connect();
        auto r = ws->request("auth.login", login_body(*ws, other, other.password));
        EXPECT_EQ(r["body"].value("next", ""), "mfa_verify") << r.dump();
        r = ws->request("auth.mfa_verify", {{"recovery_code", other.recovery_codes.back()}});
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        return ws;
    }

    /// Another device of `user` (a new key pair, first signed in with a recovery code), ready
    /// for install().
    TestUser another_device(const TestUser& user) {
        TestUser other = user;
        new_device_key(other);
        other.device_id.clear();
        auto ws = connect();
        auto r = ws->request("auth.login", login_body(*ws, other, other.password));
        EXPECT_EQ(r["body"].value("next", ""), "mfa_verify") << r.dump();
        r = ws->request("auth.mfa_verify", {{"recovery_code", other.recovery_codes.back()}});
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        other.token = r["body"]["session"].value("token", "");
        other.device_id = r["body"]["session"].value("device_id", "");
        ws->close();
        return other;
    }

    std::string text_of(const std::string& sql) {
        return std::string(owner().exec(sql).text_or_throw(0, 0));
    }

    /// Options for the next install() (then the defaults again).
    std::optional<client::GroupEngineOptions> next_options_;
    std::vector<std::unique_ptr<Installation>> installations_;
    std::vector<std::string> secrets_;
};

TEST_F(ClientEngine, TwoUsersExchangeEncryptedMessagesInADirectConversation) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    EXPECT_EQ(alice.engine->key_package_stock().uploads(), 1);

    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); })) << "bob never joined";
    expect_in_step(conv, {&alice, &bob});
    EXPECT_EQ(alice.engine->epoch(conv).value_or(99), 1u);
    EXPECT_EQ(bob.key_packages->records.size(), 12u) << "the used KeyPackage's keys are erased";

    exchange(alice, conv, "Potassium 5.9 in bed 4, please repeat the sample", {&bob});
    exchange(bob, conv, "Repeat sent to the lab at 10:40", {&alice});
    exchange(alice, conv, "Thanks, calling nephrology", {&bob});
    expect_never_on_server(bob, "Potassium 5.9 in bed 4, please repeat the sample");
    expect_never_on_server(alice, "Repeat sent to the lab at 10:40");
    EXPECT_TRUE(alice.refusals.empty());
    EXPECT_TRUE(bob.refusals.empty());
    // The state is saved: each record restores to the group the engine holds.
    EXPECT_EQ(client::to_qbytes(restored(bob.groups->records.at(conv)).epoch_authenticator()),
              bob.engine->epoch_authenticator(conv));
    // The delivery cursor follows what the engine processed.
    EXPECT_TRUE(qt_wait_for([&] {
        return count("SELECT count(*) FROM device_cursors WHERE conversation_id = '" +
                     conv.toStdString() + "' AND device_id = '" + bob_user.device_id +
                     "' AND delivered_seq >= 3") == 1;
    }));
}

TEST_F(ClientEngine, AnOfflineDeviceCatchesUpInOrderWhenItReconnects) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }));

    // Bob's connection drops; meanwhile Alice commits new keys and writes twice.
    bob.connection->close();
    ASSERT_TRUE(finish([&](auto done) { alice.engine->update(conv, done); }).ok);
    for (const char* text : {"First while you were offline", "Second while you were offline"}) {
        secrets_.emplace_back(text);
        OutgoingMessage m;
        m.plaintext = text;
        ASSERT_TRUE(finish([&](auto done) { alice.engine->send(conv, m, done); }).ok);
    }
    EXPECT_EQ(bob.count(conv), 0u);
    // It comes back: the session resumes, the engine syncs the commit and both messages.
    ASSERT_TRUE(bob.connection->open());
    ASSERT_TRUE(qt_wait_for([&] { return bob.count(conv) == 2; })) << "no catch-up";
    EXPECT_EQ(bob.received[0].plaintext, "First while you were offline");
    EXPECT_EQ(bob.received[1].plaintext, "Second while you were offline");
    EXPECT_LT(bob.received[0].seq, bob.received[1].seq);
    expect_in_step(conv, {&alice, &bob});
    EXPECT_TRUE(bob.refusals.empty());
}

TEST_F(ClientEngine, AGroupOfThreeAndAMemberAddedLaterWhoReadsOnlyWhatFollows) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    TestUser dave_user = enroll("General", "dave.pharmacist", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    auto& dave = install(dave_user);

    const QString conv =
        create(alice, {{"kind", "group"}, {"title", "Ward 3 round"}}, {&bob_user, &carol_user});
    ASSERT_TRUE(
        qt_wait_for([&] { return bob.engine->has_group(conv) && carol.engine->has_group(conv); }));
    expect_in_step(conv, {&alice, &bob, &carol});
    const auto old_seq = exchange(alice, conv, "Round starts at nine in bay B", {&bob, &carol});
    exchange(carol, conv, "Bay B has two new admissions", {&alice, &bob});
    exchange(bob, conv, "Bed 7 needs a fluid review", {&alice, &carol});

    const auto added = finish([&](auto done) {
        alice.engine->add_members(conv, {QString::fromStdString(dave_user.id)}, done);
    });
    ASSERT_TRUE(added.ok) << added.error_code.toStdString();
    EXPECT_TRUE(added.missing_devices.isEmpty());
    ASSERT_TRUE(qt_wait_for([&] { return dave.engine->has_group(conv); }));
    expect_in_step(conv, {&alice, &bob, &carol, &dave});
    exchange(bob, conv, "Dave, can you check the warfarin dose in bed 7?", {&alice, &carol, &dave});
    exchange(dave, conv, "Warfarin dose checked, INR tomorrow", {&alice, &bob, &carol});

    // Nothing from before reached Dave, and his keys cannot open it.
    EXPECT_EQ(dave.count(conv), 1u) << "only what followed his joining (his own is not echoed)";
    for (const auto& m : dave.received) EXPECT_GT(m.seq, old_seq);
    const QJsonObject old = bob.relayed_at(conv, old_seq);
    ASSERT_FALSE(old.isEmpty());
    auto dave_group = restored(dave.groups->records.at(conv));
    const auto old_message = client::mls_from_base64(old.value("message").toString(), 65536);
    ASSERT_TRUE(old_message);
    EXPECT_FALSE(dave_group.process(*old_message)) << "a joiner read a message from before";
    EXPECT_TRUE(dave.refusals.empty());
    expect_never_on_server(dave, "Dave, can you check the warfarin dose in bed 7?");
}

TEST_F(ClientEngine, ARemovedMemberCannotDecryptWhatFollows) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString conv =
        create(alice, {{"kind", "group"}, {"title", "Night shift"}}, {&bob_user, &carol_user});
    ASSERT_TRUE(
        qt_wait_for([&] { return bob.engine->has_group(conv) && carol.engine->has_group(conv); }));
    exchange(alice, conv, "Handover at seven", {&bob, &carol});
    // Only an owner removes others, and the engine changes nothing when the server refuses.
    const auto epoch_before = alice.engine->epoch(conv);
    const auto refused = finish([&](auto done) {
        bob.engine->remove_member(conv, QString::fromStdString(carol_user.id), done);
    });
    EXPECT_FALSE(refused.ok);
    EXPECT_EQ(refused.error_code, "forbidden");
    const auto not_mine = finish([&](auto done) {
        bob.engine->add_members(conv, {QString::fromStdString(alice_user.id)}, done);
    });
    EXPECT_EQ(not_mine.error_code, "forbidden");
    const auto unknown = finish([&](auto done) {
        OutgoingMessage m;
        m.plaintext = "to nowhere";
        bob.engine->send(client::new_uuid(), m, done);
    });
    EXPECT_EQ(unknown.error_code, "not_a_member");
    EXPECT_EQ(alice.engine->epoch(conv), epoch_before);
    EXPECT_TRUE(carol.engine->has_group(conv));
    // What Carol's device holds before she is removed.
    const QByteArray carol_record = carol.groups->records.at(conv);

    const auto removed = finish([&](auto done) {
        alice.engine->remove_member(conv, QString::fromStdString(carol_user.id), done);
    });
    ASSERT_TRUE(removed.ok) << removed.error_code.toStdString();
    EXPECT_TRUE(qt_wait_for([&] { return !carol.engine->has_group(conv); }));
    EXPECT_EQ(carol.left, std::vector<QString>{conv});
    EXPECT_EQ(carol.groups->records.count(conv), 0u) << "the removed device's state is erased";
    expect_in_step(conv, {&alice, &bob});

    const auto after = exchange(alice, conv, "Carol has left the ward: new plan for bed 2", {&bob});
    exchange(bob, conv, "Understood, bed 2 is mine", {&alice});
    EXPECT_EQ(carol.count(conv), 1u) << "nothing after the removal reached Carol";

    // Even with the removal commit and the ciphertext in hand, Carol's keys open nothing.
    auto carol_group = restored(carol_record);
    const QJsonObject commit = bob.relayed_at(conv, removed.seq);
    ASSERT_EQ(commit.value("kind").toString(), "commit");
    auto processed =
        carol_group.process(*client::mls_from_base64(commit.value("message").toString(), 65536));
    ASSERT_TRUE(processed);
    ASSERT_TRUE(std::holds_alternative<mls::NewEpoch>(*processed));
    EXPECT_TRUE(std::get<mls::NewEpoch>(*processed).removed_me);
    const QJsonObject message = bob.relayed_at(conv, after);
    EXPECT_FALSE(
        carol_group.process(*client::mls_from_base64(message.value("message").toString(), 65536)));
    EXPECT_FALSE(
        restored(carol_record)
            .process(*client::mls_from_base64(message.value("message").toString(), 65536)));
}

TEST_F(ClientEngine, TheServersRemoveOfASuspendedUserIsCommittedByTheMembersEngines) {
    start_server_for_engines({{"messaging.removal_sweep_ms", "100"}});
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString conv =
        create(alice, {{"kind", "group"}, {"title", "Ward 5"}}, {&bob_user, &carol_user});
    ASSERT_TRUE(
        qt_wait_for([&] { return bob.engine->has_group(conv) && carol.engine->has_group(conv); }));
    exchange(bob, conv, "Bed 9 is stable", {&alice, &carol});
    const auto epoch = alice.engine->epoch(conv).value_or(0);
    const auto leaves_of_bob = [&] {
        return count("SELECT count(*) FROM group_leaves WHERE device_id = '" + bob_user.device_id +
                     "'");
    };
    ASSERT_EQ(leaves_of_bob(), 1);

    // The administrator suspends Bob: the server proposes the Remove of his leaf as external
    // sender, and Alice's and Carol's engines commit it (one of them wins, the other finds
    // nothing left to do).
    auto admin_ws = connect();
    ASSERT_EQ(
        admin_ws->request("auth.resume", {{"token", admin.token}, {"device_id", admin.device_id}})
            .value("status", ""),
        "ok");
    ASSERT_EQ(admin_ws->request("users.suspend", {{"user_id", bob_user.id}}).value("status", ""),
              "ok");
    ASSERT_TRUE(qt_wait_for([&] { return leaves_of_bob() == 0; }, 20s))
        << "no member committed the server's Remove";
    EXPECT_TRUE(qt_wait_for([&] {
        return alice.engine->epoch(conv) == epoch + 1 && carol.engine->epoch(conv) == epoch + 1;
    })) << "the members did not both reach the next epoch";
    expect_in_step(conv, {&alice, &carol});
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE kind = 'commit' AND conversation_id = '" +
                    conv.toStdString() + "' AND epoch = " + std::to_string(epoch)),
              1);
    exchange(alice, conv, "Bob is off the ward: bed 9 goes to Carol", {&carol});
    EXPECT_TRUE(alice.refusals.empty());
    EXPECT_TRUE(carol.refusals.empty());
}

TEST_F(ClientEngine, ADeviceThatLostItsStateJoinsAgainByExternalCommit) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto* bob = &install(bob_user);
    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->has_group(conv); }));
    exchange(alice, conv, "Is the theatre list final?", {bob});
    const auto epoch_before = *alice.engine->epoch(conv);

    // Bob's installation comes back without its group state (a reinstall, a lost disk).
    const auto key_packages = bob->key_packages;
    installations_.erase(installations_.begin() + 1);
    bob = &install(bob_user, std::make_shared<MemoryGroupStore>(), key_packages);
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->has_group(conv); }))
        << "the device did not join again";
    expect_in_step(conv, {&alice, bob});
    EXPECT_EQ(*alice.engine->epoch(conv), epoch_before + 1) << "one external commit";
    EXPECT_EQ(
        count("SELECT count(*) FROM group_leaves WHERE device_id = '" + bob_user.device_id + "'"),
        1)
        << "the old leaf was replaced, not kept beside the new one";
    exchange(alice, conv, "Theatre list is final, two cases", {bob});
    exchange(*bob, conv, "Got it, preparing bay one", {&alice});
    EXPECT_TRUE(alice.refusals.empty());
}

TEST_F(ClientEngine, AStaleCommitIsRetriedAfterTheWinningOneAndBothSucceed) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString conv =
        create(alice, {{"kind", "group"}, {"title", "Pharmacy"}}, {&bob_user, &carol_user});
    ASSERT_TRUE(
        qt_wait_for([&] { return bob.engine->has_group(conv) && carol.engine->has_group(conv); }));
    const auto start_epoch = *alice.engine->epoch(conv);

    // Both commit at the same epoch: the server accepts one, refuses the other as stale, and
    // its engine processes the winner and commits again.
    std::optional<OperationResult> a, b;
    alice.engine->update(conv, [&](const OperationResult& r) { a = r; });
    bob.engine->update(conv, [&](const OperationResult& r) { b = r; });
    ASSERT_TRUE(qt_wait_for([&] { return a && b; }, 20s));
    EXPECT_TRUE(a->ok) << a->error_code.toStdString();
    EXPECT_TRUE(b->ok) << b->error_code.toStdString();
    EXPECT_EQ(alice.engine->stale_retries() + bob.engine->stale_retries(), 1);
    EXPECT_EQ(std::max(a->epoch, b->epoch), start_epoch + 2);
    expect_in_step(conv, {&alice, &bob, &carol});
    EXPECT_EQ(*carol.engine->epoch(conv), start_epoch + 2);
    exchange(carol, conv, "Both updates are in, stock count at noon", {&alice, &bob});
    EXPECT_TRUE(alice.refusals.empty() && bob.refusals.empty() && carol.refusals.empty());
}

TEST_F(ClientEngine, AMessageSentJustBeforeACommitIsReadAfterIt) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    auto& carol = install(carol_user);
    const QString conv =
        create(alice, {{"kind", "group"}, {"title", "Ward 3"}}, {&bob_user, &carol_user});
    ASSERT_TRUE(
        qt_wait_for([&] { return bob.engine->has_group(conv) && carol.engine->has_group(conv); }));
    exchange(alice, conv, "Bed 4 is free", {&bob, &carol});
    // Alice's group as it is now: what her device encrypts with before it sees Bob's commit.
    auto before_commit = restored(alice.groups->records.at(conv));
    const auto old_epoch = before_commit.epoch();
    ASSERT_TRUE(finish([&](auto done) { bob.engine->update(conv, done); }).ok);
    expect_in_step(conv, {&alice, &bob, &carol});
    ASSERT_EQ(*carol.engine->epoch(conv), old_epoch + 1);

    // Her message of the old epoch reaches the server after the commit, from her own device.
    secrets_.push_back("Bed 4 taken after all");
    auto late = before_commit.encrypt(mls::to_bytes("Bed 4 taken after all"));
    ASSERT_TRUE(late);
    std::optional<client::ServerResponse> sent;
    alice.connection->request(QStringLiteral("messages.send"),
                              {{"conversation_id", conv},
                               {"client_msg_id", client::new_uuid()},
                               {"message", client::mls_to_base64(*late)}},
                              [&](const client::ServerResponse& r) { sent = r; });
    ASSERT_TRUE(qt_wait_for([&] { return sent.has_value(); }));
    ASSERT_TRUE(sent->ok);
    for (auto* reader : {&bob, &carol}) {
        ASSERT_TRUE(qt_wait_for([&] { return reader->count(conv) == 2; }));
        EXPECT_EQ(reader->last_text(), "Bed 4 taken after all");
        EXPECT_EQ(reader->received.back().epoch, old_epoch);
        EXPECT_EQ(reader->received.back().sender_user_id, QString::fromStdString(alice_user.id));
        EXPECT_TRUE(reader->refusals.empty());
    }
    exchange(carol, conv, "Noted, bed 4 taken", {&alice, &bob});
}

TEST_F(ClientEngine, TamperedReplayedAndMisattributedCiphertextsAreRefusedWithAReason) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }));
    const auto first = exchange(alice, conv, "Morphine 2 mg given at 10:05", {&bob});
    auto forger = second_device(alice_user);  // the server relays whatever a member sends
    const auto post = [&](const std::string& base64) {
        const auto r =
            forger->request("messages.send", {{"conversation_id", conv.toStdString()},
                                              {"client_msg_id", client::new_uuid().toStdString()},
                                              {"message", base64}});
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        return r["body"].value("seq", std::int64_t{0});
    };
    const auto refusal_of = [&](std::int64_t seq) -> std::string {
        qt_wait_for([&] {
            for (const auto& r : bob.refusals)
                if (r.seq == seq) return true;
            return false;
        });
        for (const auto& r : bob.refusals)
            if (r.seq == seq) return client::to_string(r.reason).toStdString();
        return "no refusal";
    };

    // A replay of a message Bob has read.
    const auto replayed =
        post(bob.relayed_at(conv, first).value("message").toString().toStdString());
    EXPECT_EQ(refusal_of(replayed), "key_expired");

    // A ciphertext altered on the way.
    auto raw = restored(alice.groups->records.at(conv));
    secrets_.push_back("Morphine 20 mg given at 10:05");
    auto forged = raw.encrypt(mls::to_bytes("Morphine 20 mg given at 10:05"));
    ASSERT_TRUE(forged);
    auto& pm = std::get<mls::PrivateMessage>(forged->body);
    pm.ciphertext.back() ^= 0x01;
    const auto tampered = post(client::mls_to_base64(*forged).toStdString());
    EXPECT_EQ(refusal_of(tampered), "decryption_failed");

    // A genuine ciphertext of Alice's first device, posted by another device: the MLS sender
    // and the server's sender disagree.
    secrets_.push_back("Posted by the wrong device");
    auto misattributed = raw.encrypt(mls::to_bytes("Posted by the wrong device"));
    ASSERT_TRUE(misattributed);
    const auto wrong_sender = post(client::mls_to_base64(*misattributed).toStdString());
    EXPECT_EQ(refusal_of(wrong_sender), "sender_mismatch");

    // Garbage in place of an MLSMessage is refused by the server itself.
    const auto garbage =
        forger->request("messages.send", {{"conversation_id", conv.toStdString()},
                                          {"client_msg_id", client::new_uuid().toStdString()},
                                          {"message", "AAAA"}});
    EXPECT_EQ(garbage["error"].value("code", ""), "bad_request");

    EXPECT_EQ(bob.count(conv), 1u) << "no refused message was handed on";
    for (const auto& r : bob.refusals) EXPECT_FALSE(r.detail.contains("Morphine"));
    // The group is unharmed: a new epoch, and messages flow both ways.
    const auto updated = finish([&](auto done) { alice.engine->update(conv, done); });
    ASSERT_TRUE(updated.ok) << updated.error_code.toStdString();
    exchange(alice, conv, "Correction: Morphine 2 mg stands", {&bob});
    exchange(bob, conv, "Noted", {&alice});
}

TEST_F(ClientEngine, TheKeyPackageStockIsReplenishedAndAWelcomeIsOpenedAfterARestart) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto* bob = &install(bob_user);
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->key_package_stock().uploads() == 1; }));
    const auto available = [&] {
        return count("SELECT count(*) FROM key_packages WHERE device_id = '" + bob_user.device_id +
                     "' AND NOT last_resort");
    };
    EXPECT_EQ(available(), 12);
    EXPECT_EQ(bob->key_packages->records.size(), 13u) << "12 regular and one last-resort";

    // Alice claims three of Bob's KeyPackages: 9 left is low, the server says so, and Bob's
    // engine uploads a new batch.
    for (int i = 0; i < 3; ++i) {
        bool done = false;
        alice.connection->request("key_packages.claim",
                                  {{"user_id", QString::fromStdString(bob_user.id)}},
                                  [&](const client::ServerResponse& r) {
                                      EXPECT_TRUE(r.ok) << r.error_code.toStdString();
                                      done = true;
                                  });
        ASSERT_TRUE(qt_wait_for([&] { return done; }));
    }
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->key_package_stock().uploads() == 2; }))
        << "no upload after key_packages.low";
    EXPECT_EQ(available(), 21);
    EXPECT_EQ(bob->key_packages->records.size(), 25u);

    // Bob's application quits; Alice writes to him meanwhile; he starts again with the keys
    // his store kept and opens the Welcome made for one of his uploaded KeyPackages.
    const auto groups = bob->groups;
    const auto key_packages = bob->key_packages;
    installations_.erase(installations_.begin() + 1);
    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    OutgoingMessage m;
    secrets_.push_back("Sent while you were away");
    m.plaintext = "Sent while you were away";
    ASSERT_TRUE(finish([&](auto done) { alice.engine->send(conv, m, done); }).ok);
    bob = &install(bob_user, groups, key_packages);
    ASSERT_TRUE(qt_wait_for([&] { return bob->count(conv) == 1; })) << "not read after restart";
    EXPECT_EQ(bob->last_text(), "Sent while you were away");
    expect_in_step(conv, {&alice, bob});
    EXPECT_EQ(key_packages->records.size(), 24u) << "the used KeyPackage's keys are gone";
}

TEST_F(ClientEngine, AFailingStoreIsReportedAndTheEngineKeepsWorkingFromMemory) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto& bob = install(bob_user);
    std::vector<QString> failures;
    QObject::connect(bob.engine.get(), &GroupEngine::storageFailed,
                     [&](const QString& c) { failures.push_back(c); });
    bob.groups->fail_writes = true;
    const QString conv = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }));
    EXPECT_FALSE(failures.empty());
    EXPECT_EQ(bob.groups->records.count(conv), 0u);
    exchange(alice, conv, "The store is full but this still arrives", {&bob});
}

// The engine over the account's encrypted local store (StoredGroupStates,
// StoredKeyPackageSecrets in an AccountStorage): the application quits, its store is closed,
// and a new engine over the reopened store goes on where the old one stopped.
class StoredEngineRestart : public ClientEngine {
protected:
    std::unique_ptr<client::AccountStorage> open_storage(const TestUser& user) {
        const std::array<unsigned char, client::LocalKey::size> key_bytes{42, 7, 19};
        return std::make_unique<client::AccountStorage>(
            client::LocalKey::from_bytes(key_bytes), dir_.path(),
            client::StoreAccount{QStringLiteral("localhost:%1").arg(server().port()),
                                 QString::fromStdString(user.id),
                                 QString::fromStdString(user.device_id)});
    }
    QTemporaryDir dir_;
};

TEST_F(StoredEngineRestart, ANewEngineOverTheReopenedStoreReadsOnAndOpensAWelcomeFromBefore) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    auto* bob = &install(bob_user, {}, {}, open_storage(bob_user));
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->key_package_stock().uploads() == 1; }));

    const QString first = create(alice, {{"kind", "direct"}}, {&bob_user});
    ASSERT_TRUE(qt_wait_for([&] { return bob->engine->has_group(first); }));
    exchange(alice, first, "Bed 7 is ready for transfer", {bob});
    exchange(*bob, first, "Porter booked for 14:00", {&alice});
    const auto epoch_before = bob->engine->epoch(first);
    ASSERT_TRUE(epoch_before.has_value());
    EXPECT_TRUE(bob->storage->group_states().load(first).has_value()) << "not in the store";

    // Bob's application quits: engine and storage go, the store is closed.
    installations_.pop_back();
    // Meanwhile Alice writes in the existing conversation and opens a new one with Bob, whose
    // Welcome is made for a KeyPackage Bob uploaded before the restart.
    OutgoingMessage m;
    secrets_.push_back("Transfer moved to 15:00");
    m.plaintext = "Transfer moved to 15:00";
    ASSERT_TRUE(finish([&](auto done) { alice.engine->send(first, m, done); }).ok);
    const QString second = create(alice, {{"kind", "group"}, {"title", "Bed 9"}}, {&bob_user});
    ASSERT_NE(second, first);
    secrets_.push_back("New thread about bed 9");
    m.plaintext = "New thread about bed 9";
    ASSERT_TRUE(finish([&](auto done) { alice.engine->send(second, m, done); }).ok);

    bob = &install(bob_user, {}, {}, open_storage(bob_user));
    ASSERT_TRUE(qt_wait_for([&] { return bob->count(first) == 1 && bob->count(second) == 1; }))
        << "not read after the restart";
    for (const auto& got : bob->received) {
        if (got.conversation_id == first)
            EXPECT_EQ(got.plaintext, QByteArray("Transfer moved to 15:00"));
        else
            EXPECT_EQ(got.plaintext, QByteArray("New thread about bed 9"));
    }
    // The old group was restored from the store, not joined again by external commit (which
    // would have moved the epoch), and nothing before the restart was processed twice.
    EXPECT_EQ(bob->engine->epoch(first), epoch_before);
    EXPECT_TRUE(bob->refusals.empty());
    expect_in_step(first, {&alice, bob});
    expect_in_step(second, {&alice, bob});
    exchange(*bob, first, "Noted, porter rebooked", {&alice});
    exchange(alice, second, "Bed 9 needs a side room", {bob});
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

TEST_F(ClientEngine, AUserWithNoDeviceWhenConversationsWereMadeReadsWhatFollowsOnEveryDevice) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    const std::string bob_password = create_user("General", "bob.nurse", "nurse");
    TestUser bob_before;  // Bob as others see him before his first sign-in: an id, no device
    bob_before.id = text_of("SELECT id::text FROM users WHERE username = 'bob.nurse'");
    auto& alice = install(alice_user);
    auto& carol = install(carol_user);
    const QString direct = create(alice, {{"kind", "direct"}}, {&bob_before});
    const QString group =
        create(alice, {{"kind", "group"}, {"title", "Night shift"}}, {&bob_before, &carol_user});
    ASSERT_TRUE(qt_wait_for([&] { return carol.engine->has_group(group); }));
    // Nobody could be added to the direct conversation, yet its group committed once: the
    // GroupInfo a device of Bob's joins from is on the server.
    EXPECT_EQ(alice.engine->epoch(direct), std::optional<std::uint64_t>(1));
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE id = '" + direct.toStdString() +
                    "' AND epoch = 1"),
              1);
    exchange(alice, group, "Before Bob: the night list is on the board", {&carol});

    // Bob signs in for the first time, on a workstation of his own.
    TestUser bob_user = first_login("General", "bob.nurse", bob_password);
    auto& bob = install(bob_user);
    ASSERT_TRUE(qt_wait_for([&] {
        return bob.engine->has_group(direct) && bob.engine->has_group(group);
    })) << "Bob's device did not join the conversations made before it existed";
    expect_in_step(direct, {&alice, &bob});
    expect_in_step(group, {&alice, &bob, &carol});
    EXPECT_EQ(bob.count(group), 0u) << "what was sent before his device joined stays unreadable";
    exchange(alice, direct, "Bob, bed 12 needs a new line", {&bob});
    exchange(bob, direct, "On it", {&alice});
    exchange(alice, group, "Handover at 07:00 in the office", {&bob, &carol});

    // His second workstation, later: it joins both by itself and reads what follows.
    TestUser bob_second = another_device(bob_user);
    auto& bob2 = install(bob_second);
    ASSERT_TRUE(qt_wait_for([&] {
        return bob2.engine->has_group(direct) && bob2.engine->has_group(group);
    })) << "Bob's second device did not join";
    expect_in_step(direct, {&alice, &bob, &bob2});
    expect_in_step(group, {&alice, &bob, &bob2, &carol});
    exchange(alice, direct, "Line placed? Please confirm", {&bob, &bob2});
    exchange(carol, group, "Office is free from 06:45", {&alice, &bob, &bob2});
    exchange(bob2, group, "Confirmed from the ward desk", {&alice, &bob, &carol});
    for (auto* i : {&alice, &bob, &bob2, &carol}) {
        EXPECT_TRUE(i->refusals.empty());
        EXPECT_TRUE(i->join_failures.empty());
    }
}

TEST_F(ClientEngine, ADeviceWithoutKeyPackagesWhenAGroupIsMadeJoinsItWhileOnline) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& alice = install(alice_user);
    // Bob's device is online, but its KeyPackages have run out of lifetime: nobody can add it
    // with a Welcome, as before a device's first upload.
    client::GroupEngineOptions bob_options;
    bob_options.key_packages.lifetime_seconds = 1;
    next_options_ = bob_options;
    auto& bob = install(bob_user);
    const auto expired = std::chrono::steady_clock::now() + 1500ms;
    qt_wait_for([&] { return std::chrono::steady_clock::now() > expired; }, 3s);

    QJsonArray members{QString::fromStdString(bob_user.id)};
    const auto made = finish([&](auto done) {
        alice.engine->create_conversation(
            {{"kind", "group"}, {"title", "Wound care"}, {"members", members}}, done);
    });
    ASSERT_TRUE(made.ok) << made.error_code.toStdString();
    const QString conv = made.conversation_id;
    EXPECT_TRUE(made.missing_devices.contains(QString::fromStdString(bob_user.device_id)));
    // No Welcome will come: the device learns that it is a member (conversation.member_added,
    // the commit in the stream) and joins by external commit.
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }))
        << "Bob's device did not join";
    expect_in_step(conv, {&alice, &bob});
    exchange(alice, conv, "Dressing change in room 5 at noon", {&bob});
    exchange(bob, conv, "Will do, supplies are ready", {&alice});
    EXPECT_TRUE(bob.refusals.empty());
    EXPECT_TRUE(bob.join_failures.empty());
}

TEST_F(ClientEngine, AJoinThatKeepsFailingBacksOffGivesUpWithAReasonAndWakesOnACommit) {
    start_server_for_engines();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    // Alice's client is not an engine: it makes a conversation with Bob and commits nothing,
    // so there is no GroupInfo to join from.
    auto ws = connect();
    ASSERT_EQ(ws->request("auth.resume",
                          {{"token", alice_user.token}, {"device_id", alice_user.device_id}})
                  .value("status", ""),
              "ok");
    mls::Bytes group_id(32);
    randombytes_buf(group_id.data(), group_id.size());
    const auto group_id_text = client::to_qbytes(group_id).toBase64().toStdString();
    auto r = ws->request("conversations.create", {{"kind", "group"},
                                                  {"title", "No group yet"},
                                                  {"members", {bob_user.id}},
                                                  {"mls_group_id", group_id_text}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    const QString conv = QString::fromStdString(r["body"]["conversation"].value("id", ""));

    using std::chrono::milliseconds;
    client::GroupEngineOptions options;
    options.join_retry.base = milliseconds(100);
    options.join_retry.cap = milliseconds(400);
    options.join_retry.max_attempts = 4;
    options.join_retry.uniform = [](std::uint64_t bound) { return bound; };  // no jitter
    next_options_ = options;
    auto& bob = install(bob_user);
    ASSERT_TRUE(qt_wait_for(
        [&] { return !bob.join_failures.empty() && !bob.join_failures.back().retry_in; }, 15s))
        << "the engine did not give up";
    ASSERT_EQ(bob.join_failures.size(), 4u);
    const std::vector<milliseconds> waits{milliseconds(100), milliseconds(200), milliseconds(400)};
    for (std::size_t i = 0; i < bob.join_failures.size(); ++i) {
        const auto& f = bob.join_failures[i];
        EXPECT_EQ(f.conversation_id, conv);
        EXPECT_EQ(f.reason, client::JoinFailureReason::no_group_info);
        EXPECT_EQ(f.detail, "not_found");
        EXPECT_EQ(f.attempts, static_cast<int>(i) + 1);
        if (i < waits.size()) {
            ASSERT_TRUE(f.retry_in.has_value());
            EXPECT_EQ(*f.retry_in, waits[i]);
            EXPECT_GE(bob.join_failure_times[i + 1] - bob.join_failure_times[i], waits[i])
                << "attempt " << i + 2 << " came before its wait was over";
        }
    }
    EXPECT_EQ(bob.engine->join_failures(conv), 4);

    // Given up: neither time nor application messages bring another attempt.
    const auto alice_org =
        text_of("SELECT org_id::text FROM users WHERE id = '" + alice_user.id + "'");
    auto alice_identity = enrolled_identity(alice_user);
    const auto alice_device = client::MlsDevice::of(
        QString::fromStdString(alice_org), QString::fromStdString(alice_user.id), alice_identity);
    ASSERT_TRUE(alice_device);
    auto bundle = alice_device->key_package(86400);
    ASSERT_TRUE(bundle);
    auto group = mls::Group::create(*mls::suite_for(mls::kSuite3), group_id, *bundle);
    ASSERT_TRUE(group);
    secrets_.push_back("Is anyone reading this?");
    auto text = group->encrypt(mls::to_bytes("Is anyone reading this?"));
    ASSERT_TRUE(text);
    const auto relayed_before = bob.relayed.size();
    r = ws->request("messages.send", {{"conversation_id", conv.toStdString()},
                                      {"client_msg_id", client::new_uuid().toStdString()},
                                      {"message", client::mls_to_base64(*text).toStdString()}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    ASSERT_TRUE(qt_wait_for([&] { return bob.relayed.size() > relayed_before; }));
    qt_wait_for([] { return false; }, milliseconds(1200));  // three times the longest wait
    EXPECT_EQ(bob.join_failures.size(), 4u) << "the engine tried again after giving up";
    EXPECT_FALSE(bob.engine->has_group(conv));

    // Alice's group commits (and publishes its GroupInfo): Bob's device wakes up and joins.
    auto committed = group->commit({});
    ASSERT_TRUE(committed);
    auto info = committed->next.group_info();
    ASSERT_TRUE(info);
    r = ws->request("handshake.submit",
                    {{"conversation_id", conv.toStdString()},
                     {"client_msg_id", client::new_uuid().toStdString()},
                     {"message", client::mls_to_base64(committed->commit).toStdString()},
                     {"group_info", client::mls_to_base64(*info).toStdString()}});
    ASSERT_EQ(r.value("status", ""), "ok") << r.dump();
    ASSERT_TRUE(qt_wait_for([&] { return bob.engine->has_group(conv); }))
        << "a commit did not wake the join";
    EXPECT_EQ(bob.engine->epoch(conv), std::optional<std::uint64_t>(2));
    EXPECT_EQ(bob.engine->join_failures(conv), 0);
    EXPECT_EQ(bob.join_failures.size(), 4u);
    EXPECT_TRUE(qt_wait_for([&] {
        return count("SELECT count(*) FROM conversations WHERE id = '" + conv.toStdString() +
                     "' AND epoch = 2") == 1;
    }));
}

}  // namespace
}  // namespace wardline::test
