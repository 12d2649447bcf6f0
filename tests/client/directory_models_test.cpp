// SPDX-License-Identifier: Apache-2.0
// The directory and on-call item models (docs/client.md, "Directory and on call") against a
// real wardline-server, real TLS and real PostgreSQL, each watched by Qt's
// QAbstractItemModelTester: directory.search by name, department, role and on-call status
// with presence; who is primary and backup now per team, from shifts made through the
// server's own requests; the schedule an administrator lists, adds to and removes from, with
// the server's refusals (overlap, unknown user, a bad range) and a nurse refused every
// schedule request. Also the local checks of a new group / patient thread / announcement.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_draft.hpp"
#include "client-qt/core/directory_model.hpp"
#include "client-qt/core/on_call_model.hpp"
#include "client-qt/core/session.hpp"
#include "client-qt/core/shift_schedule_model.hpp"
#include "tests/client/enrolled_installation.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;
using Tester = QAbstractItemModelTester;

/// A signed-in connection of one enrolled user, with the colleague directory.
struct Desk {
    client::DeviceIdentity identity;
    std::unique_ptr<client::ServerConnection> connection;
    std::unique_ptr<client::Session> session;
    std::unique_ptr<client::ColleagueDirectory> colleagues;

    /// One request, answered.
    client::ServerResponse call(const QString& type, const QJsonObject& body) {
        std::optional<client::ServerResponse> reply;
        connection->request(type, body, [&](const client::ServerResponse& r) { reply = r; });
        EXPECT_TRUE(qt_wait_for([&] { return reply.has_value(); }, 10s)) << type.toStdString();
        return reply.value_or(client::ServerResponse{});
    }
};

QString utc(QDateTime t) {
    return client::ShiftScheduleModel::protocol_time(t);
}

class DirectoryFixture : public IdentityFixture {
protected:
    void TearDown() override {
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
        d->colleagues = std::make_unique<client::ColleagueDirectory>(*d->connection);
        EXPECT_TRUE(d->connection->open());
        d->session->resume(QString::fromStdString(user.token));
        EXPECT_TRUE(qt_wait_for(
            [&] { return d->session->step() == client::Session::Step::signed_in; }, 10s))
            << user.username << " is not signed in";
        desks_.push_back(std::move(d));
        return *desks_.back();
    }

    /// A team made through oncall.teams.create; its id.
    QString team(Desk& admin, const QString& name) {
        const auto r = admin.call("oncall.teams.create", {{"name", name}});
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        return r.body.value("team").toObject().value("id").toString();
    }

    /// A shift made through oncall.shifts.add, from `from` to `to` seconds from now; its id.
    QString shift(Desk& admin, const QString& team_id, const TestUser& user, const char* role,
                  qint64 from, qint64 to) {
        const auto now = QDateTime::currentDateTimeUtc();
        const auto r =
            admin.call("oncall.shifts.add", {{"team_id", team_id},
                                             {"user_id", QString::fromStdString(user.id)},
                                             {"role", role},
                                             {"start", utc(now.addSecs(from))},
                                             {"end", utc(now.addSecs(to))}});
        EXPECT_TRUE(r.ok) << r.error_code.toStdString() << " " << r.error_message.toStdString();
        return r.body.value("shift").toObject().value("id").toString();
    }

    std::vector<std::unique_ptr<Desk>> desks_;
};

class DirectoryModel : public DirectoryFixture {
protected:
    /// Runs one search on `model` and waits for its answer; the error code.
    static QString search(client::DirectoryModel& model, const client::DirectoryQuery& q) {
        QSignalSpy finished(&model, &client::DirectoryModel::searchFinished);
        model.search(q);
        EXPECT_TRUE(qt_wait_for([&] { return finished.count() > 0; }));
        return finished.isEmpty() ? QStringLiteral("no answer") : finished[0][0].toString();
    }
    static QStringList names(const client::DirectoryModel& m) {
        QStringList out;
        for (int r = 0; r < m.rowCount(); ++r)
            out << m.index(r).data(client::DirectoryModel::DisplayNameRole).toString();
        return out;
    }
};
class OnCallModel : public DirectoryFixture {};
class ShiftScheduleModel : public DirectoryFixture {};

