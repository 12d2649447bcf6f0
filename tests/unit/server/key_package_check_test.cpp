// SPDX-License-Identifier: Apache-2.0
// The checks of key_packages.upload, one rule at a time (server/delivery/key_package_check.hpp).
#include "server/delivery/key_package_check.hpp"

#include "common/core/device_credential.hpp"
#include "common/mls/welcome.hpp"
#include "tests/support/key_package_builder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace wardline::test {
namespace {

using server::delivery::check_key_package;
using server::delivery::CheckedKeyPackage;
using server::delivery::ExpectedDevice;

const std::string kOrg = "0b7e5f7c-31a4-4e0e-9d51-6c0f3b7d2a10";
const std::string kUser = "5d2c9a44-7e1f-4b8a-a0c3-1f2e3d4c5b6a";
const std::string kDevice = "f0e1d2c3-b4a5-4968-8776-655443322110";
const std::string kOtherDevice = "a0e1d2c3-b4a5-4968-8776-655443322110";

class KeyPackageCheck : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        key_ = mls::suite_for(mls::kSuite3)->generate_signature_key_pair();
        identity_ = device_credential_identity(kOrg, kUser, kDevice);
    }

    ExpectedDevice device() const { return ExpectedDevice{key_.public_key, identity_}; }

    mls::KeyPackage make(const KeyPackageSpec& spec = {}) const {
        return make_test_key_package(key_, identity_, spec);
    }

    /// The refusal, or "" if the KeyPackage passed.
    std::string refusal(const std::string& base64) const {
        const auto r = check_key_package(base64, device(), static_cast<std::uint64_t>(unix_now()));
        if (const auto* rule = std::get_if<std::string>(&r)) return *rule;
        return "";
    }
    std::string refusal(const mls::KeyPackage& kp) const { return refusal(key_package_base64(kp)); }

    mls::KeyPair key_;
    std::string identity_;
};

TEST_F(KeyPackageCheck, AcceptsAKeyPackageOfTheDeviceAndComputesItsReference) {
    for (const auto suite : {mls::kSuite1, mls::kSuite3}) {
        SCOPED_TRACE(suite);
        const auto kp = make(KeyPackageSpec::with_suite(suite));
        const auto message = key_package_message(kp);
        const auto r =
            check_key_package(to_base64(message), device(), static_cast<std::uint64_t>(unix_now()));
        ASSERT_TRUE(std::holds_alternative<CheckedKeyPackage>(r)) << std::get<std::string>(r);
        const auto& checked = std::get<CheckedKeyPackage>(r);
        EXPECT_EQ(checked.message, std::vector<std::uint8_t>(message.begin(), message.end()));
        const auto ref = mls::key_package_ref(*mls::suite_for(suite), kp);
        ASSERT_TRUE(ref.has_value());
        EXPECT_EQ(checked.ref, std::vector<std::uint8_t>(ref->begin(), ref->end()));
        EXPECT_EQ(checked.cipher_suite, suite);
        EXPECT_EQ(checked.not_after, kp.leaf_node.lifetime.not_after);
    }
}

TEST_F(KeyPackageCheck, RefusesWhatIsNotBase64) {
    const auto good = key_package_base64(make());
    EXPECT_EQ(refusal(""), "is not base64 (RFC 4648 §4, with padding)");
    EXPECT_EQ(refusal("%%%%"), "is not base64 (RFC 4648 §4, with padding)");
    EXPECT_EQ(refusal(good + "="), "is not base64 (RFC 4648 §4, with padding)");
    EXPECT_EQ(refusal(" " + good), "is not base64 (RFC 4648 §4, with padding)");
    std::string url_safe = good;  // the URL-safe alphabet is another encoding
    for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
    if (url_safe != good) {
        EXPECT_EQ(refusal(url_safe), "is not base64 (RFC 4648 §4, with padding)");
    }
}

TEST_F(KeyPackageCheck, RefusesMoreThan4096Bytes) {
    const std::vector<std::uint8_t> big(4097, 0x01);
    EXPECT_EQ(refusal(to_base64(big)), "is larger than 4096 bytes");
    EXPECT_EQ(refusal(std::string(100000, 'A')), "is larger than 4096 bytes");
}

