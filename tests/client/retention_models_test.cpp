// SPDX-License-Identifier: Apache-2.0
// The retention and legal-hold models of the client core (issue #7; docs/client.md,
// "Retention and legal-hold views") against a real wardline-server, real TLS and real
// PostgreSQL, each watched by Qt's QAbstractItemModelTester:
//  - RetentionPolicyModel: a longer duration applies at once; a shorter one is previewed (the
//    dry-run report's counts per kind, oldest and newest), becomes a pending change that the
//    proposer may not confirm (the server's refusal comes back with its message), and that a
//    second administrator confirms or rejects; scopes and durations are checked before
//    anything is sent, and a nurse is refused;
//  - LegalHoldModel: a hold is placed, listed, asked to be released (still holding) and
//    released only by a second compliance officer; bad drafts are refused here, a patient
//    thread that is not one and another organization's user by the server, and an
//    administrator without legal_hold.manage is refused.
#include "client-qt/core/legal_hold_model.hpp"
#include "client-qt/core/retention_policy_model.hpp"
#include "client-qt/core/session.hpp"
#include "tests/client/enrolled_installation.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QAbstractItemModelTester>
#include <QDateTime>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;
using client::AdminReply;
using client::RetentionScope;
using Tester = QAbstractItemModelTester;

constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;

/// A signed-in connection of one enrolled user.
struct Desk {
    client::DeviceIdentity identity;
    std::unique_ptr<client::ServerConnection> connection;
    std::unique_ptr<client::Session> session;
};

/// Waits for the reply of one model call.
AdminReply wait(const std::function<void(std::function<void(const AdminReply&)>)>& call) {
    std::optional<AdminReply> reply;
    call([&](const AdminReply& r) { reply = r; });
    EXPECT_TRUE(qt_wait_for([&] { return reply.has_value(); }, 10s)) << "no reply";
    return reply.value_or(AdminReply::refused("timeout", {}));
}

class RetentionModelFixture : public IdentityFixture {
protected:
    void TearDown() override {
        testers_.clear();
        desks_.clear();
        IdentityFixture::TearDown();
    }

    void start_server() {
        start({{"identity.login_burst", "1000"}});
        create_org("General");
    }

    Desk& sign_in(const TestUser& user) {
        auto d = std::make_unique<Desk>();
        d->identity = enrolled_identity(user);
        d->connection = std::make_unique<client::ServerConnection>(test_server_options(server()));
        d->session = std::make_unique<client::Session>(*d->connection, d->identity);
        EXPECT_TRUE(d->connection->open());
        d->session->resume(QString::fromStdString(user.token));
        EXPECT_TRUE(qt_wait_for(
            [&] { return d->session->step() == client::Session::Step::signed_in; }, 10s))
            << user.username << " is not signed in";
        desks_.push_back(std::move(d));
        return *desks_.back();
    }

    template <typename Model>
    std::unique_ptr<Model> model(Desk& desk) {
        auto m = std::make_unique<Model>(*desk.connection);
        testers_.push_back(std::make_unique<Tester>(m.get(), Tester::FailureReportingMode::Fatal));
        return m;
    }

    /// A group conversation of `creator`'s organization (made in SQL: the models never read
    /// its messages); its id.
    std::string conversation(const TestUser& creator, const std::string& kind = "group") {
        return std::string(
            owner()
                .exec("INSERT INTO conversations (org_id, kind, mls_group_id, created_by) "
                      "SELECT org_id, '" +
                      kind + "', decode(md5(random()::text), 'hex'), id FROM users WHERE id = '" +
                      creator.id + "' RETURNING id")
                .text_or_throw(0, 0));
    }

    /// An application message `days_old` days old in `conv`.
    void message(const std::string& conv, const TestUser& sender, int days_old) {
        auto db = owner();
        const auto seq = db.exec("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '" +
                                 conv + "' RETURNING last_seq")
                             .int64(0, 0);
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, epoch, body_sealed, created_at) SELECT id, " +
            std::to_string(seq) + ", org_id, 'application', '" + sender.id +
            "', gen_random_uuid(), 0, '\\x00', now() - interval '" + std::to_string(days_old) +
            " days' FROM conversations WHERE id = '" + conv + "'");
    }

    std::vector<std::unique_ptr<Desk>> desks_;
    std::vector<std::unique_ptr<Tester>> testers_;
};

