// SPDX-License-Identifier: Apache-2.0
// PostgreSQL goes away under a running server and comes back: the server says not-ready,
// answers requests that need the database with `unavailable`, keeps serving the rest, and
// recovers by itself. Uses its own cluster, since it stops it.
#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

TEST(ServerDatabaseRestart, NotReadyWhileDownAndRecoversByItself) {
    PgCluster cluster;
    cluster.start();
    const auto db = cluster.create_database();
    ServerProcess server({db.runtime_conninfo, db.runtime_password},
                         {{{"database.health_check_interval_ms", "0"}}});
    ClientOptions o;
    o.port = server.port();
    o.ca_file = server.certificate();
    auto readyz = [&] { return http_get(o, "/readyz").status; };

    ASSERT_EQ(readyz(), 200);
    WsClient ws(o);
    ws.read_json();  // welcome
    ASSERT_EQ(ws.request("system.status")["status"], "ok");

    cluster.stop();
    EXPECT_TRUE(wait_for([&] { return readyz() == 503; }, std::chrono::seconds(10)));
    const auto start = std::chrono::steady_clock::now();
    const auto down = ws.request("system.status");
    EXPECT_EQ(down["status"], "error");
    EXPECT_EQ(down["error"]["code"], "unavailable");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "must not hang";
    EXPECT_EQ(ws.request("system.ping")["status"], "ok");
    EXPECT_EQ(http_get(o, "/healthz").status, 200);

    cluster.start();
    EXPECT_TRUE(wait_for([&] { return readyz() == 200; }, std::chrono::seconds(20)));
    EXPECT_EQ(ws.request("system.status")["status"], "ok");
    EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace wardline::test
