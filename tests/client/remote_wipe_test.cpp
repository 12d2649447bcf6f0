// SPDX-License-Identifier: Apache-2.0
// The client core obeying the administrator (issue #7) against a real server, PostgreSQL and
// TLS: a wipe order erases the local store and key file, is confirmed, and the device id can
// never sign in again; an order given while the device was away is obeyed right after its
// next sign-in; quarantine and release are reported and leave the store alone.
#include "client-qt/core/remote_wipe.hpp"
#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/session.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace wardline::test {
namespace {

using client::DeviceIdentity;
using client::LocalKey;
using client::LocalKeyFile;
using client::LocalStore;
using client::RemoteWipe;
using client::ServerConnection;
using client::Session;
using Step = client::Session::Step;

/// One installation with a real local store and key file on disk, and a RemoteWipe over them.
struct WipeableInstallation {
    QTemporaryDir dir;
    DeviceIdentity device = DeviceIdentity::generate("Ward 5 laptop", "Debian 12 / wardline test");
    LocalKey key = LocalKey::generate();
    std::unique_ptr<ServerConnection> connection;
    std::unique_ptr<Session> session;
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<RemoteWipe> remote;
    std::vector<std::pair<bool, bool>> wiped_out;  ///< (erased, confirmed) per wipedOut
    std::vector<bool> quarantine;                  ///< each quarantineChanged
    std::vector<QString> refusals;

    WipeableInstallation(std::uint16_t port, const std::string& ca_file) {
        client::ConnectionOptions o;
        o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(port));
        o.tls.ca_file = QString::fromStdString(ca_file);
        connection = std::make_unique<ServerConnection>(o);
        session = std::make_unique<Session>(*connection, device);
        QObject::connect(session.get(), &Session::refused,
                         [this](const client::LoginRefusal& r) { refusals.push_back(r.code); });
        client::LocalWipeTargets targets;
        targets.store_directory = store_directory();
        targets.key_file = key_file();
        targets.key = &key;
        targets.device = &device;
        remote = std::make_unique<RemoteWipe>(*connection, *session, targets);
        QObject::connect(remote.get(), &RemoteWipe::wipeStarting, [this] { store.reset(); });
        QObject::connect(remote.get(), &RemoteWipe::wipedOut, [this](bool erased, bool confirmed) {
            wiped_out.emplace_back(erased, confirmed);
        });
        QObject::connect(remote.get(), &RemoteWipe::quarantineChanged,
                         [this](bool q) { quarantine.push_back(q); });
        EXPECT_TRUE(connection->open());
        // A key file (cheapest derivation the file accepts) like the application keeps.
        EXPECT_EQ(LocalKeyFile(key_file())
                      .write(key, "a long and quiet night shift", client::KeyDerivation::minimum()),
                  client::KeyFileError::none);
    }

    QString store_directory() const { return dir.filePath(QStringLiteral("store")); }
    QString key_file() const { return dir.filePath(QStringLiteral("local.key")); }
    QStringList store_files() const {
        return QDir(store_directory()).entryList({QStringLiteral("account-*")}, QDir::Files);
    }

    /// Signs in with a recovery code (no wait for a fresh TOTP step) and opens the store.
    bool sign_in(const TestUser& u, const std::string& recovery_code) {
        session->sign_in("General", QString::fromStdString(u.username),
                         QString::fromStdString(u.password));
        if (!qt_wait_for([&] { return session->step() == Step::mfa_verify || !refusals.empty(); }))
            return false;
        if (session->step() != Step::mfa_verify) return false;
        session->verify_mfa(QString::fromStdString(recovery_code), true);
        if (!qt_wait_for([&] { return session->step() == Step::signed_in || !refusals.empty(); }))
            return false;
        if (session->step() != Step::signed_in) return false;
        if (!store)
            store = std::make_unique<LocalStore>(
                store_directory(),
                client::StoreAccount{QStringLiteral("localhost"), session->info()->user_id,
                                     device.device_id},
                key);
        return true;
    }
};

class ClientRemoteWipe : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        start({{"identity.login_burst", "1000"}});
        create_org("General");
        admin_ = enroll("General", "ada.admin", "admin");
        nurse_ = enroll("General", "nina.nurse", "nurse");
    }
    std::unique_ptr<WipeableInstallation> install() {
        return std::make_unique<WipeableInstallation>(server().port(), server().certificate());
    }
    std::string device_column(const QString& device_id, const std::string& expression) {
        return owner()
            .exec("SELECT coalesce((" + expression + ")::text, '') FROM devices WHERE id = '" +
                  device_id.toStdString() + "'")
            .text_or_throw(0, 0)
            .data();
    }
    TestUser admin_;
    TestUser nurse_;
};