class RetentionPolicyModel : public RetentionModelFixture {};

const RetentionScope kOrganization{QStringLiteral("organization"), {}, {}};

TEST_F(RetentionPolicyModel, AShorterPolicyIsPreviewedProposedAndConfirmedOnlyByASecondAdmin) {
    start_server();
    TestUser ada_user = enroll("General", "ada.admin", "admin");
    TestUser ben_user = enroll("General", "ben.admin", "admin");
    auto& ada_desk = sign_in(ada_user);
    auto& ben_desk = sign_in(ben_user);
    auto ada = model<client::RetentionPolicyModel>(ada_desk);
    auto ben = model<client::RetentionPolicyModel>(ben_desk);
    ASSERT_TRUE(wait([&](auto done) { ada->load(done); }).ok);
    EXPECT_EQ(ada->rowCount(), 0);
    EXPECT_TRUE(ada->pending().empty());
    EXPECT_TRUE(ada->shortens(kOrganization, 30)) << "no policy counts as forever";
    EXPECT_FALSE(ada->shortens(kOrganization, std::nullopt));

    // Forever applies at once.
    auto r = wait([&](auto done) { ada->set(kOrganization, std::nullopt, done); });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString();
    EXPECT_EQ(r.status, "applied");
    ASSERT_EQ(ada->rowCount(), 1);
    EXPECT_TRUE(ada->index(0).data(client::RetentionPolicyModel::ForeverRole).toBool());
    EXPECT_EQ(ada->index(0).data(client::RetentionPolicyModel::PolicyIdRole).toString(), r.id);

    // The dry run: two old messages in a group, one in a channel, one recent.
    const auto group = conversation(ada_user);
    const auto channel = conversation(ada_user, "channel");
    message(group, ada_user, 50);
    message(group, ben_user, 40);
    message(group, ben_user, 2);
    message(channel, ada_user, 45);
    std::optional<client::RetentionPreview> preview;
    r = wait([&](auto done) {
        ada->preview(kOrganization, 30, [&, done](const AdminReply& reply, const auto& p) {
            preview = p;
            done(reply);
        });
    });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString();
    ASSERT_TRUE(preview.has_value());
    EXPECT_EQ(preview->messages, 3);
    ASSERT_EQ(preview->groups.size(), 2u);
    for (const auto& g : preview->groups) {
        EXPECT_TRUE(g.kind == "group" || g.kind == "channel") << g.kind.toStdString();
        EXPECT_EQ(g.messages, g.kind == "group" ? 2 : 1);
        EXPECT_LE(g.oldest_ms, g.newest_ms);
        EXPECT_LT(g.newest_ms, QDateTime::currentMSecsSinceEpoch() - 30 * kDayMs);
    }
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 4) << "a preview deletes nothing";

    // Shortening is a pending change; the proposer's own confirm is refused with words.
    r = wait([&](auto done) { ada->set(kOrganization, 30, done); });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString();
    EXPECT_EQ(r.status, "pending");
    const QString change = r.id;
    ASSERT_EQ(ada->pending().size(), 1u);
    EXPECT_EQ(ada->pending()[0].id, change);
    EXPECT_EQ(ada->pending()[0].keep_days, 30);
    EXPECT_FALSE(ada->pending()[0].previous_keep_days.has_value());
    EXPECT_EQ(ada->pending()[0].proposed_by.toStdString(), ada_user.id);
    EXPECT_TRUE(ada->index(0).data(client::RetentionPolicyModel::ForeverRole).toBool())
        << "still forever until confirmed";
    r = wait([&](auto done) { ada->confirm(change, done); });
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error_code, "forbidden");
    EXPECT_FALSE(r.error_message.isEmpty());
    EXPECT_EQ(ada->pending().size(), 1u);

    // The second administrator sees it and confirms it.
    ASSERT_TRUE(wait([&](auto done) { ben->load(done); }).ok);
    ASSERT_EQ(ben->pending().size(), 1u);
    r = wait([&](auto done) { ben->confirm(change, done); });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString() << " " << r.error_message.toStdString();
    EXPECT_TRUE(ben->pending().empty());
    ASSERT_EQ(ben->rowCount(), 1);
    EXPECT_EQ(ben->index(0).data(client::RetentionPolicyModel::KeepDaysRole).toInt(), 30);
    EXPECT_TRUE(ben->index(0).data().toString().contains("30 days"));
    // Deciding it again: it is no longer pending.
    EXPECT_EQ(wait([&](auto done) { ben->confirm(change, done); }).error_code, "not_found");

    // A kind policy proposed and rejected leaves nothing behind.
    const RetentionScope groups{QStringLiteral("kind"), QStringLiteral("group"), {}};
    r = wait([&](auto done) { ben->set(groups, 7, done); });
    ASSERT_EQ(r.status, "pending");
    EXPECT_EQ(wait([&](auto done) { ben->reject(r.id, done); }).error_code, "forbidden");
    ASSERT_TRUE(wait([&](auto done) { ada->load(done); }).ok);
    ASSERT_TRUE(wait([&](auto done) { ada->reject(r.id, done); }).ok);
    EXPECT_TRUE(ada->pending().empty());
    EXPECT_EQ(ada->policy_for(groups), nullptr);
    // Lengthening applies at once, with no second administrator.
    r = wait([&](auto done) { ada->set(kOrganization, 60, done); });
    EXPECT_EQ(r.status, "applied");
    EXPECT_EQ(ada->policy_for(kOrganization)->keep_days, 60);
    EXPECT_EQ(audit_count("retention.change_confirm", "denied"), 1) << "the proposer's try";
    EXPECT_EQ(audit_count("retention.change_confirm", "success"), 1);
    EXPECT_EQ(audit_count("retention.change_reject", "denied"), 1);
    EXPECT_EQ(audit_count("retention.change_reject", "success"), 1);
}