TEST_F(KeyPackageCheck, RefusesWhatIsNotAnMlsMessageHoldingAKeyPackage) {
    const std::vector<std::uint8_t> junk{0x00, 0x01, 0x00, 0x05, 0xff};
    EXPECT_EQ(refusal(to_base64(junk)), "is not an MLSMessage (RFC 9420 §6)");
    // A bare KeyPackage, without the MLSMessage around it.
    const auto bare = mls::serialize(make());
    ASSERT_TRUE(bare.has_value());
    EXPECT_EQ(refusal(to_base64(*bare)), "is not an MLSMessage (RFC 9420 §6)");
    // Trailing bytes after a good message.
    auto trailing = key_package_message(make());
    trailing.push_back(0);
    EXPECT_EQ(refusal(to_base64(trailing)), "is not an MLSMessage (RFC 9420 §6)");
    // A Welcome (the fuzz seed carries a one-byte selector first).
    std::ifstream in(
        std::string(WARDLINE_SOURCE_DIR) + "/tests/fuzz/seeds/mls_messages/mls_message_welcome.bin",
        std::ios::binary);
    const std::vector<std::uint8_t> seed((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(seed.size(), 1u);
    const std::vector<std::uint8_t> welcome(seed.begin() + 1, seed.end());
    const auto parsed = mls::deserialize_mls_message(welcome);
    ASSERT_TRUE(parsed.has_value());
    ASSERT_EQ(parsed->wire_format(), mls::WireFormat::welcome);
    EXPECT_EQ(refusal(to_base64(welcome)), "is an MLSMessage that does not hold a KeyPackage");
    // Another protocol version.
    EXPECT_EQ(refusal(key_package_base64(make(), static_cast<mls::ProtocolVersion>(2))),
              "is not an MLS 1.0 message");
}

TEST_F(KeyPackageCheck, RefusesACipherSuiteOtherThanOneOrThree) {
    auto kp = make();
    kp.cipher_suite = 2;
    EXPECT_EQ(refusal(kp), "uses a cipher suite other than 1 or 3");
    kp.cipher_suite = 0x0a0a;
    EXPECT_EQ(refusal(kp), "uses a cipher suite other than 1 or 3");
}

TEST_F(KeyPackageCheck, RefusesALeafKeyThatIsNotTheDevicesIdentityKey) {
    const auto other = mls::suite_for(mls::kSuite3)->generate_signature_key_pair();
    EXPECT_EQ(refusal(make_test_key_package(other, identity_)),
              "has a leaf signature key that is not this device's registered identity key");
}

TEST_F(KeyPackageCheck, RefusesACredentialThatDoesNotNameTheDevice) {
    mls::Credential x509;
    x509.credential_type = mls::CredentialType::x509;
    x509.certificates = {mls::Bytes{0x30, 0x00}};
    EXPECT_EQ(refusal(make(KeyPackageSpec::with_credential(x509))),
              "has a credential that is not a basic credential");
    const std::string wrong =
        "has a credential identity that does not name this device "
        "(docs/e2ee.md, Credentials)";
    for (const std::string& identity :
         {device_credential_identity(kOrg, kUser, kOtherDevice), std::string(""),
          std::string(kDevice), identity_ + " ", "wardline-device/2" + identity_.substr(17)}) {
        SCOPED_TRACE(identity);
        EXPECT_EQ(refusal(make_test_key_package(key_, identity)), wrong);
    }
}

TEST_F(KeyPackageCheck, RefusesSignaturesThatDoNotVerify) {
    auto kp = make();
    kp.signature[5] ^= 0x01;
    EXPECT_EQ(refusal(kp), "has a signature that does not verify (RFC 9420 §10.1)");
    // A lifetime changed after signing breaks the leaf signature.
    kp = make();
    kp.leaf_node.lifetime.not_after += 1;
    EXPECT_EQ(refusal(kp), "has a signature that does not verify (RFC 9420 §10.1)");
}

TEST_F(KeyPackageCheck, RefusesAKeyPackageThatBreaksRfc9420Section10_1) {
    auto kp = make();
    kp.init_key = kp.leaf_node.encryption_key;  // §10.1: init key and encryption key differ
    EXPECT_EQ(refusal(kp),
              "is not a valid KeyPackage (RFC 9420 §10.1: version, suite, leaf source, keys)");
    kp = make();
    kp.version = static_cast<mls::ProtocolVersion>(7);
    EXPECT_EQ(refusal(kp),
              "is not a valid KeyPackage (RFC 9420 §10.1: version, suite, leaf source, keys)");
}

TEST_F(KeyPackageCheck, RefusesLifetimesThatAreNotCurrentOrTooLong) {
    const std::int64_t day = 24 * 3600;
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(3600, 10 * day))),
              "has a lifetime that has not begun yet");
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(-10 * day, -1))),
              "has a lifetime that has ended");
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(-60, 94 * day))),
              "has a lifetime longer than 93 days");
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(100, 50))),
              "has a lifetime that ends before it begins");
    // The edges: a little clock skew, exactly 93 days.
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(250, 30 * day))), "");
    EXPECT_EQ(refusal(make(KeyPackageSpec::lifetime(0, 93 * day))), "");
}

}  // namespace
}  // namespace wardline::test