TEST_F(DirectoryModel, FindsColleaguesByNameDepartmentRoleAndOnCallWithTheirPresence) {
    start_server();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    owner().exec(
        "UPDATE users SET department = 'Cardiology' WHERE username IN "
        "('bob.nurse', 'alice.physician')");
    auto& admin = sign_in(admin_user);
    auto& alice = sign_in(alice_user);
    sign_in(bob_user);  // bob is online, carol is not
    const QString cardiology = team(admin, "Cardiology");
    shift(admin, cardiology, bob_user, "primary", -3600, 7200);

    client::DirectoryModel model(*alice.colleagues, QString::fromStdString(alice_user.id));
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    client::DirectoryQuery by_name;
    by_name.text = QStringLiteral("NURSE");
    ASSERT_EQ(search(model, by_name), QString());
    ASSERT_EQ(names(model), QStringList({"Test bob.nurse", "Test carol.nurse"}));
    using R = client::DirectoryModel;
    EXPECT_EQ(model.index(0).data(R::PresenceRole).toString(), "available");
    EXPECT_EQ(model.index(1).data(R::PresenceRole).toString(), "offline");
    EXPECT_TRUE(model.index(0).data(R::OnShiftRole).toBool());
    EXPECT_EQ(model.index(0).data(R::OnCallRole).toStringList(),
              QStringList({"Cardiology (primary)"}));
    EXPECT_FALSE(model.index(1).data(R::OnShiftRole).toBool());
    const QString shown = model.index(0).data(Qt::DisplayRole).toString();
    EXPECT_TRUE(shown.contains("Available") && shown.contains("On call: Cardiology (primary)"))
        << shown.toStdString() << ": presence and on call are words, not colour alone";
    EXPECT_TRUE(model.index(1).data(Qt::DisplayRole).toString().contains("Offline"));

    client::DirectoryQuery by_department;
    by_department.department = QStringLiteral("cardiology");
    ASSERT_EQ(search(model, by_department), QString());
    EXPECT_EQ(names(model), QStringList({"Test bob.nurse"}))
        << "the department is matched ignoring case, and the user's own entry is left out";

    client::DirectoryQuery by_role;
    by_role.role = QStringLiteral("admin");
    ASSERT_EQ(search(model, by_role), QString());
    EXPECT_EQ(names(model), QStringList({"Test ada.admin"}));

    client::DirectoryQuery on_call;
    on_call.on_call = true;
    ASSERT_EQ(search(model, on_call), QString());
    EXPECT_EQ(names(model), QStringList({"Test bob.nurse"}));
    on_call.on_call = false;
    ASSERT_EQ(search(model, on_call), QString());
    EXPECT_EQ(names(model), QStringList({"Test ada.admin", "Test carol.nurse"}));
}

TEST_F(DirectoryModel, ARefusedSearchEmptiesTheListAndAnOlderAnswerIsDropped) {
    start_server();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    enroll("General", "bob.nurse", "nurse");
    auto& alice = sign_in(alice_user);
    client::DirectoryModel model(*alice.colleagues, QString::fromStdString(alice_user.id));
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    ASSERT_EQ(search(model, {}), QString());
    ASSERT_EQ(model.rowCount(), 1);

    client::DirectoryQuery unknown_role;
    unknown_role.role = QStringLiteral("surgeon");  // not one of the protocol's roles
    EXPECT_EQ(search(model, unknown_role), "bad_request");
    EXPECT_EQ(model.rowCount(), 0) << "a refused search shows nothing rather than old rows";

    // Two searches in a row: only the second one's answer is taken.
    QSignalSpy finished(&model, &client::DirectoryModel::searchFinished);
    client::DirectoryQuery nobody;
    nobody.text = QStringLiteral("zzz-nobody");
    model.search({});
    model.search(nobody);
    ASSERT_TRUE(qt_wait_for([&] { return finished.count() > 0; }));
    qt_wait_for([] { return false; }, 300ms);  // the first answer has arrived by now too
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(model.rowCount(), 0);

    // An oversized query is cut to the protocol's 100 characters, not refused.
    client::DirectoryQuery long_name;
    long_name.text = QString(500, QLatin1Char('b'));
    EXPECT_EQ(search(model, long_name), QString());
}