TEST_F(RetentionPolicyModel, BadScopesAndDurationsAreRefusedAndANurseIsRefusedEverything) {
    start_server();
    create_org("Other");
    TestUser ada_user = enroll("General", "ada.admin", "admin");
    TestUser nina_user = enroll("General", "nina.nurse", "nurse");
    TestUser otto_user = enroll("Other", "otto.admin", "admin");
    auto& ada_desk = sign_in(ada_user);
    auto ada = model<client::RetentionPolicyModel>(ada_desk);
    ASSERT_TRUE(wait([&](auto done) { ada->load(done); }).ok);
    // Refused here: nothing reaches the server.
    for (const auto& [target, days] : std::vector<std::pair<RetentionScope, std::optional<int>>>{
             {kOrganization, 0},
             {kOrganization, client::kMaxRetentionDays + 1},
             {{QStringLiteral("kind"), QStringLiteral("sms"), {}}, 30},
             {{QStringLiteral("conversation"), {}, QStringLiteral("not-an-id")}, 30},
             {{QStringLiteral("everything"), {}, {}}, 30}}) {
        const auto r = wait([&](auto done) { ada->set(target, days, done); });
        EXPECT_EQ(r.error_code, "bad_request") << target.scope.toStdString();
        EXPECT_FALSE(r.error_message.isEmpty());
    }
    EXPECT_EQ(wait([&](auto done) { ada->confirm(QStringLiteral("x"), done); }).error_code,
              "bad_request");
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies") +
                  count("SELECT count(*) FROM retention_changes"),
              0);
    // Refused by the server: another organization's conversation is not found.
    const auto others = conversation(otto_user);
    const RetentionScope theirs{QStringLiteral("conversation"), {}, QString::fromStdString(others)};
    EXPECT_EQ(wait([&](auto done) { ada->set(theirs, 30, done); }).error_code, "not_found");
    EXPECT_EQ(wait([&](auto done) {
                  ada->preview(theirs, 30, [done](const AdminReply& r, const auto&) { done(r); });
              }).error_code,
              "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM retention_changes"), 0);

    // A nurse: every request refused, nothing listed.
    auto& nina_desk = sign_in(nina_user);
    auto nina = model<client::RetentionPolicyModel>(nina_desk);
    EXPECT_EQ(wait([&](auto done) { nina->load(done); }).error_code, "forbidden");
    EXPECT_EQ(nina->rowCount(), 0);
    EXPECT_FALSE(nina->loaded());
    EXPECT_EQ(wait([&](auto done) { nina->set(kOrganization, std::nullopt, done); }).error_code,
              "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM retention_policies"), 0);
}

