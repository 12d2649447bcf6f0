// SPDX-License-Identifier: Apache-2.0
#include "tests/support/pg_cluster.hpp"

#include "server/storage/db_roles.hpp"
#include "server/storage/migrator.hpp"
#include "server/storage/pg_sync.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef WARDLINE_PG_BINDIR
#define WARDLINE_PG_BINDIR "/usr/lib/postgresql/15/bin"
#endif

namespace wardline::test {
namespace fs = std::filesystem;
namespace storage = wardline::server::storage;

namespace {

struct RunResult {
    int status = -1;
    std::string output;
};

// fork/exec without a shell; stdout and stderr captured. As root, through
// `runuser -u postgres --`, because PostgreSQL refuses to run as root.
RunResult run(const std::vector<std::string>& argv_in, const fs::path& cwd) {
    std::vector<std::string> argv;
    if (::geteuid() == 0) {
        const char* runuser = ::access("/usr/sbin/runuser", X_OK) == 0 ? "/usr/sbin/runuser"
                                                                      : "/sbin/runuser";
        argv = {runuser, "-u", "postgres", "--"};
    }
    argv.insert(argv.end(), argv_in.begin(), argv_in.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    const std::string dir = cwd.string();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // Only async-signal-safe calls until exec.
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        // pg_ctl's postmaster outlives this call: it must not inherit the test's other files
        // (the build lock `flock` hands down would stay held for as long as it runs).
        ::close_range(3, ~0U, 0);
        ::execv(cargv[0], cargv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    RunResult result;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) result.output.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

void give_to_postgres(const fs::path& path) {
    if (::geteuid() != 0) return;
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) throw std::runtime_error("running as root needs the `postgres` account "
                                      "(Debian package postgresql-15)");
    if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot chown " + path.string() + " to postgres");
}

int free_loopback_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (s >= 0) ::close(s);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(s);
    return ntohs(addr.sin_port);
}

std::string tail_of(const fs::path& file, std::size_t max = 2000) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    return s.size() > max ? s.substr(s.size() - max) : s;
}

std::string bin(const std::string& program) {
    return std::string(WARDLINE_PG_BINDIR) + "/" + program;
}

}  // namespace

std::string random_token(std::size_t length) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out += kAlphabet[randombytes_uniform(36)];
    return out;
}

bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

PgCluster::PgCluster()
    : superuser_password_(random_token(24)),
      owner_password_(random_token(24)),
      runtime_password_(random_token(24)) {
    char tmpl[] = "/tmp/wardline-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;  // mode 0700
    give_to_postgres(dir_);
    const fs::path pwfile = dir_ / "pwfile";
    {
        std::ofstream out(pwfile);
        out << superuser_password_ << "\n";
    }
    ::chmod(pwfile.c_str(), 0600);
    give_to_postgres(pwfile);
    // fsync stays on: tests see the durability the product gets.
    auto r = run({bin("initdb"), "-D", (dir_ / "data").string(), "-U", "postgres",
                  "--pwfile=" + pwfile.string(), "--auth-local=trust",
                  "--auth-host=scram-sha-256", "--locale=C", "--encoding=UTF8"},
                 dir_);
    fs::remove(pwfile);
    if (r.status != 0) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw std::runtime_error("initdb failed:\n" + r.output);
    }
    fs::create_directory(dir_ / "sock");
    give_to_postgres(dir_ / "sock");
}

