// SPDX-License-Identifier: Apache-2.0
// The SessionRegistry's count of each user's connections on this process, which presence writes
// to the database (server/clinical/presence_node.hpp): kept on every bind, unbind and end, and
// reported to the observer each time it changes.
#include "server/identity/session_registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wardline::server::identity {
namespace {

constexpr const char* kNurse = "0b7c1a52-5a0e-4d2e-9a57-3c1f9a4e2b10";
constexpr const char* kDoctor = "1c8d2b63-6b1f-4e3f-8b68-4d2a0b5f3c21";

SessionRegistry::EndFn ignore_end() {
    return [](const std::string&, EndReason) {};
}

TEST(SessionRegistryConnections, CountsEachUsersConnectionsAndReportsEveryChange) {
    SessionRegistry registry;
    std::vector<std::string> told;
    registry.on_connections([&](const std::string& user) { told.push_back(user); });
    EXPECT_EQ(registry.connections_of(kNurse), 0u);
    EXPECT_TRUE(registry.users().empty());

    const auto a = registry.bind("s1", kNurse, "d1", ignore_end());
    const auto b = registry.bind("s2", kNurse, "d2", ignore_end());
    const auto c = registry.bind("s3", kDoctor, "d3", ignore_end());
    EXPECT_EQ(registry.connections_of(kNurse), 2u);
    EXPECT_EQ(registry.connections_of(kDoctor), 1u);
    EXPECT_EQ(registry.users(), (std::vector<std::string>{kNurse, kDoctor}));
    EXPECT_EQ(told, (std::vector<std::string>{kNurse, kNurse, kDoctor}));  // every bind

    registry.unbind(a);
    EXPECT_EQ(registry.connections_of(kNurse), 1u);
    registry.unbind(a);  // twice: nothing more
    EXPECT_EQ(registry.connections_of(kNurse), 1u);
    EXPECT_EQ(told.size(), 4u);

    registry.unbind(b);
    registry.unbind(c);
    EXPECT_EQ(registry.connections_of(kNurse), 0u);
    EXPECT_EQ(registry.connections_of(kDoctor), 0u);
    EXPECT_TRUE(registry.users().empty());
    EXPECT_EQ(told, (std::vector<std::string>{kNurse, kNurse, kDoctor, kNurse, kNurse, kDoctor}));
}

TEST(SessionRegistryConnections, EndingSessionsCountsTheirConnectionsOutOnceEach) {
    SessionRegistry registry;
    std::vector<std::string> told;
    registry.on_connections([&](const std::string& user) { told.push_back(user); });
    const auto a = registry.bind("s1", kNurse, "d1", ignore_end());
    registry.bind("s1", kNurse, "d1", ignore_end());  // the same session on two connections
    registry.bind("s2", kNurse, "d2", ignore_end());
    registry.bind("s3", kDoctor, "d3", ignore_end());
    told.clear();

    EXPECT_EQ(registry.end_session("s1", EndReason::logout), 2u);
    EXPECT_EQ(registry.connections_of(kNurse), 1u);
    EXPECT_EQ(told, (std::vector<std::string>{kNurse}));  // one report for the user
    registry.unbind(a);                                   // already ended: not counted out again
    EXPECT_EQ(registry.connections_of(kNurse), 1u);

    EXPECT_EQ(registry.end_user(kNurse, EndReason::user_suspended), 1u);
    EXPECT_EQ(registry.connections_of(kNurse), 0u);
    EXPECT_EQ(registry.connections_of(kDoctor), 1u);
    EXPECT_EQ(registry.end_device("d3", EndReason::device_revoked), 1u);
    EXPECT_TRUE(registry.users().empty());
    EXPECT_EQ(told, (std::vector<std::string>{kNurse, kNurse, kDoctor}));
}

TEST(SessionRegistryConnections, AnEventAppliedFromAnotherProcessEndsConnectionsHereToo) {
    SessionRegistry registry;
    registry.bind("s1", kNurse, "d1", ignore_end());
    RelayedEvent e;
    e.kind = RelayedEvent::Kind::end_user;
    e.target = kNurse;
    e.reason = EndReason::user_deactivated;
    EXPECT_EQ(registry.apply_remote(e), 1u);
    EXPECT_EQ(registry.connections_of(kNurse), 0u);
}

}  // namespace
}  // namespace wardline::server::identity