class LegalHoldModel : public RetentionModelFixture {};

TEST_F(LegalHoldModel, AHoldIsPlacedListedAndReleasedOnlyWhenASecondOfficerConfirms) {
    start_server();
    TestUser cora_user = enroll("General", "cora.compliance", "compliance_officer");
    TestUser carl_user = enroll("General", "carl.compliance", "compliance_officer");
    TestUser nina_user = enroll("General", "nina.nurse", "nurse");
    auto& cora_desk = sign_in(cora_user);
    auto& carl_desk = sign_in(carl_user);
    auto cora = model<client::LegalHoldModel>(cora_desk);
    auto carl = model<client::LegalHoldModel>(carl_desk);
    ASSERT_TRUE(wait([&](auto done) { cora->load(false, done); }).ok);
    EXPECT_EQ(cora->rowCount(), 0);

    const qint64 from = QDateTime::currentMSecsSinceEpoch() - 365 * kDayMs;
    client::LegalHoldDraft draft{QStringLiteral("user"),
                                 QString::fromStdString(nina_user.id),
                                 {},
                                 QStringLiteral("  Case 12: fall on ward 3  "),
                                 from,
                                 std::nullopt};
    auto r = wait([&](auto done) { cora->place(draft, done); });
    ASSERT_TRUE(r.ok) << r.error_code.toStdString() << " " << r.error_message.toStdString();
    const QString hold = r.id;
    ASSERT_EQ(cora->rowCount(), 1);
    const auto row = cora->index(0);
    EXPECT_EQ(row.data(client::LegalHoldModel::HoldIdRole).toString(), hold);
    EXPECT_EQ(row.data(client::LegalHoldModel::CaseNameRole).toString(), "Case 12: fall on ward 3")
        << "trimmed";
    EXPECT_EQ(row.data(client::LegalHoldModel::StateRole).toString(), "active");
    EXPECT_EQ(row.data(client::LegalHoldModel::TargetIdRole).toString().toStdString(),
              nina_user.id);
    EXPECT_FALSE(row.data(client::LegalHoldModel::UntilRole).toDateTime().isValid());
    EXPECT_EQ(row.data(client::LegalHoldModel::FromRole).toDateTime().toMSecsSinceEpoch(), from);
    cora->set_name_lookup([&](const QString& id) {
        return id.toStdString() == nina_user.id ? QStringLiteral("Nina Nurse") : QString();
    });
    EXPECT_TRUE(cora->index(0).data().toString().contains("Nina Nurse"));

    // A conversation hold with an end date.
    const auto conv = conversation(cora_user);
    client::LegalHoldDraft bounded{
        QStringLiteral("conversation"), {},   QString::fromStdString(conv),
        QStringLiteral("Case 13"),      from, from + 30 * kDayMs};
    r = wait([&](auto done) { cora->place(bounded, done); });
    ASSERT_TRUE(r.ok) << r.error_message.toStdString();
    ASSERT_EQ(cora->rowCount(), 2);
    EXPECT_EQ(cora->hold(r.id)->until_ms, from + 30 * kDayMs);

    // Release: asked by cora (still holding), refused to cora's own confirm, done by carl.
    r = wait([&](auto done) { cora->release(hold, done); });
    ASSERT_TRUE(r.ok) << r.error_message.toStdString();
    EXPECT_EQ(r.status, "release_pending");
    EXPECT_EQ(cora->hold(hold)->state, "release_pending");
    EXPECT_EQ(cora->hold(hold)->release_requested_by.toStdString(), cora_user.id);
    EXPECT_EQ(wait([&](auto done) { cora->release(hold, done); }).error_code, "conflict");
    r = wait([&](auto done) { cora->confirm_release(hold, done); });
    EXPECT_EQ(r.error_code, "forbidden");
    EXPECT_FALSE(r.error_message.isEmpty());
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds WHERE released_at IS NOT NULL"), 0);
    ASSERT_TRUE(wait([&](auto done) { carl->load(false, done); }).ok);
    ASSERT_EQ(carl->rowCount(), 2);
    r = wait([&](auto done) { carl->confirm_release(hold, done); });
    ASSERT_TRUE(r.ok) << r.error_message.toStdString();
    EXPECT_EQ(r.status, "released");
    EXPECT_EQ(carl->rowCount(), 1) << "released holds are not listed by default";
    EXPECT_EQ(carl->hold(hold), nullptr);
    ASSERT_TRUE(wait([&](auto done) { carl->load(true, done); }).ok);
    ASSERT_EQ(carl->rowCount(), 2);
    EXPECT_EQ(carl->hold(hold)->state, "released");
    EXPECT_EQ(carl->hold(hold)->released_by.toStdString(), carl_user.id);
    EXPECT_EQ(wait([&](auto done) { carl->confirm_release(hold, done); }).error_code, "conflict");
    EXPECT_EQ(audit_count("legal_hold.release_confirm", "denied"), 1) << "cora's own confirm";
    EXPECT_EQ(audit_count("legal_hold.release_confirm", "success"), 1);
}

