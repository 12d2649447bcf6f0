// SPDX-License-Identifier: Apache-2.0
// The sealed device file (client-qt/core/device_file.hpp) on real files: round trip, 0600,
// no secret key in the clear, and every damaged form refused with its own error and a
// sentence for the user: a flipped byte anywhere, truncated at every length, oversized, not a
// device file, a newer version, another account's file, another key, and garbage that was
// sealed with the right key.
#include "client-qt/core/device_file.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

namespace wardline::client {
namespace {

class DeviceFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        device_.identity = DeviceIdentity::generate(QStringLiteral("Ward 3 workstation"),
                                                    QStringLiteral("Debian 12 / Wardline"));
        device_.identity.device_id = QStringLiteral("5b0d6f3e-8a55-4d0c-9a55-0b3f2b1c7e10");
        device_.user_id = QStringLiteral("0f0e3a55-1111-4222-8333-444455556666");
    }
    QString directory() const { return dir_.filePath(QStringLiteral("data")); }
    DeviceFile file(const DeviceAccount& a) const { return DeviceFile(directory(), a); }
    DeviceFile file() const { return file(account_); }
    QByteArray bytes() const {
        QFile f(file().path());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    void overwrite(const QByteArray& b) const {
        QFile f(file().path());
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ASSERT_EQ(f.write(b), b.size());
    }

    QTemporaryDir dir_;
    LocalKey key_ = LocalKey::generate();
    DeviceAccount account_{QStringLiteral("wardline.hospital.example:8443"),
                           QStringLiteral("General"), QStringLiteral("alice.physician")};
    KeptDevice device_;
};

TEST_F(DeviceFileTest, RoundTripKeepsTheWholeDeviceAndTheFileIsTheOwnersAlone) {
    EXPECT_FALSE(file().exists());
    EXPECT_EQ(file().read(key_).error, DeviceFileError::not_found);
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    const auto read = file().read(key_);
    ASSERT_TRUE(read.ok()) << describe(read.error).toStdString();
    EXPECT_EQ(read.device.identity.device_id, device_.identity.device_id);
    EXPECT_EQ(read.device.user_id, device_.user_id);
    EXPECT_EQ(read.device.identity.name, device_.identity.name);
    EXPECT_EQ(read.device.identity.platform, device_.identity.platform);
    EXPECT_EQ(read.device.identity.public_key, device_.identity.public_key);
    EXPECT_EQ(read.device.identity.secret_key, device_.identity.secret_key);

    struct stat st {};
    ASSERT_EQ(::stat(QFile::encodeName(file().path()).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(QFile::encodeName(directory()).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    // Written again (atomically): the old content is replaced, no temporary file is left.
    device_.identity.name = QStringLiteral("Ward 4 workstation");
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    EXPECT_EQ(file().read(key_).device.identity.name, QStringLiteral("Ward 4 workstation"));
    EXPECT_EQ(QDir(directory()).entryList(QDir::Files).size(), 1);
    EXPECT_TRUE(file().remove());
    EXPECT_FALSE(file().exists());
}

TEST_F(DeviceFileTest, TheSecretKeyIsNotInTheFileInTheClear) {
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    const QByteArray on_disk = bytes();
    const QByteArray& secret = device_.identity.secret_key;
    ASSERT_EQ(secret.size(), 64);
    EXPECT_FALSE(on_disk.contains(secret));
    EXPECT_FALSE(on_disk.contains(secret.first(32))) << "the seed half";
    EXPECT_FALSE(on_disk.contains(secret.toBase64()));
    EXPECT_FALSE(on_disk.contains(secret.toHex()));
    EXPECT_FALSE(on_disk.contains(device_.user_id.toUtf8()));
    EXPECT_FALSE(on_disk.contains(device_.identity.device_id.toUtf8()));
}

TEST_F(DeviceFileTest, AFlippedByteAnywhereIsRefused) {
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    const QByteArray good = bytes();
    for (qsizetype i = 0; i < good.size(); ++i) {
        QByteArray bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        overwrite(bad);
        const auto read = file().read(key_);
        EXPECT_FALSE(read.ok()) << "byte " << i;
        EXPECT_TRUE(read.device.identity.secret_key.isEmpty());
        EXPECT_FALSE(describe(read.error).isEmpty());
    }
    overwrite(good);
    EXPECT_TRUE(file().read(key_).ok());
}

TEST_F(DeviceFileTest, TruncatedOversizedForeignAndNewerFilesEachGetTheirError) {
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    const QByteArray good = bytes();
    for (qsizetype n = 0; n < good.size(); ++n) {
        overwrite(good.first(n));
        const auto e = file().read(key_).error;
        if (n < DeviceFile::header_size + static_cast<qsizetype>(LocalKey::seal_overhead))
            EXPECT_EQ(e, DeviceFileError::truncated) << n;
        else
            EXPECT_EQ(e, DeviceFileError::damaged) << n;
    }
    overwrite(good + QByteArray(DeviceFile::max_file_size, 'x'));
    EXPECT_EQ(file().read(key_).error, DeviceFileError::too_large);
    overwrite(good + "x");
    EXPECT_EQ(file().read(key_).error, DeviceFileError::damaged);
    overwrite(QByteArray("PK\x03\x04 this is a zip file, not a device file at all........"));
    EXPECT_EQ(file().read(key_).error, DeviceFileError::not_a_device);
    QByteArray newer = good;
    newer[8] = 2;
    overwrite(newer);
    EXPECT_EQ(file().read(key_).error, DeviceFileError::newer_version);
    for (auto e :
         {DeviceFileError::truncated, DeviceFileError::too_large, DeviceFileError::not_a_device,
          DeviceFileError::newer_version, DeviceFileError::damaged})
        EXPECT_FALSE(describe(e).isEmpty());
}

TEST_F(DeviceFileTest, AnotherAccountsFileOrAnotherKeyDoesNotOpen) {
    ASSERT_EQ(file().write(device_, key_), DeviceFileError::none);
    EXPECT_EQ(file().read(LocalKey::generate()).error, DeviceFileError::damaged);
    // Bob's file name is another; Alice's file copied over it does not open as his.
    DeviceAccount bob = account_;
    bob.username = QStringLiteral("bob.nurse");
    EXPECT_NE(file(bob).path(), file().path());
    ASSERT_TRUE(QFile::copy(file().path(), file(bob).path()));
    EXPECT_EQ(file(bob).read(key_).error, DeviceFileError::damaged);
    DeviceAccount other_server = account_;
    other_server.server = QStringLiteral("wardline.other.example:8443");
    EXPECT_NE(file(other_server).path(), file().path());
}

TEST_F(DeviceFileTest, ADeviceWhoseKeysDoNotMatchIsRefusedOnBothSides) {
    KeptDevice bad = device_;
    bad.identity.public_key = DeviceIdentity::generate({}, {}).public_key;
    EXPECT_THROW(file().write(bad, key_), std::invalid_argument);
    bad = device_;
    bad.identity.device_id.clear();
    EXPECT_THROW(file().write(bad, key_), std::invalid_argument);
    EXPECT_FALSE(file().exists());
}

}  // namespace
}  // namespace wardline::client
