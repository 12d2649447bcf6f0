// SPDX-License-Identifier: Apache-2.0
// The device kept across sign-ins (client-qt/core/device_keeper.hpp) against a real
// wardline-server (real TLS, real PostgreSQL), each sign-in with fresh core objects as after a
// restart of the application: the second sign-in uses the device of the first (the server
// lists one), a mistyped password neither loses nor replaces anything, a device the server
// revoked is forgotten with its store and a new one registered, and a damaged device file is
// refused with a clear error and replaced; the first sign-in's key file (Argon2id) is made
// while the calling thread's event loop keeps running (AccountOpening). No keychain here (the
// session bus is taken away): the local key is in the Argon2id key file under the user's password.
#include "client-qt/core/device_keeper.hpp"
#include "client-qt/core/account_opening.hpp"
#include "client-qt/core/session.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/client/store_test_support.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace wardline::test {
namespace {

using client::DeviceIdentity;
using client::DeviceKeeper;
using client::LoginRefusal;
using client::ServerConnection;
using client::Session;
using Step = client::Session::Step;
using namespace std::chrono_literals;

const QString new_password = QStringLiteral("a long and quiet night shift on ward 3");
const QByteArray kept_marker("kept across sign-ins");

/// One start of the application: a keeper, a device identity, a connection and a session,
/// all made anew.
struct AppStart {
    client::KeychainKeyStore keychain{QStringLiteral("Wardline test"), 2s};
    std::shared_ptr<DeviceKeeper> keeper;
    DeviceIdentity identity;
    client::DevicePreparation prepared;
    std::unique_ptr<ServerConnection> connection;
    std::unique_ptr<Session> session;
    std::vector<LoginRefusal> refusals;
    QString mfa_secret;
    QStringList recovery;
    client::KeptAccount account;

    AppStart(const QString& directory, const client::DeviceAccount& who, std::uint16_t port,
             const std::string& ca_file) {
        keeper = std::make_shared<DeviceKeeper>(directory, who, keychain);
        client::ConnectionOptions o;
        o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(port));
        o.tls.ca_file = QString::fromStdString(ca_file);
        connection = std::make_unique<ServerConnection>(o);
        session = std::make_unique<Session>(*connection, identity);
        QObject::connect(session.get(), &Session::refused,
                         [this](const LoginRefusal& r) { refusals.push_back(r); });
        QObject::connect(session.get(), &Session::mfaEnrollment,
                         [this](const QString& s, const QString&) { mfa_secret = s; });
        QObject::connect(session.get(), &Session::recoveryCodes,
                         [this](const QStringList& codes) { recovery = codes; });
        EXPECT_TRUE(connection->open());
    }
    ~AppStart() {
        account.storage.reset();
        session.reset();
        connection.reset();
        identity.forget_secret();
    }
    void prepare(const QString& password) {
        prepared = keeper->prepare(identity, password, QStringLiteral("Ward 3 workstation"),
                                   QStringLiteral("Debian 12 / wardline test"));
    }
    bool reaches(Step step) {
        const auto before = refusals.size();
        qt_wait_for([&] { return session->step() == step || refusals.size() > before; });
        return session->step() == step;
    }
    LoginRefusal refusal() {
        const auto before = refusals.size();
        EXPECT_TRUE(qt_wait_for([&] { return refusals.size() > before; }));
        return refusals.size() > before ? refusals.back() : LoginRefusal{};
    }
    void keep(const QString& password) {
        account = keeper->keep(identity, *session->info(), password);
        EXPECT_TRUE(account.storage) << account.error.toStdString();
    }
};

