// SPDX-License-Identifier: Apache-2.0
#pragma once
// gtest fixture: a fresh database in the shared test cluster, a real wardline-server on it,
// and helpers to talk to it over TLS.
#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>

namespace wardline::test {

class ServerFixture : public ::testing::Test {
protected:
    void SetUp() override {
        database_ = shared_cluster().create_database();
        db_ = DbTarget{database_.runtime_conninfo, database_.runtime_password};
    }

    void start_server(std::map<std::string, std::string> config = {}, bool plain = false) {
        ServerOptions o;
        o.config = std::move(config);
        o.plain_listener = plain;
        server_.emplace(db_, std::move(o));
    }
    void start_server_on(const DbTarget& db) { server_.emplace(db); }

    ServerProcess& server() { return *server_; }
    const DbTarget& db() const { return db_; }
    /// The fresh database, with its owner role for set-up and checks behind the server's back.
    const TestDatabase& database() const { return database_; }

    ClientOptions tls() const {
        ClientOptions o;
        o.port = server_->port();
        o.ca_file = server_->certificate();
        return o;
    }

    /// A connected client whose system.welcome event has been read.
    std::unique_ptr<WsClient> connect() {
        auto ws = std::make_unique<WsClient>(tls());
        const auto welcome = ws->read_json();
        EXPECT_EQ(welcome.value("event", ""), "system.welcome");
        return ws;
    }

    /// The value of an unlabelled metric from /metrics, or -1 if absent.
    double metric(const std::string& name) {
        std::istringstream in(http_get(tls(), "/metrics").body);
        std::string line;
        while (std::getline(in, line))
            if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
        return -1;
    }

private:
    TestDatabase database_;
    DbTarget db_;
    std::optional<ServerProcess> server_;
};

}  // namespace wardline::test