PgCluster::~PgCluster() {
    if (!owned_ || dir_.empty()) return;
    try {
        if (running_) stop_fast();
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void PgCluster::start() {
    if (running_) return;
    const bool fixed_port = port_ != 0;
    std::string last_error;
    for (int attempt = 0; attempt < (fixed_port ? 1 : 5); ++attempt) {
        if (!fixed_port) port_ = free_loopback_port();
        const std::string options = "-p " + std::to_string(port_) + " -k " +
                                    (dir_ / "sock").string() +
                                    " -c listen_addresses=127.0.0.1 -c max_connections=300";
        auto r = run({bin("pg_ctl"), "-D", (dir_ / "data").string(), "-l",
                      (dir_ / "server.log").string(), "-w", "-t", "60", "-o", options, "start"},
                     dir_);
        if (r.status == 0) {
            running_ = true;
            return;
        }
        last_error = r.output + "\n" + tail_of(dir_ / "server.log");
        if (last_error.find("could not bind") == std::string::npos &&
            last_error.find("already in use") == std::string::npos)
            break;
    }
    throw std::runtime_error("pg_ctl start failed:\n" + last_error);
}

void PgCluster::stop() {
    if (!running_) return;
    auto r = run({bin("pg_ctl"), "-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"}, dir_);
    if (r.status != 0) throw std::runtime_error("pg_ctl stop failed:\n" + r.output);
    running_ = false;
}

void PgCluster::stop_fast() {
    if (!running_) return;
    auto r = run({bin("pg_ctl"), "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"},
                 dir_);
    if (r.status != 0) throw std::runtime_error("pg_ctl stop failed:\n" + r.output);
    running_ = false;
}

void PgCluster::restart() {
    stop();
    start();
}

std::string PgCluster::conninfo(const std::string& role, const std::string& dbname) const {
    return "host=" + host() + " port=" + std::to_string(port_) + " user=" + role +
           " dbname=" + dbname + " connect_timeout=10";
}

std::string PgCluster::superuser_conninfo(const std::string& dbname) const {
    return conninfo("postgres", dbname);
}

void PgCluster::ensure_template() {
    auto su = storage::PgSyncConnection::connect(superuser_conninfo(), superuser_password_);
    if (su.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", storage::PgParams{kTemplate})
            .rows() > 0)
        return;
    storage::bootstrap_roles(su, kOwnerRole, owner_password_, kRuntimeRole, runtime_password_,
                             kTemplate);
    {
        auto owner = storage::PgSyncConnection::connect(conninfo(kOwnerRole, kTemplate),
                                                        owner_password_);
        storage::Migrator(owner, storage::embedded_migrations()).migrate();
    }
    // No connections (autovacuum included) may linger on a template being copied.
    su.exec(std::string("ALTER DATABASE ") + kTemplate +
            " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
}

TestDatabase PgCluster::make_info(const std::string& name) const {
    return TestDatabase{name, conninfo(kOwnerRole, name), owner_password_,
                        conninfo(kRuntimeRole, name), runtime_password_};
}

TestDatabase PgCluster::create_database() {
    ensure_template();
    const std::string name = "t_" + random_token(12);
    auto su = storage::PgSyncConnection::connect(superuser_conninfo(), superuser_password_);
    for (int attempt = 0;; ++attempt) {
        try {
            su.exec("CREATE DATABASE " + name + " TEMPLATE " + kTemplate + " OWNER " + kOwnerRole);
            return make_info(name);
        } catch (const storage::PgSyncError& e) {
            // 55006: the template is briefly in use by a concurrent CREATE DATABASE.
            if (e.sqlstate() != "55006" || attempt >= 20) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

TestDatabase PgCluster::create_empty_database() {
    ensure_template();  // the roles
    const std::string name = "e_" + random_token(12);
    auto su = storage::PgSyncConnection::connect(superuser_conninfo(), superuser_password_);
    su.exec("CREATE DATABASE " + name + " TEMPLATE template0 OWNER " + kOwnerRole);
    return make_info(name);
}

void PgCluster::write_state(const fs::path& file) const {
    nlohmann::json j{{"dir", dir_.string()},
                     {"host", host()},
                     {"port", port_},
                     {"superuser_password", superuser_password_},
                     {"owner_password", owner_password_},
                     {"runtime_password", runtime_password_}};
    fs::create_directories(file.parent_path());
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp);
        out << j.dump(2) << "\n";
    }
    ::chmod(tmp.c_str(), 0600);
    fs::rename(tmp, file);
}

std::unique_ptr<PgCluster> PgCluster::attach(const fs::path& state_file) {
    std::ifstream in(state_file);
    if (!in)
        throw std::runtime_error("PostgreSQL test state " + state_file.string() +
                                 " not found: run the test through ctest (fixture pg) or unset "
                                 "WARDLINE_TEST_PG_STATE");
    const auto j = nlohmann::json::parse(in);
    std::unique_ptr<PgCluster> c(new PgCluster(Attached{}));
    c->dir_ = j.at("dir").get<std::string>();
    c->port_ = j.at("port").get<int>();
    c->superuser_password_ = j.at("superuser_password").get<std::string>();
    c->owner_password_ = j.at("owner_password").get<std::string>();
    c->runtime_password_ = j.at("runtime_password").get<std::string>();
    c->running_ = true;
    c->owned_ = false;
    return c;
}

void PgCluster::stop_from_state(const fs::path& state_file) {
    auto c = attach(state_file);
    c->owned_ = true;  // the destructor stops it and removes the directory
    c.reset();
    fs::remove(state_file);
}

PgCluster& shared_cluster() {
    static std::mutex mutex;
    static std::unique_ptr<PgCluster> cluster;
    std::lock_guard lock(mutex);
    if (!cluster) {
        if (const char* state = std::getenv("WARDLINE_TEST_PG_STATE"); state && *state) {
            cluster = PgCluster::attach(state);
        } else {
            cluster = std::make_unique<PgCluster>();
            cluster->start();
            cluster->ensure_template();
        }
    }
    return *cluster;
}

}  // namespace wardline::test