class DeviceKeeperTest : public IdentityFixture {
protected:
    static void SetUpTestSuite() {
        for (const char* name : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY"})
            ::unsetenv(name);
    }
    void SetUp() override {
        IdentityFixture::SetUp();
        ASSERT_TRUE(dir_.isValid());
        start();
        create_org("General");
        otp_ = QString::fromStdString(create_user("General", "nina.nurse", "nurse"));
        who_ = {QStringLiteral("localhost:%1").arg(server().port()), QStringLiteral("General"),
                QStringLiteral("nina.nurse")};
    }
    std::unique_ptr<AppStart> app() {
        return std::make_unique<AppStart>(dir_.path(), who_, server().port(),
                                          server().certificate());
    }
    /// The first sign-in ever up to the session: one-time password, new password, authenticator.
    std::unique_ptr<AppStart> first_session() {
        auto a = app();
        a->prepare(otp_);
        EXPECT_FALSE(a->prepared.kept);
        a->session->sign_in("General", "nina.nurse", otp_);
        EXPECT_TRUE(a->reaches(Step::change_password));
        a->session->change_password(otp_, new_password);
        EXPECT_TRUE(a->reaches(Step::mfa_enroll));
        a->session->enroll_mfa();
        EXPECT_TRUE(a->reaches(Step::mfa_confirm));
        totp_secret_ = a->mfa_secret.toStdString();
        a->session->confirm_mfa(QString::fromStdString(totp_now(base32_secret(totp_secret_))));
        EXPECT_TRUE(a->reaches(Step::signed_in));
        recovery_ = a->recovery;
        return a;
    }
    /// The first sign-in ever: the device is kept and a marker written to the account's store.
    std::unique_ptr<AppStart> first_sign_in() {
        auto a = first_session();
        a->keep(new_password);
        if (a->account.storage) a->account.storage->store().save_secret("marker", kept_marker);
        return a;
    }
    /// A later sign-in with the new password and a recovery code (a TOTP step may be used up).
    void sign_in_again(AppStart& a) {
        a.session->sign_in("General", "nina.nurse", new_password);
        ASSERT_TRUE(a.reaches(Step::mfa_verify));
        ASSERT_FALSE(recovery_.isEmpty());
        a.session->verify_mfa(recovery_.takeFirst(), true);
        ASSERT_TRUE(a.reaches(Step::signed_in));
        a.keep(new_password);
    }
    long long devices() {
        return count(
            "SELECT count(*) FROM devices d JOIN users u ON u.id = d.user_id "
            "WHERE u.username = 'nina.nurse'");
    }

    QTemporaryDir dir_;
    QString otp_;
    client::DeviceAccount who_;
    std::string totp_secret_;
    QStringList recovery_;
};

TEST_F(DeviceKeeperTest, TwoSignInsInARowRegisterOneDeviceAndKeepTheStore) {
    QString device_id;
    QByteArray secret_key;
    {
        auto first = first_sign_in();
        device_id = first->identity.device_id;
        secret_key = first->identity.secret_key;
        ASSERT_FALSE(device_id.isEmpty());
        EXPECT_TRUE(QFile::exists(first->keeper->device_file_path()));
        EXPECT_TRUE(QFile::exists(first->keeper->key_file_path()));
    }
    EXPECT_EQ(devices(), 1);
    // On the disk: neither the device's secret key nor the store's marker in the clear.
    EXPECT_FALSE(files_contain(dir_.path(), secret_key));
    EXPECT_FALSE(files_contain(dir_.path(), secret_key.first(32)));
    EXPECT_FALSE(files_contain(dir_.path(), kept_marker));

    // A restart: a mistyped password neither opens the kept device nor replaces anything.
    {
        auto typo = app();
        typo->prepare(QStringLiteral("a long and quiet night shift on ward 4"));
        EXPECT_FALSE(typo->prepared.kept);
        EXPECT_EQ(typo->prepared.key_error, client::KeyFileError::wrong_password);
        typo->session->sign_in("General", "nina.nurse",
                               QStringLiteral("a long and quiet night shift on ward 4"));
        EXPECT_EQ(typo->refusal().code, QStringLiteral("unauthenticated"));
    }
    EXPECT_EQ(devices(), 1);

    // Another restart with the right password: the same device, the same store.
    auto second = app();
    second->prepare(new_password);
    ASSERT_TRUE(second->prepared.kept);
    EXPECT_EQ(second->identity.device_id, device_id);
    EXPECT_EQ(second->identity.secret_key, secret_key);
    sign_in_again(*second);
    EXPECT_EQ(second->session->info()->device_id, device_id);
    ASSERT_TRUE(second->account.storage);
    EXPECT_EQ(second->account.storage->store().secret("marker").value_or(QByteArray()),
              kept_marker);
    EXPECT_EQ(devices(), 1) << "the second sign-in registered no device";
}

TEST_F(DeviceKeeperTest, ARevokedDeviceIsForgottenWithItsStoreAndANewOneRegistered) {
    QString old_device;
    QString store_path;
    {
        auto first = first_sign_in();
        old_device = first->identity.device_id;
        store_path = first->account.storage->store().path();
    }
    ASSERT_TRUE(QFile::exists(store_path));
    owner().exec("UPDATE devices SET revoked_at = now() WHERE id = '" + old_device.toStdString() +
                 "'");

    auto again = app();
    again->prepare(new_password);
    ASSERT_TRUE(again->prepared.kept);
    again->session->sign_in("General", "nina.nurse", new_password);
    const auto refused = again->refusal();
    EXPECT_EQ(refused.code, QStringLiteral("device_revoked"));
    ASSERT_TRUE(client::device_refused(refused)) << refused.code.toStdString();
    EXPECT_TRUE(refused.message.contains(QStringLiteral("erased")))
        << refused.message.toStdString();
    EXPECT_TRUE(refused.message.contains(QStringLiteral("Sign in again")));
    ASSERT_TRUE(QFile::exists(again->keeper->key_file_path()));
    EXPECT_TRUE(again->keeper->forget(&again->identity));
    // Erased as a remote wipe erases: the store, the device file, the key file, the secret key.
    EXPECT_FALSE(QFile::exists(store_path)) << "the revoked device's store is wiped";
    EXPECT_FALSE(QFile::exists(again->keeper->device_file_path()));
    EXPECT_FALSE(QFile::exists(again->keeper->key_file_path()));
    EXPECT_TRUE(again->identity.secret_key.isEmpty());

    // The next sign-in makes and registers a new device, and keeps it.
    again->prepare(new_password);
    EXPECT_FALSE(again->prepared.kept);
    EXPECT_TRUE(again->identity.device_id.isEmpty());
    sign_in_again(*again);
    EXPECT_NE(again->identity.device_id, old_device);
    ASSERT_TRUE(again->account.storage);
    EXPECT_FALSE(again->account.storage->store().secret("marker").has_value());
    EXPECT_EQ(devices(), 2);
    const QString new_device = again->identity.device_id;
    again.reset();
    auto later = app();
    later->prepare(new_password);
    EXPECT_TRUE(later->prepared.kept);
    EXPECT_EQ(later->identity.device_id, new_device);
}

TEST_F(DeviceKeeperTest, AKeptDeviceSigningWithAnotherKeyIsRefusedAndNothingIsErased) {
    QString store_path;
    {
        auto first = first_sign_in();
        store_path = first->account.storage->store().path();
    }
    auto thief = app();
    thief->prepare(new_password);
    ASSERT_TRUE(thief->prepared.kept);
    // The device id and public key are right; the private key is not the device's.
    auto other = DeviceIdentity::generate(QStringLiteral("x"), QStringLiteral("y"));
    thief->identity.secret_key = other.secret_key;
    other.forget_secret();
    thief->session->sign_in("General", "nina.nurse", new_password);
    const auto refused = thief->refusal();
    EXPECT_EQ(refused.code, QStringLiteral("device_proof_failed"));
    EXPECT_FALSE(client::device_refused(refused));
    EXPECT_TRUE(refused.message.contains(QStringLiteral("could not prove")));
    EXPECT_EQ(thief->session->step(), Step::signed_out);
    EXPECT_EQ(devices(), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'auth.login' AND "
                    "details LIKE '%device_signature_invalid%'"),
              2)
        << "refused once, and once more after the client's one retry with a new challenge";
    EXPECT_TRUE(QFile::exists(store_path));
    EXPECT_TRUE(QFile::exists(thief->keeper->device_file_path()));
}

