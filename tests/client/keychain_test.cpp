// SPDX-License-Identifier: Apache-2.0
// The keychain (QtKeychain) and the fallback to the key file (docs/client.md, "Key
// protection"). Without a D-Bus session (CI, a server; here made so on every machine, desktop
// or not) there is no keychain: every call must say `unavailable` promptly, and the local key
// must come from the key file. A round trip through a real keychain is not tested here: the CI
// machine has no secret service.
#include "client-qt/core/keychain_key_store.hpp"
#include "client-qt/core/local_key_source.hpp"

#include <QTemporaryDir>
#include <QUuid>

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

namespace wardline::client {
namespace {

using Status = KeychainKeyStore::Status;
using namespace std::chrono_literals;

/// Takes the session bus away from this process before Qt or GLib look for it: no address,
/// no runtime directory (where libdbus and GDBus find the user's bus), no display to
/// autolaunch one on.
class ClientKeychain : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        for (const char* name : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY"})
            ::unsetenv(name);
    }
};

QString unique_account() {
    return QStringLiteral("wardline-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool same_key(const LocalKey& a, const LocalKey& b) {
    return a.open(b.seal("probe", "ad"), "ad") == QByteArray("probe");
}

TEST_F(ClientKeychain, WithoutASessionBusTheKeychainIsUnavailable) {
    const KeychainKeyStore keychain(QStringLiteral("Wardline test"), 5s);
    const auto key = LocalKey::generate();
    const QString account = unique_account();
    const auto loaded = keychain.load(account);
    EXPECT_EQ(loaded.status, Status::unavailable) << keychain.last_error().toStdString();
    EXPECT_FALSE(keychain.last_error().isEmpty());  // the backend's reason, for the log
    std::cout << "keychain: " << keychain.last_error().toStdString() << '\n';
    EXPECT_TRUE(loaded.key.empty());
    EXPECT_EQ(keychain.save(account, key), Status::unavailable);
    EXPECT_EQ(keychain.load(account).status, Status::unavailable);
    EXPECT_EQ(keychain.remove(account), Status::unavailable);
}

TEST_F(ClientKeychain, WithoutAKeychainTheKeyComesFromTheKeyFile) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const KeychainKeyStore keychain(QStringLiteral("Wardline test"), 5s);
    const LocalKeyFile file(dir.filePath(QStringLiteral("local.key")));
    const QString account = unique_account();
    const QString password = QStringLiteral("a long enough password");

    // A store exists but its key is gone: nothing new is made.
    auto missing = obtain_local_key(keychain, account, file, password, false);
    EXPECT_FALSE(missing.ok());
    EXPECT_EQ(missing.file_error, KeyFileError::not_found);
    EXPECT_FALSE(file.exists());

    auto first = obtain_local_key(keychain, account, file, password, true);
    ASSERT_TRUE(first.ok()) << describe(first.file_error).toStdString();
    EXPECT_TRUE(first.created);
    EXPECT_EQ(first.protection, KeyProtection::key_file);
    EXPECT_TRUE(file.exists());

    auto again = obtain_local_key(keychain, account, file, password, true);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.protection, KeyProtection::key_file);
    EXPECT_TRUE(same_key(again.key, first.key));

    auto wrong = obtain_local_key(keychain, account, file, QStringLiteral("nope"), true);
    EXPECT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.file_error, KeyFileError::wrong_password);
    EXPECT_FALSE(wrong.created);
    // The wrong password did not replace the file.
    EXPECT_TRUE(
        same_key(obtain_local_key(keychain, account, file, password, false).key, first.key));
}

}  // namespace
}  // namespace wardline::client
