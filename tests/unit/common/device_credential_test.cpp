// SPDX-License-Identifier: Apache-2.0
// The device credential identity (docs/e2ee.md, "Credentials"): one format, written and read
// in one place.
#include "common/core/device_credential.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <stdexcept>
#include <string>

namespace wardline {
namespace {

const std::string kOrg = "0b7e5f7c-31a4-4e0e-9d51-6c0f3b7d2a10";
const std::string kUser = "5d2c9a44-7e1f-4b8a-a0c3-1f2e3d4c5b6a";
const std::string kDevice = "f0e1d2c3-b4a5-4968-8776-655443322110";

TEST(DeviceCredential, WritesThePrefixAndTheThreeIdsSeparatedBySpaces) {
    EXPECT_EQ(device_credential_identity(kOrg, kUser, kDevice),
              "wardline-device/1 " + kOrg + " " + kUser + " " + kDevice);
}

TEST(DeviceCredential, WritesUpperCaseIdsInLowerCase) {
    std::string upper = kDevice;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(device_credential_identity(kOrg, kUser, upper),
              device_credential_identity(kOrg, kUser, kDevice));
}

TEST(DeviceCredential, RefusesToWriteAnIdThatIsNotAUuid) {
    EXPECT_THROW(device_credential_identity("", kUser, kDevice), std::invalid_argument);
    EXPECT_THROW(device_credential_identity(kOrg, kUser + "0", kDevice), std::invalid_argument);
    EXPECT_THROW(device_credential_identity(kOrg, kUser, "f0e1d2c3-b4a5-4968-8776-65544332211g"),
                 std::invalid_argument);
    EXPECT_THROW(device_credential_identity(kOrg, kUser, "f0e1d2c3b4a5-4968-8776-6554433221100"),
                 std::invalid_argument);
}

TEST(DeviceCredential, ParsesWhatItWrites) {
    const auto ids =
        parse_device_credential_identity(device_credential_identity(kOrg, kUser, kDevice));
    ASSERT_TRUE(ids.has_value());
    EXPECT_EQ(ids->org_id, kOrg);
    EXPECT_EQ(ids->user_id, kUser);
    EXPECT_EQ(ids->device_id, kDevice);
}

TEST(DeviceCredential, ParsesNothingElse) {
    const std::string good = device_credential_identity(kOrg, kUser, kDevice);
    std::string upper_digit = good;
    upper_digit[upper_digit.size() - 36] = 'F';  // the device id's first hex letter, upper case
    std::string upper_prefix = good;
    upper_prefix[0] = 'W';
    std::string no_dash = good;
    no_dash[good.size() - 13] = 'a';  // the last dash of the device id
    std::string tab = good;
    tab[good.find(' ', 18)] = '\t';
    const std::string cases[] = {
        "",
        "wardline-device/1",
        "wardline-device/1 ",
        "wardline-device/2 " + kOrg + " " + kUser + " " + kDevice,
        "wardline-device/1  " + kOrg + " " + kUser + " " + kDevice,
        "wardline-device/1 " + kOrg + "  " + kUser + " " + kDevice,
        "wardline-device/1 " + kOrg + " " + kUser + " " + kDevice + " ",
        "wardline-device/1 " + kOrg + " " + kUser + " " + kDevice + "\n",
        "wardline-device/1 " + kOrg + " " + kUser,
        " " + good,
        good.substr(0, good.size() - 1),
        good + std::string(1, '\0'),
        upper_digit,
        upper_prefix,
        no_dash,
        tab,
        kOrg + " " + kUser + " " + kDevice,
    };
    for (const auto& text : cases)
        EXPECT_FALSE(parse_device_credential_identity(text).has_value()) << "'" << text << "'";
}

TEST(DeviceCredential, TellsCanonicalUuids) {
    EXPECT_TRUE(is_canonical_uuid(kOrg));
    EXPECT_FALSE(is_canonical_uuid("0B7E5F7C-31A4-4E0E-9D51-6C0F3B7D2A10"));
    EXPECT_FALSE(is_canonical_uuid("0b7e5f7c31a44e0e9d516c0f3b7d2a10"));
    EXPECT_FALSE(is_canonical_uuid("{0b7e5f7c-31a4-4e0e-9d51-6c0f3b7d2a10}"));
    EXPECT_FALSE(is_canonical_uuid(""));
}

}  // namespace
}  // namespace wardline