TEST_F(ClientRemoteWipe, AWipeOrderErasesTheStoreIsConfirmedAndTheDeviceCannotSignInAgain) {
    auto a = install();
    ASSERT_TRUE(a->sign_in(nurse_, nurse_.recovery_codes.at(0)));
    ASSERT_FALSE(a->store_files().isEmpty());
    ASSERT_TRUE(QFile::exists(a->key_file()));
    const QString device_id = a->device.device_id;

    auto admin = logged_in(admin_);
    ASSERT_EQ(admin->request("devices.wipe", {{"device_id", device_id.toStdString()}})
                  .value("status", ""),
              "ok");

    ASSERT_TRUE(qt_wait_for([&] { return !a->wiped_out.empty(); }));
    EXPECT_EQ(a->wiped_out.front(), std::make_pair(true, true));
    EXPECT_EQ(a->remote->state(), RemoteWipe::State::wiped);
    EXPECT_TRUE(a->store_files().isEmpty()) << a->store_files().join(',').toStdString();
    EXPECT_FALSE(QFile::exists(a->key_file()));
    EXPECT_TRUE(a->device.secret_key.isEmpty());
    // The server recorded the confirmation and revoked the device.
    EXPECT_NE(device_column(device_id, "wiped_at"), "");
    EXPECT_NE(device_column(device_id, "revoked_at"), "");
    EXPECT_EQ(audit_count("device.wipe_confirm", "success"), 1);
    EXPECT_TRUE(qt_wait_for([&] { return a->session->step() == Step::signed_out; }));

    // The old device id can never sign in again: the wipe erased its private key, so it cannot
    // even prove it is the device (the server would answer device_revoked to one that could).
    a->refusals.clear();
    a->session->sign_in("General", QString::fromStdString(nurse_.username),
                        QString::fromStdString(nurse_.password));
    ASSERT_TRUE(qt_wait_for([&] { return !a->refusals.empty(); }));
    EXPECT_EQ(a->refusals.back(), "device_proof_failed");
}

TEST_F(ClientRemoteWipe, AnOrderGivenWhileTheDeviceWasAwayIsObeyedRightAfterItsNextSignIn) {
    auto a = install();
    ASSERT_TRUE(a->sign_in(nurse_, nurse_.recovery_codes.at(0)));
    const QString device_id = a->device.device_id;
    a->session->sign_out();
    ASSERT_TRUE(qt_wait_for([&] {
        return a->session->step() == Step::signed_out &&
               count("SELECT count(*) FROM sessions WHERE ended_at IS NULL AND device_id = '" +
                     device_id.toStdString() + "'") == 0;
    }));

    auto admin = logged_in(admin_);
    ASSERT_EQ(admin->request("devices.wipe", {{"device_id", device_id.toStdString()}})
                  .value("status", ""),
              "ok");
    EXPECT_EQ(device_column(device_id, "wipe_delivered_at"), "");
    ASSERT_FALSE(a->store_files().isEmpty());

    // The order follows the sign-in's response at once: the session may be over again by the
    // time the test looks, so it waits for the wipe rather than for the signed-in step.
    a->refusals.clear();
    a->session->sign_in("General", QString::fromStdString(nurse_.username),
                        QString::fromStdString(nurse_.password));
    ASSERT_TRUE(qt_wait_for([&] { return a->session->step() == Step::mfa_verify; }));
    a->session->verify_mfa(QString::fromStdString(nurse_.recovery_codes.at(1)), true);
    ASSERT_TRUE(qt_wait_for([&] { return !a->wiped_out.empty() || !a->refusals.empty(); }));
    EXPECT_TRUE(a->refusals.empty());
    ASSERT_FALSE(a->wiped_out.empty());
    EXPECT_EQ(a->wiped_out.front(), std::make_pair(true, true));
    EXPECT_TRUE(a->store_files().isEmpty());
    EXPECT_NE(device_column(device_id, "wipe_delivered_at"), "");
    EXPECT_NE(device_column(device_id, "wiped_at"), "");
}

TEST_F(ClientRemoteWipe, QuarantineAndReleaseAreReportedAndTheStoreStays) {
    auto a = install();
    ASSERT_TRUE(a->sign_in(nurse_, nurse_.recovery_codes.at(0)));
    const std::string device_id = a->device.device_id.toStdString();
    auto admin = logged_in(admin_);
    ASSERT_EQ(admin->request("devices.quarantine", {{"device_id", device_id}}).value("status", ""),
              "ok");
    ASSERT_TRUE(qt_wait_for([&] { return a->quarantine.size() == 1; }));
    EXPECT_TRUE(a->remote->quarantined());
    QString refused;
    a->connection->request("messages.sync", {},
                           [&](const client::ServerResponse& r) { refused = r.error_code; });
    ASSERT_TRUE(qt_wait_for([&] { return !refused.isEmpty(); }));
    EXPECT_EQ(refused, "device_quarantined");

    ASSERT_EQ(admin->request("devices.release", {{"device_id", device_id}}).value("status", ""),
              "ok");
    ASSERT_TRUE(qt_wait_for([&] { return a->quarantine.size() == 2; }));
    EXPECT_EQ(a->quarantine, (std::vector<bool>{true, false}));
    EXPECT_EQ(a->remote->state(), RemoteWipe::State::active);
    EXPECT_TRUE(a->wiped_out.empty());
    EXPECT_FALSE(a->store_files().isEmpty());
    EXPECT_TRUE(QFile::exists(a->key_file()));
}

}  // namespace
}  // namespace wardline::test
