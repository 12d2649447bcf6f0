// SPDX-License-Identifier: Apache-2.0
// The MLS engine's stores kept in the encrypted LocalStore (client-qt/core/
// stored_engine_state.hpp) and AccountStorage, on real SQLite files: round trip, replace,
// erase, closing and reopening, sealed at rest, a record altered on the disk read as nothing,
// refused writes answered false, and the account storage's key and store.
#include "client-qt/core/stored_engine_state.hpp"
#include "client-qt/core/account_storage.hpp"
#include "tests/client/store_test_support.hpp"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace wardline::client {
namespace {

using test::RawSqlite;

class StoredEngineState : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        open();
    }
    QString directory() const { return dir_.filePath(QStringLiteral("store")); }
    void open() {
        store_ = std::make_unique<LocalStore>(directory(), account_, key_);
        groups_ = std::make_unique<StoredGroupStates>(*store_);
        key_packages_ = std::make_unique<StoredKeyPackageSecrets>(*store_);
    }
    void reopen() {
        groups_.reset();
        key_packages_.reset();
        store_.reset();
        open();
    }

    QTemporaryDir dir_;
    LocalKey key_ = LocalKey::generate();
    StoreAccount account_{QStringLiteral("wardline.test:8443"), QStringLiteral("user-a"),
                          QStringLiteral("device-a")};
    std::unique_ptr<LocalStore> store_;
    std::unique_ptr<StoredGroupStates> groups_;
    std::unique_ptr<StoredKeyPackageSecrets> key_packages_;
};

const QByteArray record_a("group record A: epoch secrets of ward 3's conversation");
const QByteArray record_b("group record B: the next epoch");
const QByteArray ref_1 =
    QByteArray::fromHex("01020304050607080910111213141516171819202122232425262728293031ff");
const QByteArray ref_2 =
    QByteArray::fromHex("aa020304050607080910111213141516171819202122232425262728293031ff");
const QByteArray kp_secrets("HPKE init and encryption private keys of one KeyPackage");

TEST_F(StoredEngineState, GroupStatesRoundTripReplaceAndErase) {
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-1")).has_value());
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-1"), record_a));
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-2"), record_b));
    EXPECT_EQ(groups_->load(QStringLiteral("conv-1")).value_or(QByteArray()), record_a);
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-1"), record_b));
    EXPECT_EQ(groups_->load(QStringLiteral("conv-1")).value_or(QByteArray()), record_b);
    EXPECT_TRUE(groups_->erase(QStringLiteral("conv-1")));
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-1")).has_value());
    EXPECT_TRUE(groups_->erase(QStringLiteral("conv-1"))) << "erasing nothing is no failure";
    EXPECT_EQ(groups_->load(QStringLiteral("conv-2")).value_or(QByteArray()), record_b);
}

TEST_F(StoredEngineState, KeyPackageSecretsRoundTripReplaceAndErase) {
    EXPECT_FALSE(key_packages_->load(ref_1).has_value());
    ASSERT_TRUE(key_packages_->save(ref_1, kp_secrets));
    ASSERT_TRUE(key_packages_->save(ref_2, "other"));
    EXPECT_EQ(key_packages_->load(ref_1).value_or(QByteArray()), kp_secrets);
    ASSERT_TRUE(key_packages_->save(ref_1, "replaced"));
    EXPECT_EQ(key_packages_->load(ref_1).value_or(QByteArray()), QByteArray("replaced"));
    EXPECT_TRUE(key_packages_->erase(ref_1));
    EXPECT_FALSE(key_packages_->load(ref_1).has_value());
    EXPECT_EQ(key_packages_->load(ref_2).value_or(QByteArray()), QByteArray("other"));
    // An empty ref names nothing: refused, not stored.
    EXPECT_FALSE(key_packages_->save(QByteArray(), kp_secrets));
    EXPECT_FALSE(key_packages_->load(QByteArray()).has_value());
    EXPECT_FALSE(key_packages_->erase(QByteArray()));
}

TEST_F(StoredEngineState, BothSurviveClosingAndReopeningTheStoreAndAreSealedOnTheDisk) {
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-1"), record_a));
    ASSERT_TRUE(key_packages_->save(ref_1, kp_secrets));
    reopen();
    EXPECT_EQ(groups_->load(QStringLiteral("conv-1")).value_or(QByteArray()), record_a);
    EXPECT_EQ(key_packages_->load(ref_1).value_or(QByteArray()), kp_secrets);
    store_.reset();
    for (const QByteArray& secret : {record_a, kp_secrets})
        EXPECT_FALSE(test::files_contain(directory(), secret)) << "in the clear on the disk";
}

