// SPDX-License-Identifier: Apache-2.0
// The records the MLS engine stores (client-qt/core/group_record.hpp): a real group's state
// and a real KeyPackage's keys round-trip, and every malformed, truncated, oversized, padded or
// future-version record is refused rather than half-read.
#include "client-qt/core/group_record.hpp"
#include "client-qt/core/mls_wire.hpp"

#include <gtest/gtest.h>

#include <sodium.h>

namespace wardline::test {
namespace {

using namespace wardline::client;

mls::KeyPackageBundle bundle() {
    const auto* cs = mls::suite_for(mls::kSuite3);
    mls::Credential credential;
    credential.identity = mls::to_bytes("test member");
    auto b = mls::make_key_package(*cs, credential, cs->generate_signature_key_pair(), 0,
                                   4'000'000'000ULL);
    EXPECT_TRUE(b);
    return std::move(*b);
}

TEST(GroupRecord, ARealGroupsStateRoundTripsWithItsSeq) {
    auto group =
        mls::Group::create(*mls::suite_for(mls::kSuite3), mls::to_bytes("group id"), bundle());
    ASSERT_TRUE(group);
    auto state = group->serialize_state();
    ASSERT_TRUE(state);
    const QByteArray encoded = encode_group_record(GroupRecord{41, *state});
    const auto decoded = decode_group_record(encoded);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->last_seq, 41);
    auto restored = mls::Group::restore(decoded->state);
    ASSERT_TRUE(restored);
    EXPECT_EQ(restored->epoch_authenticator(), group->epoch_authenticator());
}

TEST(GroupRecord, MalformedRecordsAreRefused) {
    const QByteArray good = encode_group_record(GroupRecord{7, mls::to_bytes("state")});
    ASSERT_TRUE(decode_group_record(good));
    EXPECT_FALSE(decode_group_record(QByteArray()));
    EXPECT_FALSE(decode_group_record(good.left(good.size() - 1))) << "truncated";
    EXPECT_FALSE(decode_group_record(good + QByteArray(1, '\0'))) << "trailing bytes";
    QByteArray other_version = good;
    other_version[0] = 2;
    EXPECT_FALSE(decode_group_record(other_version));
    QByteArray huge_seq = good;
    huge_seq[1] = static_cast<char>(0x80);  // above INT64_MAX
    EXPECT_FALSE(decode_group_record(huge_seq));
    EXPECT_FALSE(decode_group_record(encode_group_record(GroupRecord{7, {}}))) << "no state";
    QByteArray long_length = good;
    long_length[9] = 0x7f;  // the state's length says more than there is
    EXPECT_FALSE(decode_group_record(long_length));
}

TEST(KeyPackageSecrets, RoundTripAndMalformedRecordsAreRefused) {
    const auto b = bundle();
    const KeyPackageSecrets secrets{true, b.key_package, b.init_private_key,
                                    b.encryption_private_key};
    const QByteArray encoded = encode_key_package_secrets(secrets);
    const auto decoded = decode_key_package_secrets(encoded);
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(decoded->last_resort);
    EXPECT_EQ(decoded->key_package, b.key_package);
    EXPECT_EQ(decoded->init_private_key, b.init_private_key);
    EXPECT_EQ(decoded->encryption_private_key, b.encryption_private_key);

    EXPECT_FALSE(decode_key_package_secrets(encoded.left(encoded.size() - 3)));
    EXPECT_FALSE(decode_key_package_secrets(encoded + "x"));
    QByteArray bad_flag = encoded;
    bad_flag[1] = 2;
    EXPECT_FALSE(decode_key_package_secrets(bad_flag));
    QByteArray bad_key_package = encoded;
    bad_key_package[2] = 0x7f;  // the KeyPackage's length says more than there is
    EXPECT_FALSE(decode_key_package_secrets(bad_key_package));
    QByteArray other_version = encoded;
    other_version[0] = 9;
    EXPECT_FALSE(decode_key_package_secrets(other_version));
}

TEST(MlsWire, Base64IsStrictAndBounded) {
    EXPECT_FALSE(decode_base64(QString(), 100));
    EXPECT_FALSE(decode_base64(QStringLiteral("@@@@"), 100));
    EXPECT_FALSE(decode_base64(QStringLiteral("AAA"), 100)) << "unpadded";
    EXPECT_TRUE(decode_base64(QStringLiteral("AAAA"), 3));
    EXPECT_FALSE(decode_base64(QStringLiteral("AAAAAAAA"), 3)) << "more than the limit";
    EXPECT_FALSE(mls_from_base64(QStringLiteral("AAAA"), 100)) << "not an MLSMessage";
    const auto b = bundle();
    const QString text = mls_to_base64(mls::MLSMessage{mls::ProtocolVersion::mls10, b.key_package});
    const auto parsed = mls_from_base64(text, 4096);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(std::get<mls::KeyPackage>(parsed->body), b.key_package);
    EXPECT_FALSE(mls_from_base64(text, 64)) << "larger than allowed";
}

}  // namespace
}  // namespace wardline::test
