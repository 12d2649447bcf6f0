// SPDX-License-Identifier: Apache-2.0
// What a quarantined device, and one ordered to wipe, may still ask for and receive (issue #7):
// the lists in server/authz/request_policy.cpp and the event rules of
// server/identity/device_hold.cpp.
#include "server/identity/device_hold.hpp"
#include "common/proto/protocol.hpp"
#include "server/authz/request_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace wardline::server {
namespace {

using authz::DeviceHold;

bool allowed(std::string_view type, DeviceHold hold) {
    const auto* policy = authz::policy_for(type);
    EXPECT_NE(policy, nullptr) << type;
    return policy != nullptr && authz::allowed_under_hold(*policy, hold);
}

TEST(DeviceHold, AQuarantinedDeviceIsRefusedEveryReadAndWrite) {
    for (const char* type : {"messages.sync",       "messages.send",        "messages.delivered",
                             "messages.read",       "messages.acknowledge", "messages.recall",
                             "messages.typing",     "handshake.submit",     "group_info.get",
                             "key_packages.upload", "key_packages.claim",   "key_packages.status",
                             "conversations.list",  "conversations.get",    "conversations.create",
                             "receipts.get",        "patients.find",        "directory.search",
                             "presence.set",        "users.list",           "users.devices",
                             "devices.wipe",        "audit.query",          "break_glass.open"})
        EXPECT_FALSE(allowed(type, DeviceHold::quarantined)) << type;
}

TEST(DeviceHold, AQuarantinedDeviceMayStillLogOutAndChangeItsPassword) {
    for (const char* type :
         {"auth.logout", "auth.logout_all", "account.change_password", "system.ping",
          "system.hello", "system.status", "auth.login", "auth.resume", "auth.mfa_verify"})
        EXPECT_TRUE(allowed(type, DeviceHold::quarantined)) << type;
    EXPECT_FALSE(allowed("devices.confirm_wipe", DeviceHold::quarantined));
}

TEST(DeviceHold, ADeviceOrderedToWipeMayOnlyConfirmOrLogOut) {
    EXPECT_TRUE(allowed("devices.confirm_wipe", DeviceHold::wipe_pending));
    EXPECT_TRUE(allowed("auth.logout", DeviceHold::wipe_pending));
    EXPECT_TRUE(allowed("system.ping", DeviceHold::wipe_pending));
    for (const char* type :
         {"messages.sync", "messages.send", "account.change_password", "auth.logout_all",
          "handshake.submit", "conversations.list", "key_packages.upload"})
        EXPECT_FALSE(allowed(type, DeviceHold::wipe_pending)) << type;
}

TEST(DeviceHold, EveryRequestIsAllowedToADeviceThatIsNotHeld) {
    for (const auto& row : authz::request_policies())
        EXPECT_TRUE(authz::allowed_under_hold(row, DeviceHold::none)) << row.type;
}

TEST(DeviceHold, TheAllowedListsNameSessionRequestsOfTheSchemaAndAreSorted) {
    const auto protocol = proto::Protocol::load_embedded();
    for (DeviceHold hold : {DeviceHold::quarantined, DeviceHold::wipe_pending}) {
        const auto list = authz::requests_allowed_under(hold);
        EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
        for (auto type : list) {
            const auto* policy = authz::policy_for(type);
            ASSERT_NE(policy, nullptr) << type;
            EXPECT_EQ(policy->access, authz::Access::session) << type;
            EXPECT_NE(protocol.request(type), nullptr) << type;
        }
    }
}

TEST(DeviceHold, EventsMoveTheHoldAndAWipeOrderOutranksTheRest) {
    using identity::hold_after_event;
    EXPECT_EQ(hold_after_event("device.quarantined", DeviceHold::none), DeviceHold::quarantined);
    EXPECT_EQ(hold_after_event("device.released", DeviceHold::quarantined), DeviceHold::none);
    EXPECT_EQ(hold_after_event("device.wipe", DeviceHold::quarantined), DeviceHold::wipe_pending);
    EXPECT_EQ(hold_after_event("device.released", DeviceHold::wipe_pending),
              DeviceHold::wipe_pending);
    EXPECT_EQ(hold_after_event("device.quarantined", DeviceHold::wipe_pending),
              DeviceHold::wipe_pending);
    EXPECT_EQ(hold_after_event("message.new", DeviceHold::quarantined), std::nullopt);
}

TEST(DeviceHold, AHeldDeviceGetsOnlyTheEventsAboutItsHold) {
    using identity::pushed_under_hold;
    for (DeviceHold hold : {DeviceHold::quarantined, DeviceHold::wipe_pending}) {
        for (const char* event : {"message.new", "welcome.new", "message.recalled",
                                  "presence.changed", "key_packages.low", "break_glass.opened"})
            EXPECT_FALSE(pushed_under_hold(event, hold)) << event;
        for (const char* event : {"device.quarantined", "device.released", "device.wipe"})
            EXPECT_TRUE(pushed_under_hold(event, hold)) << event;
    }
    EXPECT_TRUE(pushed_under_hold("message.new", DeviceHold::none));
}

TEST(DeviceHold, TheDeviceEventsAreInTheSchema) {
    const auto protocol = proto::Protocol::load_embedded();
    for (DeviceHold hold : {DeviceHold::quarantined, DeviceHold::wipe_pending})
        EXPECT_TRUE(protocol.event(identity::event_for_hold(hold)) != nullptr)
            << identity::event_for_hold(hold);
    EXPECT_TRUE(protocol.event("device.released") != nullptr);
}

}  // namespace
}  // namespace wardline::server
