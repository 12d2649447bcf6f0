// SPDX-License-Identifier: Apache-2.0
// The Argon2id-wrapped key file (issue #6, "Device identity"; docs/client.md, "Key
// protection"): round trip, a wrong password, every damaged byte, truncated and oversized
// files, deliberate edits that keep the checksum right, parameter bounds, and rewrapping.
// Files are written with the floor parameters (KeyDerivation::minimum) to keep the test short.
#include "client-qt/core/local_key_file.hpp"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

namespace wardline::client {
namespace {

const QString password = QStringLiteral("correct horse battery staple");
const auto cheap = KeyDerivation::minimum();

QByteArray read_all(const QString& path) {
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    return f.readAll();
}

void write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ASSERT_EQ(f.write(bytes), bytes.size());
}

/// Recomputes the unkeyed checksum (bytes 108..123 over 0..107), as an attacker would.
QByteArray with_checksum(QByteArray file) {
    crypto_generichash(reinterpret_cast<unsigned char*>(file.data()) + 108, 16,
                       reinterpret_cast<const unsigned char*>(file.constData()), 108, nullptr, 0);
    return file;
}

/// True when `a` opens what `b` sealed: the same key.
bool same_key(const LocalKey& a, const LocalKey& b) {
    return a.open(b.seal("probe", "ad"), "ad") == QByteArray("probe");
}

class ClientLocalKeyFile : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        ASSERT_GE(sodium_init(), 0);
    }
    QString path() const { return dir_.filePath(QStringLiteral("local.key")); }
    /// Writes a fresh file for `key` and returns its bytes.
    QByteArray make(const LocalKey& key) {
        EXPECT_EQ(LocalKeyFile(path()).write(key, password, cheap), KeyFileError::none);
        return read_all(path());
    }

    QTemporaryDir dir_;
};

TEST_F(ClientLocalKeyFile, RoundTripGivesTheSameKeyInAnOwnerOnlyFile) {
    const auto key = LocalKey::generate();
    const LocalKeyFile file(path());
    EXPECT_FALSE(file.exists());
    const QByteArray bytes = make(key);
    EXPECT_TRUE(file.exists());
    EXPECT_EQ(static_cast<std::size_t>(bytes.size()), LocalKeyFile::file_size);
    EXPECT_TRUE(bytes.startsWith("WLLOCKEY"));

    struct stat st {};
    ASSERT_EQ(::stat(path().toLocal8Bit().constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto unlocked = file.unlock(password);
    ASSERT_TRUE(unlocked.ok()) << describe(unlocked.error).toStdString();
    EXPECT_TRUE(same_key(unlocked.key, key));
    EXPECT_EQ(unlocked.derivation, cheap);

    // Writing again (same key, same password) uses a new salt and nonce.
    EXPECT_NE(make(key), bytes);
}

TEST_F(ClientLocalKeyFile, TheDefaultParametersAreAtLeastOwaspsMinimum) {
    // OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
    EXPECT_EQ(KeyDerivation::minimum(), (KeyDerivation{2, 19 * 1024}));
    EXPECT_FALSE(KeyDerivation::recommended().weaker_than(KeyDerivation::minimum()));
    EXPECT_TRUE(KeyDerivation::recommended().within_bounds());
    EXPECT_TRUE(KeyDerivation::minimum().weaker_than(KeyDerivation::recommended()));
    EXPECT_FALSE((KeyDerivation{1, 19 * 1024}).within_bounds());
    EXPECT_FALSE((KeyDerivation{2, 19 * 1024 - 1}).within_bounds());
    EXPECT_FALSE((KeyDerivation{17, 19 * 1024}).within_bounds());
    EXPECT_FALSE((KeyDerivation{2, 1024 * 1024 + 1}).within_bounds());
}

TEST_F(ClientLocalKeyFile, WrongPasswordIsATypedErrorWithoutAKey) {
    const auto key = LocalKey::generate();
    make(key);
    const LocalKeyFile file(path());
    for (const QString& wrong : {QStringLiteral("Correct horse battery staple"),
                                 QStringLiteral("correct horse battery stapl"), QString(),
                                 QStringLiteral("correct horse battery staple ")}) {
        const auto u = file.unlock(wrong);
        EXPECT_EQ(u.error, KeyFileError::wrong_password);
        EXPECT_TRUE(u.key.empty());
    }
    EXPECT_FALSE(describe(KeyFileError::wrong_password).contains(password));
    EXPECT_TRUE(file.unlock(password).ok());
}

TEST_F(ClientLocalKeyFile, EveryDamagedByteIsDetectedBeforeTheSlowDerivation) {
    const QByteArray good = make(LocalKey::generate());
    for (qsizetype i = 0; i < good.size(); ++i) {
        QByteArray bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        write_all(path(), bad);
        const auto u = LocalKeyFile(path()).unlock(password);
        const KeyFileError expected = i < 8    ? KeyFileError::not_a_key_file
                                      : i < 10 ? KeyFileError::unsupported_version
                                               : KeyFileError::corrupt;
        EXPECT_EQ(u.error, expected) << "byte " << i;
        EXPECT_TRUE(u.key.empty());
    }
}

TEST_F(ClientLocalKeyFile, EveryDeliberateEditIsRefusedEvenWithTheChecksumRecomputed) {
    const QByteArray good = make(LocalKey::generate());
    for (qsizetype i = 10; i < 108; ++i) {
        const QByteArray bad = [&] {
            QByteArray b = good;
            b[i] = static_cast<char>(b[i] ^ 0x01);
            return with_checksum(b);
        }();
        write_all(path(), bad);
        const auto u = LocalKeyFile(path()).unlock(password);
        EXPECT_FALSE(u.ok()) << "byte " << i;
        EXPECT_TRUE(u.key.empty());
        if (i < 12)  // reserved
            EXPECT_EQ(u.error, KeyFileError::corrupt) << "byte " << i;
        else if (i < 20)  // Argon2id parameters: out of bounds, or a different wrapping key
            EXPECT_TRUE(u.error == KeyFileError::bad_parameters ||
                        u.error == KeyFileError::wrong_password)
                << "byte " << i;
        else  // salt, nonce, sealed key: the AEAD refuses
            EXPECT_EQ(u.error, KeyFileError::wrong_password) << "byte " << i;
    }
    // An unknown version with a right checksum is named as such.
    QByteArray v2 = good;
    v2[8] = 2;
    write_all(path(), with_checksum(v2));
    EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::unsupported_version);
}

TEST_F(ClientLocalKeyFile, TruncatedOversizedMissingAndForeignFilesAreNamed) {
    const QByteArray good = make(LocalKey::generate());
    for (qsizetype n = 0; n < good.size(); ++n) {
        write_all(path(), good.left(n));
        EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::truncated)
            << "length " << n;
    }
    write_all(path(), good + '\0');
    EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::too_large);
    write_all(path(), good + QByteArray(8 * 1024 * 1024, 'x'));
    EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::too_large);
    write_all(path(), QByteArray("-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n"));
    EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::not_a_key_file);
    write_all(path(), QByteArray("WLL"));
    EXPECT_EQ(LocalKeyFile(path()).unlock(password).error, KeyFileError::truncated);
    EXPECT_EQ(LocalKeyFile(dir_.filePath(QStringLiteral("absent.key"))).unlock(password).error,
              KeyFileError::not_found);
    // A directory where the file should be cannot be read as one.
    EXPECT_NE(LocalKeyFile(dir_.path()).unlock(password).error, KeyFileError::none);
}

