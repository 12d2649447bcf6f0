// SPDX-License-Identifier: Apache-2.0
#pragma once
// The chat tests' installations (tests/client/chat_models_test.cpp,
// member_receipts_test.cpp): each a signed-in client against the real test server with its
// MLS engine (in-memory MLS stores), its own sealed local store, the colleague directory, the
// MessageRecorder and the conversation list, every model watched by QAbstractItemModelTester;
// and the fixture that starts the server and installs enrolled users.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/session.hpp"
#include "tests/client/enrolled_installation.hpp"
#include "tests/client/memory_stores.hpp"
#include "tests/client/operation_waits.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace wardline::test {

using namespace std::chrono_literals;

// The fixtures of the tests carry the gtest suite names (MessageRecorder,
// ConversationListModel, MessageListModel, MemberReceiptsModel), so the client's classes are
// always named with client::.
using MessageModel = client::MessageListModel;
using ConversationModel = client::ConversationListModel;
using Tester = QAbstractItemModelTester;
using client::OperationResult;

/// One installation: identity, connection, session, engine (in-memory MLS stores), a sealed
/// local store in a directory of its own, the colleague directory and the recorder.
struct ChatInstallation {
    client::DeviceIdentity identity;
    MemoryGroupStore groups;
    MemoryKeyPackageStore key_packages;
    QTemporaryDir directory;
    client::LocalKey key = client::LocalKey::generate();
    std::unique_ptr<client::ServerConnection> connection;
    std::unique_ptr<client::Session> session;
    std::unique_ptr<client::GroupEngine> engine;
    std::unique_ptr<client::LocalStore> store;
    std::unique_ptr<client::ColleagueDirectory> colleagues;
    std::unique_ptr<client::MessageRecorder> recorder;
    std::unique_ptr<ConversationModel> conversations;
    std::unique_ptr<Tester> conversations_tester;
    std::vector<std::unique_ptr<MessageModel>> message_models;
    std::vector<std::unique_ptr<Tester>> testers;

    /// A message model of `conversation`, watched by QAbstractItemModelTester.
    MessageModel& messages(const QString& conversation) {
        message_models.push_back(
            std::make_unique<MessageModel>(*store, *recorder, *colleagues, conversation));
        testers.push_back(std::make_unique<Tester>(message_models.back().get(),
                                                   Tester::FailureReportingMode::Fatal));
        return *message_models.back();
    }
    int row(const QString& conversation) const { return conversations->row_of(conversation); }
    QVariant conversation_data(const QString& conversation, int role) const {
        const int r = row(conversation);
        return r < 0 ? QVariant() : conversations->index(r).data(role);
    }
};

class ChatFixture : public IdentityFixture {
protected:
    void TearDown() override {
        installations_.clear();
        IdentityFixture::TearDown();
    }

    void start_server() {
        start({{"identity.login_burst", "1000"}});
        create_org("General");
    }

    ChatInstallation& install(const TestUser& user) {
        auto a = std::make_unique<ChatInstallation>();
        a->identity = enrolled_identity(user);
        a->connection = std::make_unique<client::ServerConnection>(test_server_options(server()));
        a->session = std::make_unique<client::Session>(*a->connection, a->identity);
        client::GroupEngineOptions options;
        options.key_packages.batch = 12;
        a->engine = std::make_unique<client::GroupEngine>(*a->connection, *a->session, a->identity,
                                                          a->groups, a->key_packages, options);
        client::StoreAccount account{QStringLiteral("localhost"), QString::fromStdString(user.id),
                                     a->identity.device_id};
        a->store = std::make_unique<client::LocalStore>(a->directory.path(), account, a->key);
        a->colleagues = std::make_unique<client::ColleagueDirectory>(*a->connection);
        a->recorder = std::make_unique<client::MessageRecorder>(*a->connection, *a->engine,
                                                                *a->store, *a->colleagues);
        a->conversations = std::make_unique<ConversationModel>(*a->store, *a->recorder);
        a->conversations_tester =
            std::make_unique<Tester>(a->conversations.get(), Tester::FailureReportingMode::Fatal);
        auto* colleagues = a->colleagues.get();
        QObject::connect(a->session.get(), &client::Session::signedIn,
                         [colleagues] { colleagues->load_names(); });
        EXPECT_TRUE(a->connection->open());
        a->session->resume(QString::fromStdString(user.token));
        EXPECT_TRUE(qt_wait_for(
            [&] { return ready_for_peers(*a->engine) && a->colleagues->loaded(); }, 20s))
            << user.username << "'s engine did not start";
        installations_.push_back(std::move(a));
        return *installations_.back();
    }

    OperationResult finish(const std::function<void(OperationDone)>& op) {
        return finish_operation(op);
    }

    /// A direct conversation of `a` with `b`'s user, joined by both engines.
    QString direct(ChatInstallation& a, ChatInstallation& b, const TestUser& b_user) {
        const auto r = finish(
            [&](auto done) { a.recorder->start_direct(QString::fromStdString(b_user.id), done); });
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        EXPECT_TRUE(qt_wait_for([&] { return b.engine->has_group(r.conversation_id); }, 20s));
        return r.conversation_id;
    }

    std::vector<std::unique_ptr<ChatInstallation>> installations_;
};

}  // namespace wardline::test