TEST_F(OnCallModel, ShowsWhoIsPrimaryAndBackupNowForEachTeam) {
    start_server();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    TestUser dave_user = enroll("General", "dave.physician", "physician");
    auto& admin = sign_in(admin_user);
    auto& bob = sign_in(bob_user);
    const QString cardiology = team(admin, "Cardiology");
    const QString neurology = team(admin, "Neurology");
    shift(admin, cardiology, bob_user, "primary", -3600, 7200);
    shift(admin, cardiology, carol_user, "backup", -600, 3600);
    shift(admin, cardiology, dave_user, "backup", -7200, -3600);  // over already
    shift(admin, neurology, dave_user, "primary", 86400, 90000);  // tomorrow

    client::OnCallModel model(*bob.connection);  // a nurse may ask who is on call
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    model.reload();
    ASSERT_TRUE(qt_wait_for([&] { return model.loaded(); }));
    ASSERT_EQ(model.rowCount(), 2);
    using R = client::OnCallModel;
    const auto row = [&](const QString& id) { return model.index(model.row_of_team(id)); };
    EXPECT_EQ(row(cardiology).data(R::TeamNameRole).toString(), "Cardiology");
    EXPECT_EQ(row(cardiology).data(R::PrimaryIdRole).toString(),
              QString::fromStdString(bob_user.id));
    EXPECT_EQ(row(cardiology).data(R::PrimaryNameRole).toString(), "Test bob.nurse");
    EXPECT_EQ(row(cardiology).data(R::BackupNamesRole).toStringList(),
              QStringList({"Test carol.nurse"}))
        << "a backup whose shift is over is not on call";
    EXPECT_EQ(row(cardiology).data(Qt::DisplayRole).toString(),
              "Cardiology: primary Test bob.nurse, backup Test carol.nurse");
    EXPECT_EQ(row(neurology).data(R::PrimaryIdRole).toString(), QString());
    EXPECT_TRUE(row(neurology).data(R::BackupIdsRole).toStringList().isEmpty());
    EXPECT_TRUE(row(neurology).data(Qt::DisplayRole).toString().contains("nobody scheduled"));

    // The schedule changes: a reload shows the new primary.
    shift(admin, neurology, carol_user, "primary", -60, 3600);
    model.reload();
    ASSERT_TRUE(qt_wait_for([&] {
        return model.loaded() && model.row_of_team(neurology) >= 0 &&
               row(neurology).data(R::PrimaryNameRole).toString() == "Test carol.nurse";
    }));
}

TEST_F(OnCallModel, AnOrganizationWithoutTeamsLoadsEmpty) {
    start_server();
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto& bob = sign_in(bob_user);
    client::OnCallModel model(*bob.connection);
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    QSignalSpy failed(&model, &client::OnCallModel::failed);
    model.reload();
    ASSERT_TRUE(qt_wait_for([&] { return model.loaded(); }));
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(failed.count(), 0);
}

