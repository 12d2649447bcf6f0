// SPDX-License-Identifier: Apache-2.0
// Signing in with the client core against a real server (issue #6, "Login"): the whole first
// login (one-time password, password change, TOTP enrollment), recovery codes, resuming after
// a restart, the end of a session, and the messages a clinician sees for each refusal.
#include "client-qt/core/session.hpp"
#include "client-qt/core/session_keep_alive.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace wardline::test {
namespace {

using client::DeviceIdentity;
using client::LoginRefusal;
using client::ServerConnection;
using client::Session;
using Step = client::Session::Step;

/// A client installation: its device identity, connection and session, recording what the
/// session reported.
struct Installation {
    DeviceIdentity device;
    std::unique_ptr<ServerConnection> connection;
    std::unique_ptr<Session> session;
    std::vector<LoginRefusal> refusals;
    std::vector<QString> ended;
    QString secret, uri;
    QStringList recovery;

    Installation(std::uint16_t port, const std::string& ca_file, DeviceIdentity d)
        : device(std::move(d)) {
        client::ConnectionOptions o;
        o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(port));
        o.tls.ca_file = QString::fromStdString(ca_file);
        connection = std::make_unique<ServerConnection>(o);
        session = std::make_unique<Session>(*connection, device);
        QObject::connect(session.get(), &Session::refused,
                         [this](const LoginRefusal& r) { refusals.push_back(r); });
        QObject::connect(session.get(), &Session::sessionEnded,
                         [this](const QString& reason) { ended.push_back(reason); });
        QObject::connect(session.get(), &Session::mfaEnrollment,
                         [this](const QString& s, const QString& u) {
                             secret = s;
                             uri = u;
                         });
        QObject::connect(session.get(), &Session::recoveryCodes,
                         [this](const QStringList& codes) { recovery = codes; });
        EXPECT_TRUE(connection->open());
    }

    /// Waits until the session reaches `step` (true) or reports a refusal (false).
    bool reaches(Step step) {
        const auto before = refusals.size();
        qt_wait_for([&] { return session->step() == step || refusals.size() > before; });
        return session->step() == step;
    }
    /// Waits for a refusal and returns it.
    LoginRefusal refusal() {
        const auto before = refusals.size();
        EXPECT_TRUE(qt_wait_for([&] { return refusals.size() > before; }));
        return refusals.size() > before ? refusals.back() : LoginRefusal{};
    }
};

class ClientSession : public IdentityFixture {
protected:
    std::unique_ptr<Installation> install(DeviceIdentity d = DeviceIdentity::generate(
                                              "Ward 3 workstation", "Debian 12 / wardline test")) {
        return std::make_unique<Installation>(server().port(), server().certificate(),
                                              std::move(d));
    }
};

TEST_F(ClientSession, TheFirstSignInWalksEveryStepAndExplainsEachRefusal) {
    start();
    create_org("General");
    const std::string otp = create_user("General", "nina.nurse", "nurse");
    auto a = install();

    a->session->sign_in("General", "nina.nurse", QString::fromStdString(otp));
    ASSERT_TRUE(a->reaches(Step::change_password));
    // A password on the list of common ones: refused with the server's explanation.
    a->session->change_password(QString::fromStdString(otp), "12345678");
    const auto weak = a->refusal();
    EXPECT_EQ(weak.code, "password_rejected");
    EXPECT_FALSE(weak.message.isEmpty());
    EXPECT_FALSE(weak.message.contains("12345678")) << "the server never echoes it";
    EXPECT_EQ(a->session->step(), Step::change_password);
    a->session->change_password(QString::fromStdString(otp), "a long and quiet night shift");
    ASSERT_TRUE(a->reaches(Step::mfa_enroll));

    a->session->enroll_mfa();
    ASSERT_TRUE(a->reaches(Step::mfa_confirm));
    EXPECT_TRUE(a->uri.startsWith("otpauth://totp/")) << a->uri.toStdString();
    ASSERT_FALSE(a->secret.isEmpty());
    a->session->confirm_mfa("000000");
    const auto wrong = a->refusal();
    EXPECT_EQ(wrong.code, "unauthenticated");
    EXPECT_TRUE(wrong.message.startsWith("That code is not right")) << wrong.message.toStdString();
    a->session->confirm_mfa(
        QString::fromStdString(totp_now(base32_secret(a->secret.toStdString()))));
    ASSERT_TRUE(a->reaches(Step::signed_in));
    EXPECT_EQ(a->recovery.size(), 10);
    const auto& info = *a->session->info();
    EXPECT_EQ(info.username, "nina.nurse");
    EXPECT_TRUE(info.permissions.contains("chat.use"));
    EXPECT_FALSE(a->session->token().isEmpty());
    EXPECT_EQ(a->device.device_id, info.device_id) << "the installation keeps its device id";
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE id = '" + info.device_id.toStdString() +
                    "' AND identity_key = decode('" +
                    a->device.public_key.toBase64().toStdString() + "', 'base64')"),
              1)
        << "the server holds this installation's public key";
}

