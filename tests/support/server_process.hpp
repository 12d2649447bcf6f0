// SPDX-License-Identifier: Apache-2.0
#pragma once
// Starts a real wardline-server process for a test: its own config file, a self-signed
// certificate, free loopback ports, and a database. Stops it with SIGTERM on destruction.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace wardline::test {

/// Where the server's database is: a runtime-role conninfo and its password.
struct DbTarget {
    std::string conninfo;
    std::string password;
};

struct ServerOptions {
    /// Extra or changed configuration keys, "section.key" -> value.
    std::map<std::string, std::string> config;
    bool plain_listener = false;  ///< also listen in plain text on loopback
};

class ServerProcess {
public:
    ServerProcess(const DbTarget& db, ServerOptions options = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::uint16_t plain_port() const { return plain_port_; }
    const std::string& certificate() const { return cert_; }
    /// The audit signing key the server uses, and its public key (audit.key.pub beside it).
    std::string audit_key() const { return dir_ + "/audit.key"; }
    std::string audit_public_key() const { return dir_ + "/audit.key.pub"; }
    pid_t pid() const { return pid_; }
    bool running();
    /// Sends `signal` and waits for the exit; returns the exit status (128+N if killed by N),
    /// or -1 if it did not exit within `timeout` (it is then killed).
    int stop(int signal = 15, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// Starts the server again (stopping it first if it runs) with the same configuration:
    /// the same ports, keys, certificate and database.
    void restart();
    /// What the server wrote to stderr so far.
    std::string log() const;
    /// Resident memory of the process in KiB (from /proc).
    long rss_kib() const;

private:
    void spawn();

    std::string dir_;
    std::string db_password_;
    std::string cert_;
    std::uint16_t port_ = 0;
    std::uint16_t plain_port_ = 0;
    pid_t pid_ = -1;
    int exit_status_ = -1;
};

/// A loopback TCP port that was free a moment ago, never one this process was given before.
std::uint16_t free_port();

}  // namespace wardline::test