TEST_F(ShiftScheduleModel, AnAdministratorListsAddsAndRemovesShiftsAndSeesTheRefusals) {
    start_server();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser carol_user = enroll("General", "carol.nurse", "nurse");
    auto& admin = sign_in(admin_user);
    const QString cardiology = team(admin, "Cardiology");
    client::ShiftScheduleModel model(*admin.connection);
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    const auto now = QDateTime::currentDateTimeUtc();
    const auto wait = [](auto op) {
        std::optional<QString> error;
        op([&](const QString& e) { error = e; });
        EXPECT_TRUE(qt_wait_for([&] { return error.has_value(); }));
        return error.value_or(QStringLiteral("no answer"));
    };
    ASSERT_EQ(wait([&](auto done) { model.load(cardiology, now, now.addDays(7), done); }), "");
    EXPECT_EQ(model.rowCount(), 0);

    const auto bob = QString::fromStdString(bob_user.id);
    const auto carol = QString::fromStdString(carol_user.id);
    ASSERT_EQ(wait([&](auto done) {
                  model.add(bob, "primary", now.addSecs(3600), now.addSecs(10 * 3600), done);
              }),
              "");
    ASSERT_EQ(model.rowCount(), 1) << "the window is listed again after the change";
    using R = client::ShiftScheduleModel;
    EXPECT_EQ(model.index(0).data(R::UserIdRole).toString(), bob);
    EXPECT_EQ(model.index(0).data(R::RoleRole).toString(), "primary");
    EXPECT_EQ(model.index(0).data(R::DisplayNameRole).toString(), "Test bob.nurse");

    // Refusals: an overlapping primary, an unknown user, an end before the start, more than
    // 7 days. None of them changes the schedule.
    EXPECT_EQ(wait([&](auto done) {
                  model.add(carol, "primary", now.addSecs(5 * 3600), now.addSecs(12 * 3600), done);
              }),
              "conflict");
    EXPECT_EQ(wait([&](auto done) {
                  model.add("00000000-0000-4000-8000-000000000000", "backup", now.addSecs(3600),
                            now.addSecs(7200), done);
              }),
              "not_found");
    EXPECT_EQ(wait([&](auto done) {
                  model.add(carol, "backup", now.addSecs(7200), now.addSecs(3600), done);
              }),
              "bad_request");
    EXPECT_EQ(
        wait([&](auto done) { model.add(carol, "backup", now.addSecs(60), now.addDays(8), done); }),
        "bad_request");
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 1);
    EXPECT_EQ(model.rowCount(), 1);
    // A backup may overlap the primary.
    ASSERT_EQ(wait([&](auto done) {
                  model.add(carol, "backup", now.addSecs(5 * 3600), now.addSecs(12 * 3600), done);
              }),
              "");
    ASSERT_EQ(model.rowCount(), 2);

    const QString first = model.index(0).data(R::ShiftIdRole).toString();
    ASSERT_EQ(wait([&](auto done) { model.remove(first, done); }), "");
    EXPECT_EQ(model.rowCount(), 1);
    EXPECT_EQ(wait([&](auto done) { model.remove(first, done); }), "not_found")
        << "a shift removed already";
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 1);
    EXPECT_EQ(wait([&](auto done) { model.load(cardiology, now, now.addDays(40), done); }),
              "bad_request")
        << "a window longer than 31 days";
}