TEST_F(DeviceKeeperTest, ADamagedDeviceFileIsRefusedClearlyAndReplacedAfterTheSignIn) {
    QString old_device;
    {
        auto first = first_sign_in();
        old_device = first->identity.device_id;
    }
    const QString path = app()->keeper->device_file_path();
    QByteArray bytes;
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        bytes = f.readAll();
    }
    for (const QByteArray& damaged : {bytes.first(bytes.size() / 2), [&] {
                                          QByteArray b = bytes;
                                          b[b.size() - 3] = static_cast<char>(b[b.size() - 3] ^ 4);
                                          return b;
                                      }()}) {
        {
            QFile f(path);
            ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(damaged);
        }
        auto a = app();
        a->prepare(new_password);
        EXPECT_FALSE(a->prepared.kept);
        EXPECT_NE(a->prepared.file_error, client::DeviceFileError::none);
        EXPECT_TRUE(client::describe(a->prepared.file_error).contains("damaged"));
        EXPECT_TRUE(a->identity.device_id.isEmpty()) << "a new device, not the damaged one";
    }

    // Signing in with the damaged file replaced: a new device, the old store erased (it
    // belonged to the device that is gone), and the new device kept.
    auto a = app();
    a->prepare(new_password);
    sign_in_again(*a);
    EXPECT_NE(a->identity.device_id, old_device);
    ASSERT_TRUE(a->account.storage);
    EXPECT_FALSE(a->account.storage->store().secret("marker").has_value());
    const QString new_device = a->identity.device_id;
    a.reset();
    auto later = app();
    later->prepare(new_password);
    EXPECT_TRUE(later->prepared.kept);
    EXPECT_EQ(later->identity.device_id, new_device);
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

