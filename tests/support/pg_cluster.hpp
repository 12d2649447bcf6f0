// SPDX-License-Identifier: Apache-2.0
#pragma once
// A throwaway PostgreSQL cluster for tests: initdb into a fresh temporary directory, a free
// loopback port, a random superuser password. As root (CI), PostgreSQL runs as the
// `postgres` account through runuser, in a directory that account owns.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wardline::test {

/// Connection strings for one test database. Passwords travel separately, as in production.
struct TestDatabase {
    std::string name;
    std::string owner_conninfo;    ///< the owner (migrations) role
    std::string owner_password;
    std::string runtime_conninfo;  ///< the runtime role, member of wardline_runtime
    std::string runtime_password;
};

class PgCluster {
public:
    /// Role names every test cluster bootstraps.
    static constexpr const char* kOwnerRole = "wardline_owner";
    static constexpr const char* kRuntimeRole = "wardline_app";
    static constexpr const char* kTemplate = "wardline_template";

    /// Creates the directory and runs initdb; does not start the server.
    PgCluster();
    /// Stops the server (immediate) and removes the directory, if this object owns them.
    ~PgCluster();
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    /// pg_ctl -w start on a free loopback port (retries with another port if taken).
    void start();
    /// pg_ctl stop -m fast: disconnects clients, clean shutdown.
    void stop();
    /// pg_ctl stop -m immediate: like a crash; recovery runs at the next start.
    void stop_fast();
    /// stop() then start() on the same port.
    void restart();
    bool running() const noexcept { return running_; }

    int port() const noexcept { return port_; }
    std::string host() const { return "127.0.0.1"; }
    const std::filesystem::path& directory() const noexcept { return dir_; }
    /// "host=127.0.0.1 port=P user=postgres dbname=postgres" (password separate).
    std::string superuser_conninfo(const std::string& dbname = "postgres") const;
    const std::string& superuser_password() const noexcept { return superuser_password_; }
    const std::string& owner_password() const noexcept { return owner_password_; }
    const std::string& runtime_password() const noexcept { return runtime_password_; }
    /// conninfo for `role` on `dbname`.
    std::string conninfo(const std::string& role, const std::string& dbname) const;

    /// Bootstraps the roles and builds wardline_template (migrated) unless it exists.
    void ensure_template();
    /// A new migrated database `t_<random>` copied from the template (built first if needed).
    TestDatabase create_database();
    /// A new empty database `e_<random>` owned by the owner role (for migrator tests).
    TestDatabase create_empty_database();

    /// Writes port, directory and passwords as JSON, for other processes to attach().
    void write_state(const std::filesystem::path& file) const;
    /// A cluster started by another process; this object does not own it.
    static std::unique_ptr<PgCluster> attach(const std::filesystem::path& state_file);
    /// Stops the cluster a state file describes and removes its directory.
    static void stop_from_state(const std::filesystem::path& state_file);
    /// Leave the server running and the directory in place when this object is destroyed.
    void detach() noexcept { owned_ = false; }

private:
    struct Attached {};
    explicit PgCluster(Attached) {}
    std::string run_pg(const std::string& program, std::vector<std::string> args) const;
    TestDatabase make_info(const std::string& name) const;

    std::filesystem::path dir_;
    int port_ = 0;
    bool running_ = false;
    bool owned_ = true;
    std::string superuser_password_;
    std::string owner_password_;
    std::string runtime_password_;
};

/// The cluster for this test process: the one the ctest fixture `pg` started (state file
/// in WARDLINE_TEST_PG_STATE), or, when the variable is unset, a private cluster started on
/// first use and stopped at exit. Tests that stop or restart PostgreSQL must make their
/// own PgCluster instead.
PgCluster& shared_cluster();

/// Polls `pred` (every 20 ms) until it is true or `timeout` has passed; returns its last
/// value. For conditions that become true by themselves (e.g. a pool reconnecting).
bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

/// A random lower-case alphanumeric string (libsodium randombytes).
std::string random_token(std::size_t length);

}  // namespace wardline::test
