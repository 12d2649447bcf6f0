// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "common/core/errc.hpp"

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace wardline::server {

/// host:port for a listener. Empty host means "not configured".
struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
    bool empty() const { return host.empty(); }
};

/// Per-connection protocol limits (proto/wardline.schema.json "limits").
struct Limits {
    std::size_t max_frame_bytes = 65536;
    std::size_t max_in_flight = 32;
    double requests_per_second = 50;
    double request_burst = 100;
    std::size_t max_rate_violations = 200;
    std::size_t max_outbox_frames = 256;
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds idle_timeout{60};
    std::size_t max_connections = 10000;
};

struct DatabaseConfig {
    std::string conninfo;  ///< libpq keyword/value string; must not contain a password
    std::string password;  ///< from WARDLINE_DB_PASSWORD or database.password_file; never logged
    std::size_t pool_size = 8;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds acquire_timeout{2000};
    std::chrono::milliseconds health_check_interval{10000};
};

/// Credentials and sessions (issue #3).
struct IdentityConfig {
    std::string sealing_keyring_file;  ///< seals TOTP secrets at rest
    std::string blind_index_key_file;  ///< MRN blind index key; empty = no patient threads
    std::string totp_issuer = "Wardline";
    unsigned argon2_ops = 2;
    std::size_t argon2_memory_kib = 65536;
    double login_burst = 100;       ///< per source address
    double login_per_minute = 60;  ///< per source address
};

/// The message stream (issue #5).
struct MessagingConfig {
    double send_per_second = 20;  ///< per user
    double send_burst = 100;      ///< per user
    double recall_window_seconds = 900;  ///< messages.recall after sending
    std::chrono::milliseconds escalation_scan{5000};  ///< how often the escalator looks
    /// How often the server proposes due Removes as external sender (removal_sweeper.hpp).
    std::chrono::milliseconds removal_sweep{2000};
};

/// Presence shared by the server processes on one database (issue #5; docs/oncall.md).
struct PresenceConfig {
    static constexpr long long kMinNodeTtlSeconds = 3;
    static constexpr long long kMaxNodeTtlSeconds = 600;
    /// A process whose last heartbeat is older than this is dead: its connections stop counting.
    /// It heartbeats every node_ttl / 3.
    std::chrono::seconds node_ttl{30};
};

/// The retention job (issue #7; server/retention/retention_job.hpp).
struct RetentionConfig {
    std::chrono::seconds interval{3600};  ///< how often each process tries a run
    int batch_size = 500;                 ///< messages deleted per transaction
};

/// The audit trail's checkpoint signing (issue #3).
struct AuditConfig {
    std::string signing_key_file;
    std::int64_t checkpoint_every_records = 1000;
    std::chrono::seconds checkpoint_interval{60};
};

/// The MLS Delivery Service (issue #5).
struct DeliveryConfig {
    std::string external_sender_key_file;  ///< server/delivery/external_sender_key.hpp
};

/// The whole server configuration. Loaded by load_config(); every key has a default or is
/// reported as required, naming the key and the file.
struct Config {
    Endpoint listen;        ///< TLS listener (wss + https)
    Endpoint plain_listen;  ///< optional plain-text listener; loopback addresses only
    std::string tls_certificate;
    std::string tls_private_key;
    unsigned io_threads = 0;      ///< 0 = number of cores
    unsigned worker_threads = 2;  ///< bounded pool for CPU-heavy work (Argon2id)
    std::chrono::seconds shutdown_grace{10};
    DatabaseConfig database;
    Limits limits;
    IdentityConfig identity;
    MessagingConfig messaging;
    PresenceConfig presence;
    RetentionConfig retention;
    AuditConfig audit;
    DeliveryConfig delivery;
    std::string log_level = "info";
    std::string log_format = "human";
};

/// Reads and validates FILE. Secrets: the database password comes from the environment
/// variable WARDLINE_DB_PASSWORD or from database.password_file, never from the command line.
/// On failure returns a one-line message naming the file and the key.
boost::system::result<Config, std::string> load_config(const std::string& path);

/// Writes every key with its default and description, in the file's format (used by
/// `wardline-server --print-default-config` and checked against deploy/wardline.conf.example).
void print_default_config(std::ostream& out);

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace wardline::server