TEST_F(ClientSession, WrongCredentialsAllGetTheSameMessage) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto a = install();
    std::vector<LoginRefusal> seen;
    for (const auto& [org, user, password] :
         {std::tuple{"General", "nina.nurse", "not her password"},
          std::tuple{"General", "nobody.here", "not her password"},
          std::tuple{"No such hospital", "nina.nurse", nurse.password.c_str()}}) {
        a->session->sign_in(org, user, password);
        seen.push_back(a->refusal());
        EXPECT_EQ(a->session->step(), Step::signed_out);
    }
    ASSERT_EQ(seen.size(), 3u);
    for (const auto& r : seen) {
        EXPECT_EQ(r.code, "unauthenticated");
        EXPECT_EQ(r.message, seen.front().message);
    }
    EXPECT_TRUE(seen.front().message.startsWith("The organization, username or password"));
    EXPECT_FALSE(seen.front().message.contains("locked")) << "nothing about the account's state";
}

TEST_F(ClientSession, ARecoveryCodeSignsInTheSessionResumesAfterARestartAndItsEndIsHeard) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto first = install();
    first->session->sign_in("General", "nina.nurse", QString::fromStdString(nurse.password));
    ASSERT_TRUE(first->reaches(Step::mfa_verify));
    first->session->verify_mfa(QString::fromStdString(nurse.recovery_codes.at(0)), true);
    ASSERT_TRUE(first->reaches(Step::signed_in));
    const QString token = first->session->token();
    const QString session_id = first->session->info()->session_id;
    // A used recovery code is refused.
    auto other = install();
    other->session->sign_in("General", "nina.nurse", QString::fromStdString(nurse.password));
    ASSERT_TRUE(other->reaches(Step::mfa_verify));
    other->session->verify_mfa(QString::fromStdString(nurse.recovery_codes.at(0)), true);
    EXPECT_EQ(other->refusal().code, "unauthenticated");

    // The application restarts: the same installation resumes with its token.
    DeviceIdentity same = first->device;
    auto restarted = install(same);
    restarted->session->resume(token);
    ASSERT_TRUE(restarted->reaches(Step::signed_in));
    EXPECT_EQ(restarted->session->info()->session_id, session_id);
    // A token the server does not know: the user must sign in again.
    auto stale = install(same);
    stale->session->resume("bm90IGEgdG9rZW4");
    EXPECT_TRUE(qt_wait_for([&] { return !stale->ended.empty(); }));
    EXPECT_EQ(stale->ended, std::vector<QString>{"resume_refused"});
    EXPECT_EQ(stale->session->step(), Step::signed_out);

    // Signing out everywhere from another installation ends this session on both connections.
    other->session->verify_mfa(QString::fromStdString(nurse.recovery_codes.at(1)), true);
    ASSERT_TRUE(other->reaches(Step::signed_in));
    bool done = false;
    other->connection->request("auth.logout_all", {}, [&](const client::ServerResponse& r) {
        EXPECT_TRUE(r.ok) << r.error_code.toStdString();
        done = true;
    });
    EXPECT_TRUE(qt_wait_for([&] { return done; }));
    EXPECT_TRUE(qt_wait_for([&] { return !first->ended.empty() && !restarted->ended.empty(); }));
    EXPECT_EQ(first->session->step(), Step::signed_out);
    EXPECT_TRUE(first->session->token().isEmpty());
    EXPECT_EQ(restarted->session->step(), Step::signed_out);
}

// The keep-alive (client-qt/core/session_keep_alive.hpp) against the server's idle timeout, set
// to its shortest (5 s): a user whose input is reported stays signed in well past it, one who
// does nothing is signed out by the server.
class SessionKeepAliveTest : public ClientSession {};

