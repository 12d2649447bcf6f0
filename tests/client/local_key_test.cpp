// SPDX-License-Identifier: Apache-2.0
// The local key (issue #6, "Local store"): sealing binds the associated data, every altered
// byte is refused, and a wiped key is gone.
#include "client-qt/core/local_key.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

namespace wardline::client {
namespace {

TEST(ClientLocalKey, SealsAndOpensWithTheSameAssociatedDataOnly) {
    const auto key = LocalKey::generate();
    ASSERT_FALSE(key.empty());
    const QByteArray sealed = key.seal("potassium 6.1", "row 1");
    EXPECT_EQ(static_cast<std::size_t>(sealed.size()), 13 + LocalKey::seal_overhead);
    EXPECT_FALSE(sealed.contains("potassium"));
    EXPECT_EQ(key.open(sealed, "row 1"), QByteArray("potassium 6.1"));
    EXPECT_EQ(key.open(sealed, "row 2"), std::nullopt);
    EXPECT_EQ(key.open(sealed, ""), std::nullopt);
    // A random nonce each time: the same plaintext seals differently.
    EXPECT_NE(key.seal("potassium 6.1", "row 1"), sealed);
    // The empty plaintext round-trips too.
    EXPECT_EQ(key.open(key.seal("", "x"), "x"), QByteArray(""));
}

TEST(ClientLocalKey, EveryAlteredOrMissingByteIsRefused) {
    const auto key = LocalKey::generate();
    const QByteArray sealed = key.seal("sodium 128", "ad");
    for (qsizetype i = 0; i < sealed.size(); ++i) {
        QByteArray bad = sealed;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        EXPECT_EQ(key.open(bad, "ad"), std::nullopt) << "byte " << i;
        EXPECT_EQ(key.open(sealed.left(i), "ad"), std::nullopt) << "length " << i;
    }
    EXPECT_EQ(key.open(sealed + '\0', "ad"), std::nullopt);
}

TEST(ClientLocalKey, AnotherKeyCannotOpen) {
    const auto a = LocalKey::generate();
    const auto b = LocalKey::generate();
    EXPECT_EQ(b.open(a.seal("x", "ad"), "ad"), std::nullopt);
}

TEST(ClientLocalKey, FromBytesIsTheSameKeyAndChecksTheLength) {
    std::array<unsigned char, 32> raw{};
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<unsigned char>(i * 7);
    const auto a = LocalKey::from_bytes(raw);
    const auto b = LocalKey::from_bytes(raw);
    EXPECT_EQ(b.open(a.seal("x", "ad"), "ad"), QByteArray("x"));
    EXPECT_THROW(LocalKey::from_bytes(std::span(raw).first(31)), std::invalid_argument);
    const std::array<unsigned char, 33> longer{};
    EXPECT_THROW(LocalKey::from_bytes(longer), std::invalid_argument);
}

TEST(ClientLocalKey, MovingLeavesOneOwnerAndWipeEmptiesIt) {
    auto a = LocalKey::generate();
    const QByteArray sealed = a.seal("x", "ad");
    LocalKey b = std::move(a);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_EQ(b.open(sealed, "ad"), QByteArray("x"));
    b.wipe();
    EXPECT_TRUE(b.empty());
    EXPECT_THROW(b.seal("x", "ad"), std::logic_error);
    EXPECT_THROW(static_cast<void>(b.open(sealed, "ad")), std::logic_error);
    b.wipe();  // twice is harmless
    EXPECT_TRUE(LocalKey().empty());
}

}  // namespace
}  // namespace wardline::client