TEST_F(StoredEngineState, ARecordAlteredOnTheDiskLoadsAsNothing) {
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-1"), record_a));
    ASSERT_TRUE(key_packages_->save(ref_1, kp_secrets));
    {
        RawSqlite raw(store_->path());
        raw.exec(
            QStringLiteral("UPDATE group_states SET state = substr(state, 1, 30) || "
                           "x'00' || substr(state, 32)"));
        raw.exec(
            QStringLiteral("UPDATE secrets SET value = substr(value, 1, 40) || x'ff' || "
                           "substr(value, 42)"));
    }
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-1")).has_value());
    EXPECT_FALSE(key_packages_->load(ref_1).has_value());
    // A record moved to another conversation does not open either.
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-2"), record_b));
    {
        RawSqlite raw(store_->path());
        raw.exec(
            QStringLiteral("UPDATE group_states SET conversation_id = 'conv-3' WHERE "
                           "conversation_id = 'conv-2'"));
    }
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-3")).has_value());
}

TEST_F(StoredEngineState, WritesToAClosedStoreAnswerFalse) {
    ASSERT_TRUE(groups_->save(QStringLiteral("conv-1"), record_a));
    ASSERT_TRUE(store_->wipe());
    EXPECT_FALSE(groups_->save(QStringLiteral("conv-1"), record_b));
    EXPECT_FALSE(groups_->erase(QStringLiteral("conv-1")));
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-1")).has_value());
    EXPECT_FALSE(key_packages_->save(ref_1, kp_secrets));
    EXPECT_FALSE(key_packages_->erase(ref_1));
    EXPECT_FALSE(key_packages_->load(ref_1).has_value());
}

TEST_F(StoredEngineState, OversizedRecordsAreRefusedNotTruncated) {
    const QByteArray huge(LocalStore::max_value_size + 1, 'x');
    EXPECT_FALSE(groups_->save(QStringLiteral("conv-1"), huge));
    EXPECT_FALSE(groups_->load(QStringLiteral("conv-1")).has_value());
    EXPECT_FALSE(groups_->save(QStringLiteral("conv-1"), QByteArray())) << "an empty record";
    EXPECT_FALSE(key_packages_->save(ref_1, huge));
    EXPECT_FALSE(key_packages_->load(ref_1).has_value());
}

class AccountStorageTest : public ::testing::Test {
protected:
    QTemporaryDir dir_;
    StoreAccount account_{QStringLiteral("wardline.test:8443"), QStringLiteral("user-a"),
                          QStringLiteral("device-a")};
};

LocalKey key_from(unsigned char fill) {
    const std::array<unsigned char, LocalKey::size> bytes{fill};
    return LocalKey::from_bytes(bytes);
}

TEST_F(AccountStorageTest, AccountStorageOpensTheStoreAndItsEngineStoresAndReopensWithTheSameKey) {
    {
        AccountStorage storage(key_from(7), dir_.path(), account_);
        EXPECT_TRUE(storage.group_states().save(QStringLiteral("conv-1"), record_a));
        EXPECT_TRUE(storage.key_package_secrets().save(ref_1, kp_secrets));
        EXPECT_EQ(storage.store().account().device_id, QStringLiteral("device-a"));
    }
    // Closed with the storage: the files stay, sealed, and open again with the same key only.
    const QString path = LocalStore::database_path(dir_.path(), account_);
    EXPECT_TRUE(QFile::exists(path));
    EXPECT_FALSE(test::files_contain(dir_.path(), record_a));
    {
        AccountStorage storage(key_from(7), dir_.path(), account_);
        EXPECT_EQ(storage.group_states().load(QStringLiteral("conv-1")).value_or(QByteArray()),
                  record_a);
        EXPECT_EQ(storage.key_package_secrets().load(ref_1).value_or(QByteArray()), kp_secrets);
    }
    EXPECT_EQ(test::error_of([&] { AccountStorage other(key_from(8), dir_.path(), account_); }),
              LocalStoreError::Code::wrong_key);
}

}  // namespace
}  // namespace wardline::client