TEST_F(SessionKeepAliveTest, AnActiveUserStaysSignedInPastTheIdleTimeoutAndAnIdleOneIsSignedOut) {
    start();
    create_org("General");
    TestUser busy_user = enroll("General", "amy.reader", "nurse");
    TestUser idle_user = enroll("General", "ian.away", "nurse");
    owner().exec("UPDATE organization_policies SET session_idle_timeout_seconds = 5");
    auto busy = install();
    auto idle = install();
    for (const auto& [a, u] :
         {std::pair{busy.get(), &busy_user}, std::pair{idle.get(), &idle_user}}) {
        a->session->sign_in("General", QString::fromStdString(u->username),
                            QString::fromStdString(u->password));
        ASSERT_TRUE(a->reaches(Step::mfa_verify));
        a->session->verify_mfa(QString::fromStdString(u->recovery_codes.back()), true);
        ASSERT_TRUE(a->reaches(Step::signed_in));
    }
    client::SessionKeepAlive keep_alive(*busy->connection, *busy->session);
    client::SessionKeepAlive idle_keep_alive(*idle->connection, *idle->session);
    EXPECT_EQ(keep_alive.interval(), std::chrono::milliseconds(5000 / 3));

    // Input reported right after the sign-in sends nothing: a request just went out.
    keep_alive.user_active();
    EXPECT_EQ(keep_alive.pings_sent(), 0);
    // Busy reads for 7 s, reporting input every 250 ms, and never sends a request of her own.
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < std::chrono::seconds(7)) {
        keep_alive.user_active();
        qt_wait_for([] { return false; }, std::chrono::milliseconds(250));
    }
    EXPECT_GE(keep_alive.pings_sent(), 3);
    EXPECT_LE(keep_alive.pings_sent(), 5) << "one ping per third of the timeout, no more";
    EXPECT_EQ(busy->session->step(), Step::signed_in);
    EXPECT_TRUE(busy->ended.empty());
    // The idle user was signed out by the server; input after that sends nothing.
    ASSERT_EQ(idle->ended.size(), 1u);
    EXPECT_EQ(idle->ended.front(), QStringLiteral("idle_timeout"));
    idle_keep_alive.user_active();
    EXPECT_EQ(idle_keep_alive.pings_sent(), 0);
    // The server agrees: the busy session answers a request of the session.
    std::optional<client::ServerResponse> status;
    busy->connection->request("key_packages.status", {},
                              [&](const client::ServerResponse& r) { status = r; });
    ASSERT_TRUE(qt_wait_for([&] { return status.has_value(); }));
    EXPECT_TRUE(status->ok) << status->error_code.toStdString();
}

TEST_F(ClientSession, AnAccountsStateIsToldInWordsOnlyAfterTheRightPassword) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto a = install();
    const QString right = QString::fromStdString(nurse.password);
    struct Case {
        const char* sql;
        const char* code;
        const char* words;
    };
    for (const auto& c :
         {Case{"UPDATE users SET status = 'suspended'", "account_suspended", "suspended"},
          Case{"UPDATE users SET status = 'deactivated'", "account_deactivated", "deactivated"},
          Case{"UPDATE users SET status = 'active', locked = true", "account_locked", "locked"}}) {
        owner().exec(std::string(c.sql) + " WHERE username_canonical = 'nina.nurse'");
        a->session->sign_in("General", "nina.nurse", "not her password");
        const auto wrong = a->refusal();
        EXPECT_EQ(wrong.code, "unauthenticated") << c.code;
        EXPECT_FALSE(wrong.message.contains(c.words)) << c.code;
        // The wrong password counted; take the per-account delay away for the right one.
        owner().exec("UPDATE users SET failed_logins = 0 WHERE username_canonical = 'nina.nurse'");
        a->session->sign_in("General", "nina.nurse", right);
        const auto told = a->refusal();
        EXPECT_EQ(told.code, c.code);
        EXPECT_TRUE(told.message.contains(c.words)) << told.message.toStdString();
        EXPECT_TRUE(told.message.contains("Call IT")) << told.message.toStdString();
        EXPECT_EQ(a->session->step(), Step::signed_out);
    }
}

TEST_F(ClientSession, TheDeviceSignatureIsCheckedForANewDeviceToo) {
    start();
    create_org("General");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    const long long devices_before =
        count("SELECT count(*) FROM devices WHERE user_id = '" + nurse.id + "'");
    // A public key whose private half this installation does not hold.
    auto mismatched = DeviceIdentity::generate("Ward 3 workstation", "Debian 12 / wardline test");
    auto other = DeviceIdentity::generate("x", "y");
    mismatched.public_key = other.public_key;
    other.forget_secret();
    auto a = install(std::move(mismatched));
    a->session->sign_in("General", "nina.nurse", QString::fromStdString(nurse.password));
    const auto refused = a->refusal();
    EXPECT_EQ(refused.code, "device_proof_failed");
    EXPECT_EQ(a->session->step(), Step::signed_out);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE user_id = '" + nurse.id + "'"),
              devices_before)
        << "no device registered";
    EXPECT_EQ(count("SELECT failed_logins FROM users WHERE id = '" + nurse.id + "'"), 0)
        << "the password was never tried";
    // The same installation with a matching key signs in.
    auto b = install();
    b->session->sign_in("General", "nina.nurse", QString::fromStdString(nurse.password));
    EXPECT_TRUE(b->reaches(Step::mfa_verify));
}

}  // namespace
}  // namespace wardline::test