TEST_F(LegalHoldModel, BadDraftsAreRefusedAndOnlyComplianceOfficersMayHold) {
    start_server();
    create_org("Other");
    TestUser cora_user = enroll("General", "cora.compliance", "compliance_officer");
    TestUser ada_user = enroll("General", "ada.admin", "admin");
    TestUser otto_user = enroll("Other", "otto.physician", "physician");
    auto& cora_desk = sign_in(cora_user);
    auto cora = model<client::LegalHoldModel>(cora_desk);
    const qint64 from = QDateTime::currentMSecsSinceEpoch() - kDayMs;
    const QString nobody = QStringLiteral("00000000-0000-0000-0000-000000000000");
    const QString user = QString::fromStdString(ada_user.id);
    // Refused here.
    for (const auto& d : std::vector<client::LegalHoldDraft>{
             {QStringLiteral("user"), user, {}, QStringLiteral("   "), from, std::nullopt},
             {QStringLiteral("user"), user, {}, QString(201, QLatin1Char('x')), from, std::nullopt},
             {QStringLiteral("user"), user, {}, QString(101, QChar(0x00e9)), from, std::nullopt},
             {QStringLiteral("user"), {}, {}, QStringLiteral("Case"), from, std::nullopt},
             {QStringLiteral("conversation"), user, {}, QStringLiteral("Case"), from, std::nullopt},
             {QStringLiteral("user"), user, {}, QStringLiteral("Case"), from, from},
             {QStringLiteral("user"), user, {}, QStringLiteral("Case"), from, from - 1},
             {QStringLiteral("mailbox"), user, {}, QStringLiteral("Case"), from, std::nullopt}}) {
        const auto r = wait([&](auto done) { cora->place(d, done); });
        EXPECT_EQ(r.error_code, "bad_request") << d.scope.toStdString();
        EXPECT_FALSE(r.error_message.isEmpty());
        EXPECT_FALSE(r.error_message.contains(QStringLiteral("Case"))) << "never echoes the case";
    }
    EXPECT_EQ(wait([&](auto done) { cora->release(QStringLiteral("1"), done); }).error_code,
              "bad_request");
    // Refused by the server: a patient thread that is a group, another organization's user, an
    // unknown hold.
    const auto group = conversation(cora_user);
    EXPECT_EQ(wait([&](auto done) {
                  cora->place({QStringLiteral("patient_thread"),
                               {},
                               QString::fromStdString(group),
                               QStringLiteral("Case 14"),
                               from,
                               std::nullopt},
                              done);
              }).error_code,
              "bad_request");
    EXPECT_EQ(wait([&](auto done) {
                  cora->place({QStringLiteral("user"),
                               QString::fromStdString(otto_user.id),
                               {},
                               QStringLiteral("Case 15"),
                               from,
                               std::nullopt},
                              done);
              }).error_code,
              "not_found");
    EXPECT_EQ(wait([&](auto done) { cora->release(nobody, done); }).error_code, "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds"), 0);

    // An administrator has no legal_hold.manage.
    auto& ada_desk = sign_in(ada_user);
    auto ada = model<client::LegalHoldModel>(ada_desk);
    EXPECT_EQ(wait([&](auto done) { ada->load(false, done); }).error_code, "forbidden");
    EXPECT_EQ(
        wait([&](auto done) {
            ada->place(
                {QStringLiteral("user"), user, {}, QStringLiteral("Case 16"), from, std::nullopt},
                done);
        }).error_code,
        "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM legal_holds"), 0);
}

}  // namespace
}  // namespace wardline::test