TEST_F(ClientLocalKeyFile, ParametersOutsideTheBoundsAreRefused) {
    const auto key = LocalKey::generate();
    const LocalKeyFile file(path());
    EXPECT_EQ(file.write(key, password, {1, 19 * 1024}), KeyFileError::bad_parameters);
    EXPECT_EQ(file.write(key, password, {2, 8 * 1024}), KeyFileError::bad_parameters);
    EXPECT_FALSE(file.exists());
    EXPECT_EQ(file.write(key, QString(), cheap), KeyFileError::empty_password);
    EXPECT_FALSE(file.exists());

    // A file lowered below the floor (checksum recomputed) is refused, not used.
    QByteArray bytes = make(key);
    bytes[15] = 1;  // opslimit 2 -> 1
    write_all(path(), with_checksum(bytes));
    EXPECT_EQ(file.unlock(password).error, KeyFileError::bad_parameters);
    bytes = make(key);
    bytes[12] = 0x7f;  // opslimit far above the ceiling
    write_all(path(), with_checksum(bytes));
    EXPECT_EQ(file.unlock(password).error, KeyFileError::bad_parameters);
}

TEST_F(ClientLocalKeyFile, RewrapChangesThePasswordButNotTheKey) {
    const auto key = LocalKey::generate();
    const QByteArray before = make(key);
    const LocalKeyFile file(path());
    const QString next = QStringLiteral("a new and longer passphrase");

    // A wrong old password changes nothing.
    EXPECT_EQ(file.rewrap(QStringLiteral("nope"), next, cheap), KeyFileError::wrong_password);
    EXPECT_EQ(read_all(path()), before);
    EXPECT_EQ(file.rewrap(password, QString(), cheap), KeyFileError::empty_password);
    EXPECT_EQ(read_all(path()), before);

    ASSERT_EQ(file.rewrap(password, next, cheap), KeyFileError::none);
    EXPECT_EQ(file.unlock(password).error, KeyFileError::wrong_password);
    auto unlocked = file.unlock(next);
    ASSERT_TRUE(unlocked.ok());
    EXPECT_TRUE(same_key(unlocked.key, key));

    // Raising the parameters is a rewrap with the same password.
    const KeyDerivation raised{3, 24 * 1024};
    ASSERT_EQ(file.rewrap(next, next, raised), KeyFileError::none);
    unlocked = file.unlock(next);
    ASSERT_TRUE(unlocked.ok());
    EXPECT_EQ(unlocked.derivation, raised);
    EXPECT_TRUE(same_key(unlocked.key, key));
}

TEST_F(ClientLocalKeyFile, AFailedWriteSaysSoAndRemoveLeavesNothing) {
    const auto key = LocalKey::generate();
    const LocalKeyFile nowhere(dir_.filePath(QStringLiteral("no/such/dir/local.key")));
    EXPECT_EQ(nowhere.write(key, password, cheap), KeyFileError::write_failed);

    make(key);
    const LocalKeyFile file(path());
    EXPECT_TRUE(file.remove());
    EXPECT_FALSE(QFileInfo::exists(path()));
    EXPECT_TRUE(file.remove());  // nothing to remove is fine
    EXPECT_EQ(file.unlock(password).error, KeyFileError::not_found);
}

TEST(ClientLocalKeyFileErrors, EveryErrorHasASentence) {
    for (int e = 0; e <= static_cast<int>(KeyFileError::write_failed); ++e)
        EXPECT_FALSE(describe(static_cast<KeyFileError>(e)).isEmpty()) << e;
}

}  // namespace
}  // namespace wardline::client
