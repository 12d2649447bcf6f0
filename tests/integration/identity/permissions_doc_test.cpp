// SPDX-License-Identifier: Apache-2.0
// docs/permissions.md, the default roles in the database and the server's permission list
// must be the same matrix.
#include "server/authz/request_policy.hpp"
#include "server/storage/pg_sync.hpp"
#include "tests/support/pg_cluster.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace wardline::test {
namespace {

using Matrix = std::map<std::string, std::set<std::string>>;  // role -> permissions

std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream in(line);
    std::string cell;
    std::getline(in, cell, '|');  // before the first bar
    while (std::getline(in, cell, '|')) {
        const auto b = cell.find_first_not_of(" `");
        const auto e = cell.find_last_not_of(" `");
        out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

Matrix matrix_from_doc() {
    std::ifstream in(std::string(WARDLINE_SOURCE_DIR) + "/docs/permissions.md");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("| Permission | physician", 0) == 0) break;
    const auto roles = cells(line);
    std::getline(in, line);  // | --- |
    Matrix m;
    while (std::getline(in, line) && line.rfind("|", 0) == 0) {
        const auto row = cells(line);
        for (std::size_t i = 1; i < row.size() && i < roles.size(); ++i) {
            if (row[i] == "yes") {
                m[roles[i]].insert(row[0]);
            } else {
                EXPECT_EQ(row[i], "no") << line;
            }
        }
    }
    return m;
}

TEST(PermissionsDoc, MatchesTheDefaultRolesInTheDatabase) {
    auto db = shared_cluster().create_database();
    auto conn = server::storage::PgSyncConnection::connect(db.owner_conninfo, db.owner_password);
    const auto r = conn.exec("SELECT r.name, rp.permission FROM roles r JOIN role_permissions rp ON rp.role_id = r.id "
                             "WHERE r.org_id IS NULL");
    Matrix from_db;
    for (int i = 0; i < r.rows(); ++i) from_db[std::string(r.text_or_throw(i, 0))].insert(std::string(r.text_or_throw(i, 1)));
    const auto from_doc = matrix_from_doc();
    ASSERT_EQ(from_doc.size(), 6u) << "six default roles";
    EXPECT_EQ(from_doc, from_db);
}

TEST(PermissionsDoc, ListsExactlyThePermissionsTheServerKnows) {
    auto db = shared_cluster().create_database();
    auto conn = server::storage::PgSyncConnection::connect(db.owner_conninfo, db.owner_password);
    const auto r = conn.exec("SELECT name FROM permissions ORDER BY name");
    std::set<std::string> in_db;
    for (int i = 0; i < r.rows(); ++i) in_db.emplace(r.text_or_throw(i, 0));
    std::set<std::string> known;
    for (auto p : server::authz::known_permissions()) known.emplace(p);
    EXPECT_EQ(in_db, known);
    std::set<std::string> in_doc;
    for (const auto& [role, perms] : matrix_from_doc()) in_doc.insert(perms.begin(), perms.end());
    EXPECT_EQ(in_doc, known) << "every permission is granted by some default role";
}

}  // namespace
}  // namespace wardline::test
