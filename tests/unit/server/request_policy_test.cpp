// SPDX-License-Identifier: Apache-2.0
// The authorization table and the protocol schema must describe the same request types, and
// the table must name only permissions the server knows.
#include "common/proto/protocol.hpp"
#include "server/authz/request_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace wardline::server::authz {
namespace {

TEST(RequestPolicy, EverySchemaRequestTypeHasExactlyOneRow) {
    const auto protocol = proto::Protocol::load_embedded();
    for (const auto& type : protocol.request_types())
        EXPECT_NE(policy_for(type), nullptr) << type << " has no row in request_policy.cpp";
    std::set<std::string> schema_types;
    for (const auto& t : protocol.request_types()) schema_types.insert(t);
    for (const auto& row : request_policies())
        EXPECT_TRUE(schema_types.contains(std::string(row.type))) << row.type << " is not in the schema";
}

TEST(RequestPolicy, SchemaAuthTextMatchesTheTable) {
    const auto protocol = proto::Protocol::load_embedded();
    for (const auto& row : request_policies()) {
        const auto* spec = protocol.request(row.type);
        ASSERT_NE(spec, nullptr) << row.type;
        EXPECT_EQ(spec->auth, describe(row)) << row.type;
    }
}

TEST(RequestPolicy, RowsAreSortedAndUniqueSoLookupsWork) {
    const auto rows = request_policies();
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1].type, rows[i].type);
}

TEST(RequestPolicy, UnknownTypeHasNoRowSoItIsDenied) {
    EXPECT_EQ(policy_for("users.drop_everything"), nullptr);
    EXPECT_EQ(policy_for(""), nullptr);
    EXPECT_EQ(policy_for("auth.login "), nullptr);
}

TEST(RequestPolicy, PermissionsNamedByRowsAreKnown) {
    const auto known = known_permissions();
    EXPECT_TRUE(std::is_sorted(known.begin(), known.end()));
    for (const auto& row : request_policies()) {
        if (row.permission.empty()) continue;
        EXPECT_TRUE(std::binary_search(known.begin(), known.end(), row.permission)) << row.type;
        EXPECT_EQ(row.access, Access::session) << row.type << ": a permission needs a session";
    }
}

TEST(RequestPolicy, RowsNamingAnotherUsersObjectNeedAPermission) {
    for (const auto& row : request_policies()) {
        if (row.target != Target::none) {
            EXPECT_FALSE(row.permission.empty()) << row.type;
        }
    }
}

}  // namespace
}  // namespace wardline::server::authz
