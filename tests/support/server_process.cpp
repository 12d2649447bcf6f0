// SPDX-License-Identifier: Apache-2.0
#include "tests/support/server_process.hpp"

#include "server/audit/checkpoint.hpp"
#include "server/identity/credentials.hpp"
#include "server/net/self_signed_cert.hpp"
#include "tests/support/pg_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace wardline::test {
namespace {

bool can_connect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

std::uint16_t free_port() {
    // The kernel may hand the same ephemeral port to two binds in a row once the first socket
    // is closed (a server's TLS and plain listeners, two nodes of one test): never give out a
    // port twice in one process.
    static std::mutex mutex;
    static std::set<std::uint16_t> given;
    const std::lock_guard lock(mutex);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            throw std::runtime_error("bind");
        }
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        ::close(fd);
        const auto port = ntohs(addr.sin_port);
        if (given.insert(port).second) return port;
    }
    throw std::runtime_error("no free port that was not given out already");
}

ServerProcess::ServerProcess(const DbTarget& db, ServerOptions options) {
    char tmpl[] = "/tmp/wardline-server-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    cert_ = dir_ + "/cert.pem";
    server::write_self_signed_certificate(cert_, dir_ + "/key.pem", {"localhost", "127.0.0.1"}, 30);
    port_ = free_port();
    std::map<std::string, std::string> cfg{
        {"server.listen", "127.0.0.1:" + std::to_string(port_)},
        {"server.io_threads", "2"},
        {"server.shutdown_grace_seconds", "5"},
        {"tls.certificate", cert_},
        {"tls.private_key", dir_ + "/key.pem"},
        {"database.conninfo", db.conninfo},
        {"database.pool_size", "4"},
        {"database.connect_timeout_ms", "2000"},
        {"database.acquire_timeout_ms", "1000"},
        {"identity.sealing_keyring_file", dir_ + "/sealing.keyring"},
        {"identity.blind_index_key_file", dir_ + "/blind-index.key"},
        {"audit.signing_key_file", dir_ + "/audit.key"},
        {"delivery.external_sender_key_file", dir_ + "/external-sender.key"},
        {"identity.argon2_memory_kib", "19456"},  // the OWASP minimum: fast tests
        {"log.level", "debug"},
    };
    server::identity::add_keyring_key(dir_ + "/sealing.keyring");
    {
        // The MRN blind index key (identity.blind_index_key_file): 32 random bytes, base64.
        unsigned char key[32];
        randombytes_buf(key, sizeof key);
        char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(text, sizeof text, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
        std::ofstream(dir_ + "/blind-index.key") << text << "\n";
    }
    {
        const auto key = server::audit::SigningKey::write_new(dir_ + "/audit.key");
        std::ofstream(dir_ + "/audit.key.pub") << server::audit::public_key_text(key.public_key()) << "\n";
    }
    if (options.plain_listener) {
        plain_port_ = free_port();
        cfg["server.plain_listen"] = "127.0.0.1:" + std::to_string(plain_port_);
    }
    for (auto& [k, v] : options.config) cfg[k] = v;
    {
        std::map<std::string, std::vector<std::string>> sections;
        for (auto& [k, v] : cfg) {
            const auto dot = k.find('.');
            sections[k.substr(0, dot)].push_back(k.substr(dot + 1) + " = " + v);
        }
        std::ofstream out(dir_ + "/wardline.conf");
        for (auto& [s, lines] : sections) {
            out << "[" << s << "]\n";
            for (auto& l : lines) out << l << "\n";
        }
    }
    {
        std::ofstream pw(dir_ + "/db-password");
        pw << db.password << "\n";
    }
    db_password_ = db.password;
    spawn();
}

void ServerProcess::spawn() {
    // The password travels in the environment, as an operator's systemd unit would pass it.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        if (std::string(*e).rfind("WARDLINE_DB_PASSWORD=", 0) != 0) env_strings.emplace_back(*e);
    env_strings.push_back("WARDLINE_DB_PASSWORD=" + db_password_);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    const std::string config_path = dir_ + "/wardline.conf";
    const std::string log_path = dir_ + "/server.log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // A restart appends to the log of the earlier run.
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    // Nothing else of the test process goes along: a server left behind by a crashed test
    // must not keep the test's files open (the build lock that `flock` hands down, sockets).
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    std::string bin = WARDLINE_SERVER_BIN;
    std::vector<char*> argv{bin.data(), const_cast<char*>("--config"),
                            const_cast<char*>(config_path.c_str()), nullptr};
    const int rc = posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start wardline-server");
    if (!wait_for([&] { return can_connect(port_) || !running(); }, std::chrono::seconds(20)) || !running())
        throw std::runtime_error("wardline-server did not start; its log:\n" + log());
}

void ServerProcess::restart() {
    if (running()) stop(SIGTERM);
    exit_status_ = -1;
    spawn();
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) stop(SIGTERM);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

bool ServerProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -pid_ - 1;  // remember that it exited
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return r == 0;
}

int ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, signal);
    if (wait_for([&] { return !running(); }, timeout)) return exit_status_;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
}

std::string ServerProcess::log() const {
    std::ifstream in(dir_ + "/server.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

long ServerProcess::rss_kib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

}  // namespace wardline::test
