// SPDX-License-Identifier: Apache-2.0
// wardline-test-pg: starts (`start STATEFILE`) and stops (`stop STATEFILE`) the PostgreSQL
// cluster that every NEEDS_PG test of one ctest run shares (ctest fixture `pg`). The
// postmaster outlives this process; the state file tells the tests how to reach it.
#include "tests/support/pg_cluster.hpp"

#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    using wardline::test::PgCluster;
    if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
        std::cerr << "usage: wardline-test-pg start|stop STATEFILE\n";
        return 2;
    }
    const std::filesystem::path state = argv[2];
    try {
        if (std::string(argv[1]) == "stop") {
            if (std::filesystem::exists(state)) PgCluster::stop_from_state(state);
            return 0;
        }
        if (std::filesystem::exists(state)) {
            // Left over from an interrupted run: clean it up first.
            try {
                PgCluster::stop_from_state(state);
            } catch (const std::exception& e) {
                std::cerr << "note: stale cluster state ignored: " << e.what() << "\n";
                std::filesystem::remove(state);
            }
        }
        PgCluster cluster;
        cluster.start();
        cluster.ensure_template();
        cluster.write_state(state);
        cluster.detach();
        std::cout << "PostgreSQL test cluster on 127.0.0.1:" << cluster.port() << " in "
                  << cluster.directory().string() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "wardline-test-pg: " << e.what() << "\n";
        return 1;
    }
}