TEST_F(DeviceKeeperTest, TheFirstSignInMakesTheKeyFileWhileTheEventLoopKeepsRunning) {
    auto a = first_session();
    ASSERT_EQ(a->session->step(), Step::signed_in);
    ASSERT_FALSE(QFile::exists(a->keeper->key_file_path()));
    // A timer of the calling thread, as the UI's would be: it keeps firing while Argon2id makes
    // the key file, which a blocked event loop could not do.
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(5ms);
    QObject::connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
    ticker.start();
    std::optional<client::KeptAccount> kept;
    QThread* done_on = nullptr;
    QElapsedTimer took;
    took.start();
    client::AccountOpening opening(a->keeper, a->identity, *a->session->info(), new_password,
                                   [&](client::KeptAccount k) {
                                       done_on = QThread::currentThread();
                                       kept = std::move(k);
                                   });
    EXPECT_TRUE(opening.running());
    ASSERT_TRUE(qt_wait_for([&] { return kept.has_value(); }, 30s));
    ticker.stop();
    EXPECT_FALSE(opening.running());
    ASSERT_GE(took.elapsed(), 20) << "too quick to show anything: Argon2id takes longer";
    EXPECT_GE(ticks, 3) << "the calling thread was blocked for " << took.elapsed() << " ms";
    EXPECT_EQ(done_on, QThread::currentThread());
    ASSERT_TRUE(kept->storage) << kept->error.toStdString();
    EXPECT_TRUE(QFile::exists(a->keeper->key_file_path()));
    // The storage was opened on this thread, which uses it.
    kept->storage->store().save_secret("marker", kept_marker);
    EXPECT_EQ(kept->storage->store().secret("marker").value_or(QByteArray()), kept_marker);
    kept->storage.reset();

    // The next start of the application unlocks that key file with the password.
    a.reset();
    auto b = app();
    b->prepare(new_password);
    EXPECT_TRUE(b->prepared.kept);
    EXPECT_EQ(b->prepared.key_error, client::KeyFileError::none);
}

TEST_F(DeviceKeeperTest, AnOpeningDroppedBeforeItEndsNeverCallsBack) {
    auto a = first_session();
    bool called = false;
    {
        client::AccountOpening opening(a->keeper, a->identity, *a->session->info(), new_password,
                                       [&](client::KeptAccount) { called = true; });
    }  // waits for the worker, drops the outcome
    qt_wait_for([] { return false; }, 100ms);
    EXPECT_FALSE(called);
    // The key file was made all the same: the next opening unlocks it.
    std::optional<client::KeptAccount> kept;
    client::AccountOpening again(a->keeper, a->identity, *a->session->info(), new_password,
                                 [&](client::KeptAccount k) { kept = std::move(k); });
    ASSERT_TRUE(qt_wait_for([&] { return kept.has_value(); }, 30s));
    EXPECT_TRUE(kept->storage) << kept->error.toStdString();
}

}  // namespace
}  // namespace wardline::test