TEST_F(ShiftScheduleModel, ANurseIsRefusedEveryScheduleRequestAndNothingChanges) {
    start_server();
    TestUser admin_user = enroll("General", "ada.admin", "admin");
    TestUser nina_user = enroll("General", "nina.nurse", "nurse");
    auto& admin = sign_in(admin_user);
    auto& nina = sign_in(nina_user);
    const QString cardiology = team(admin, "Cardiology");
    const QString existing = shift(admin, cardiology, nina_user, "primary", 3600, 7200);
    client::ShiftScheduleModel model(*nina.connection);
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    const auto now = QDateTime::currentDateTimeUtc();
    std::optional<QString> listed;
    model.load(cardiology, now, now.addDays(2), [&](const QString& e) { listed = e; });
    ASSERT_TRUE(qt_wait_for([&] { return listed.has_value(); }));
    EXPECT_EQ(*listed, "forbidden");
    EXPECT_EQ(model.rowCount(), 0);
    std::optional<QString> added;
    model.add(QString::fromStdString(nina_user.id), "primary", now.addDays(1),
              now.addDays(1).addSecs(3600), [&](const QString& e) { added = e; });
    ASSERT_TRUE(qt_wait_for([&] { return added.has_value(); }));
    EXPECT_EQ(*added, "forbidden");
    std::optional<QString> removed;
    model.remove(existing, [&](const QString& e) { removed = e; });
    ASSERT_TRUE(qt_wait_for([&] { return removed.has_value(); }));
    EXPECT_EQ(*removed, "forbidden");
    // Straight requests, as a modified client would send them.
    const auto add =
        nina.call("oncall.shifts.add", {{"team_id", cardiology},
                                        {"user_id", QString::fromStdString(nina_user.id)},
                                        {"role", "primary"},
                                        {"start", utc(now.addDays(2))},
                                        {"end", utc(now.addDays(2).addSecs(3600))}});
    EXPECT_EQ(add.error_code, "forbidden");
    EXPECT_EQ(nina.call("oncall.teams.create", {{"name", "Nurses' own"}}).error_code, "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM oncall_shifts"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM oncall_teams"), 1);
}

TEST(ConversationDraft, NamesEachProblemBeforeAnythingIsSent) {
    client::ConversationDraft d;
    d.kind = QStringLiteral("patient");
    d.title = QStringLiteral("Bed 12 plan");
    d.members = {QStringLiteral("00000000-0000-4000-8000-000000000001")};
    d.patient = {QStringLiteral(" 12-345 AB "), QStringLiteral("Jane Roe"),
                 QStringLiteral("1948-03-02"), QStringLiteral("4 West"), QString()};
    EXPECT_EQ(client::draft_problem(d), std::nullopt);
    const QJsonObject body = client::draft_request(d);
    EXPECT_EQ(body.value("kind").toString(), "patient");
    const QJsonObject patient = body.value("patient").toObject();
    EXPECT_EQ(patient.value("mrn").toString(), "12-345 AB");
    EXPECT_EQ(patient.value("unit").toString(), "4 West");
    EXPECT_FALSE(patient.contains("bed")) << "an empty optional field is left out";
    EXPECT_EQ(body.value("members").toArray().size(), 1);

    const auto problem = [&](auto change) {
        client::ConversationDraft bad = d;
        change(bad);
        return client::draft_problem(bad).has_value();
    };
    EXPECT_TRUE(problem([](auto& b) { b.kind = QStringLiteral("direct"); }));
    EXPECT_TRUE(problem([](auto& b) { b.kind = QStringLiteral("secret"); }));
    EXPECT_TRUE(problem([](auto& b) { b.title = QStringLiteral("   "); }));
    EXPECT_TRUE(problem([](auto& b) { b.title = QString(201, QLatin1Char('t')); }));
    EXPECT_TRUE(problem([](auto& b) { b.members.clear(); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.mrn = QStringLiteral("12/345"); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.mrn = QString(33, QLatin1Char('7')); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.mrn = QStringLiteral("١٢٣"); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.name.clear(); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.date_of_birth = QStringLiteral("02/03/1948"); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.date_of_birth = QStringLiteral("1948-02-30"); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.date_of_birth = QStringLiteral("2999-01-01"); }));
    EXPECT_TRUE(problem([](auto& b) { b.patient.bed = QString(33, QLatin1Char('b')); }));
    // A group needs no patient at all.
    EXPECT_FALSE(problem([](auto& b) {
        b.kind = QStringLiteral("group");
        b.patient = {};
    }));
    client::ConversationDraft group = d;
    group.kind = QStringLiteral("group");
    EXPECT_FALSE(client::draft_request(group).contains("patient"));
    // Posting roles and a unit: announcements only, role names and visible text only.
    EXPECT_TRUE(problem([](auto& b) { b.posting_roles = {QStringLiteral("physician")}; }));
    EXPECT_TRUE(problem([](auto& b) { b.unit = QStringLiteral("4 West"); }));
    client::ConversationDraft announcement = group;
    announcement.kind = QStringLiteral("announcement");
    announcement.patient = {};
    announcement.posting_roles = {QStringLiteral("physician"), QStringLiteral("nurse"),
                                  QStringLiteral("physician")};
    announcement.unit = QStringLiteral(" Cardiology ");
    EXPECT_EQ(client::draft_problem(announcement), std::nullopt);
    const QJsonObject posted = client::draft_request(announcement);
    EXPECT_EQ(posted.value("roles").toArray(), QJsonArray({"physician", "nurse"}));
    EXPECT_EQ(posted.value("unit").toString(), "Cardiology");
    const auto announcement_problem = [&](auto change) {
        client::ConversationDraft bad = announcement;
        change(bad);
        return client::draft_problem(bad).has_value();
    };
    EXPECT_TRUE(announcement_problem([](auto& b) { b.posting_roles << QStringLiteral("Head Nurse"); }));
    EXPECT_TRUE(announcement_problem([](auto& b) { b.posting_roles << QString(); }));
    EXPECT_TRUE(announcement_problem([](auto& b) {
        for (int i = 0; i < 33; ++i) b.posting_roles << QStringLiteral("role%1").arg(i);
    }));
    EXPECT_TRUE(announcement_problem([](auto& b) { b.unit = QString(65, QLatin1Char('u')); }));
    EXPECT_TRUE(announcement_problem([](auto& b) { b.unit = QStringLiteral("4\nWest"); }));
    EXPECT_TRUE(announcement_problem([](auto& b) { b.unit = QStringLiteral("4\u200bWest"); }));
    announcement.posting_roles.clear();
    announcement.unit.clear();
    EXPECT_EQ(client::draft_problem(announcement), std::nullopt);
    EXPECT_FALSE(client::draft_request(announcement).contains("roles"))
        << "no roles: only the creator posts";
    EXPECT_FALSE(client::draft_request(announcement).contains("unit")) << "the whole organization";
}

}  // namespace
}  // namespace wardline::test
