// SPDX-License-Identifier: Apache-2.0
#include "server/config/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <vector>

namespace po = boost::program_options;

namespace wardline::server {
namespace {

/// One configuration key: its name in the file, its default (empty = required or unset),
/// and the documentation printed into the example configuration.
struct Key {
    const char* name;
    const char* fallback;
    const char* doc;
};

// The single table of keys. Section = text before the dot.
constexpr Key kKeys[] = {
    {"server.listen", "0.0.0.0:8443", "TLS listener for wss://HOST:PORT/v1/ws, /healthz, /readyz, /metrics."},
    {"server.plain_listen", "", "Optional plain-text listener for a local TLS-terminating proxy. Loopback only (127.0.0.1:PORT or [::1]:PORT); anything else is refused."},
    {"server.io_threads", "0", "I/O threads; 0 = number of CPU cores."},
    {"server.worker_threads", "2", "Bounded worker pool for CPU-heavy work (password hashing)."},
    {"server.shutdown_grace_seconds", "10", "On SIGTERM/SIGINT: time to finish requests in progress before connections are closed."},
    {"tls.certificate", "", "PEM certificate chain (leaf first). Required when server.listen is set."},
    {"tls.private_key", "", "PEM private key. Required when server.listen is set. Should be readable only by the server's user."},
    {"database.conninfo", "", "Required. libpq connection string WITHOUT password, e.g. 'host=/run/postgresql dbname=wardline user=wardline_app'."},
    {"database.password_file", "", "File holding the database password (first line). Alternatively set WARDLINE_DB_PASSWORD. Empty = no password (peer/cert auth)."},
    {"database.pool_size", "8", "PostgreSQL connections held by this server."},
    {"database.connect_timeout_ms", "5000", "Timeout for establishing one database connection."},
    {"database.acquire_timeout_ms", "2000", "How long a request waits for a free connection before it is answered 'unavailable'."},
    {"database.health_check_interval_ms", "10000", "An idle connection older than this is checked with SELECT 1 before use."},
    {"limits.max_frame_bytes", "65536", "Largest WebSocket message read; larger closes the connection with 1009."},
    {"limits.max_in_flight", "32", "Unanswered requests per connection before 'too_many_in_flight'."},
    {"limits.requests_per_second", "50", "Sustained request rate per connection."},
    {"limits.request_burst", "100", "Requests a connection may send at once (token bucket size)."},
    {"limits.max_rate_violations", "200", "'rate_limited' answers in a row before the connection is closed with 1008."},
    {"limits.max_outbox_frames", "256", "Frames queued for a client that does not read before its connection is dropped."},
    {"limits.handshake_timeout_seconds", "10", "Time allowed for TLS + HTTP upgrade + WebSocket handshake, and for an HTTP request."},
    {"limits.idle_timeout_seconds", "60", "The server pings after half this time without traffic and closes the connection when nothing has arrived for this long."},
    {"limits.max_connections", "10000", "Open connections per server process; beyond it new connections are closed at once."},
    {"identity.sealing_keyring_file", "", "Required. Keyring that seals TOTP secrets, messages and patient identifiers at rest (`wardlinectl keys create`; rotate with `wardlinectl keys rotate` and SIGHUP). Readable only by the server's user (mode 0600 or 0640; others refused); keep it out of database backups."},
    {"identity.blind_index_key_file", "", "Key of the MRN blind index of patient threads (HMAC-SHA-256; one line, 32 bytes in base64, e.g. `head -c 32 /dev/urandom | base64`). Not the sealing key; readable only by the server's user, kept out of database backups, never changed once patient threads exist. Empty = patient threads are refused."},
    {"identity.totp_issuer", "Wardline", "Name authenticator apps show next to the account."},
    {"identity.argon2_ops", "2", "Argon2id passes (t). At least 2 (OWASP minimum with 19 MiB)."},
    {"identity.argon2_memory_kib", "65536", "Argon2id memory per hash in KiB (m). At least 19456 (OWASP minimum)."},
    {"identity.login_burst", "100", "Login and resume attempts one source address may make at once. Hospitals put many clinicians behind one NAT address: keep it well above a shift change."},
    {"identity.login_per_minute", "60", "Sustained login and resume attempts per source address and minute."},
    {"messaging.send_per_second", "20", "Sustained messages.send rate per user (token bucket; answered rate_limited beyond it)."},
    {"messaging.send_burst", "100", "Messages one user may send at once (token bucket size)."},
    {"messaging.escalation_scan_ms", "5000", "How often each server process looks for critical messages to escalate (escalation rules)."},
    {"messaging.recall_window_seconds", "900", "How long after sending a sender may recall a message (messages.recall)."},
    {"messaging.removal_sweep_ms", "2000", "How often the server looks for leaves of MLS groups whose device was revoked or whose user left or was suspended, and proposes their Remove as external sender."},
    {"presence.node_ttl_seconds", "30", "Presence across server processes: each process writes a heartbeat to the database every third of this; a process silent for longer (crashed, killed, cut off from the database) is dead: its users' connections there stop counting, and the next live process removes them and tells their peers. 3 to 600."},
    {"retention.interval_seconds", "3600", "How often each server process tries a run of the retention job, which deletes messages older than their conversation's retention policy (never one under a legal hold). One process of a cluster runs it at a time (a PostgreSQL advisory lock); the others skip that turn. 1 to 604800."},
    {"retention.batch_size", "500", "Messages the retention job deletes per transaction; it pauses briefly between batches so live traffic keeps its share of the database. 1 to 100000."},
    {"audit.signing_key_file", "", "Required. Ed25519 key that signs audit checkpoints (create it with `wardlinectl audit keygen`). Keep it outside the database and its backups, readable only by the server's user."},
    {"audit.checkpoint_every_records", "1000", "Sign a checkpoint after this many new audit records..."},
    {"audit.checkpoint_interval_seconds", "60", "...or after this many seconds, whichever comes first (only when there are new records)."},
    {"delivery.external_sender_key_file", "", "Required. The server's Ed25519 key as MLS external sender (it signs the Remove of revoked devices and removed members); created with mode 0600 on first start if missing. Keep it with the other server secrets, outside the database and its backups."},
    {"log.level", "info", "trace, debug, info, warn, error, critical or off."},
    {"log.format", "human", "human (one line per event) or json (one JSON object per line)."},
};

struct Failure {
    std::string text;
};

[[noreturn]] void fail(std::string text) { throw Failure{std::move(text)}; }

Endpoint parse_endpoint(const std::string& key, const std::string& value) {
    if (value.empty()) return {};
    std::string host;
    std::string port;
    if (value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string::npos || close + 1 >= value.size() || value[close + 1] != ':')
            fail(key + ": expected [IPv6]:PORT");
        host = value.substr(1, close - 1);
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string::npos) fail(key + ": expected HOST:PORT");
        host = value.substr(0, colon);
        port = value.substr(colon + 1);
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    if (ec && host != "localhost") fail(key + ": host must be an IP address or localhost");
    char* end = nullptr;
    const long n = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || n < 0 || n > 65535) fail(key + ": port must be 0..65535");
    return Endpoint{host, static_cast<std::uint16_t>(n)};
}

long long parse_int(const po::variables_map& vm, const std::string& key, long long lo, long long hi) {
    const auto& text = vm[key].as<std::string>();
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || n < lo || n > hi)
        fail(key + ": must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return n;
}

std::string read_secret_file(const std::string& key, const std::string& path) {
    std::ifstream in(path);
    if (!in) fail(key + ": cannot read the file it names");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

Config build(const po::variables_map& vm) {
    auto str = [&](const char* key) { return vm[key].as<std::string>(); };
    Config c;
    c.listen = parse_endpoint("server.listen", str("server.listen"));
    c.plain_listen = parse_endpoint("server.plain_listen", str("server.plain_listen"));
    if (!c.plain_listen.empty() && !is_loopback_host(c.plain_listen.host))
        fail("server.plain_listen: a plain-text listener may only bind a loopback address; "
             "use server.listen (TLS) for anything else");
    if (c.listen.empty() && c.plain_listen.empty())
        fail("server.listen: at least one of server.listen and server.plain_listen is required");
    c.tls_certificate = str("tls.certificate");
    c.tls_private_key = str("tls.private_key");
    if (!c.listen.empty()) {
        if (c.tls_certificate.empty()) fail("tls.certificate: required when server.listen is set");
        if (c.tls_private_key.empty()) fail("tls.private_key: required when server.listen is set");
    }
    c.io_threads = static_cast<unsigned>(parse_int(vm, "server.io_threads", 0, 256));
    c.worker_threads = static_cast<unsigned>(parse_int(vm, "server.worker_threads", 1, 256));
    c.shutdown_grace = std::chrono::seconds(parse_int(vm, "server.shutdown_grace_seconds", 1, 3600));

    auto& db = c.database;
    db.conninfo = str("database.conninfo");
    if (db.conninfo.empty()) fail("database.conninfo: required");
    if (const auto file = str("database.password_file"); !file.empty())
        db.password = read_secret_file("database.password_file", file);
    else if (const char* env = std::getenv("WARDLINE_DB_PASSWORD"))
        db.password = env;
    db.pool_size = static_cast<std::size_t>(parse_int(vm, "database.pool_size", 1, 1000));
    db.connect_timeout = std::chrono::milliseconds(parse_int(vm, "database.connect_timeout_ms", 100, 600000));
    db.acquire_timeout = std::chrono::milliseconds(parse_int(vm, "database.acquire_timeout_ms", 10, 600000));
    db.health_check_interval =
        std::chrono::milliseconds(parse_int(vm, "database.health_check_interval_ms", 0, 3600000));

    auto& l = c.limits;
    l.max_frame_bytes = static_cast<std::size_t>(parse_int(vm, "limits.max_frame_bytes", 1024, 64 << 20));
    l.max_in_flight = static_cast<std::size_t>(parse_int(vm, "limits.max_in_flight", 1, 100000));
    l.requests_per_second = static_cast<double>(parse_int(vm, "limits.requests_per_second", 1, 1000000));
    l.request_burst = static_cast<double>(parse_int(vm, "limits.request_burst", 1, 1000000));
    l.max_rate_violations = static_cast<std::size_t>(parse_int(vm, "limits.max_rate_violations", 1, 1000000));
    l.max_outbox_frames = static_cast<std::size_t>(parse_int(vm, "limits.max_outbox_frames", 1, 1000000));
    l.handshake_timeout = std::chrono::seconds(parse_int(vm, "limits.handshake_timeout_seconds", 1, 3600));
    l.idle_timeout = std::chrono::seconds(parse_int(vm, "limits.idle_timeout_seconds", 1, 86400));
    l.max_connections = static_cast<std::size_t>(parse_int(vm, "limits.max_connections", 1, 10000000));

    auto& id = c.identity;
    id.sealing_keyring_file = str("identity.sealing_keyring_file");
    if (id.sealing_keyring_file.empty()) fail("identity.sealing_keyring_file: required");
    id.blind_index_key_file = str("identity.blind_index_key_file");
    id.totp_issuer = str("identity.totp_issuer");
    if (id.totp_issuer.empty() || id.totp_issuer.size() > 64) fail("identity.totp_issuer: 1 to 64 characters");
    id.argon2_ops = static_cast<unsigned>(parse_int(vm, "identity.argon2_ops", 2, 64));
    id.argon2_memory_kib = static_cast<std::size_t>(parse_int(vm, "identity.argon2_memory_kib", 19456, 4 << 20));
    id.login_burst = static_cast<double>(parse_int(vm, "identity.login_burst", 1, 1000000));
    id.login_per_minute = static_cast<double>(parse_int(vm, "identity.login_per_minute", 1, 1000000));

    c.messaging.send_per_second = static_cast<double>(parse_int(vm, "messaging.send_per_second", 1, 1000000));
    c.messaging.send_burst = static_cast<double>(parse_int(vm, "messaging.send_burst", 1, 1000000));
    c.messaging.escalation_scan = std::chrono::milliseconds(parse_int(vm, "messaging.escalation_scan_ms", 100, 3600000));
    c.messaging.recall_window_seconds = static_cast<double>(parse_int(vm, "messaging.recall_window_seconds", 1, 7 * 86400));
    c.messaging.removal_sweep = std::chrono::milliseconds(parse_int(vm, "messaging.removal_sweep_ms", 50, 3600000));

    c.presence.node_ttl = std::chrono::seconds(parse_int(vm, "presence.node_ttl_seconds",
                                                         PresenceConfig::kMinNodeTtlSeconds,
                                                         PresenceConfig::kMaxNodeTtlSeconds));

    c.retention.interval = std::chrono::seconds(parse_int(vm, "retention.interval_seconds", 1, 604800));
    c.retention.batch_size = static_cast<int>(parse_int(vm, "retention.batch_size", 1, 100000));

    c.audit.signing_key_file = str("audit.signing_key_file");
    if (c.audit.signing_key_file.empty()) fail("audit.signing_key_file: required");
    c.delivery.external_sender_key_file = str("delivery.external_sender_key_file");
    if (c.delivery.external_sender_key_file.empty()) fail("delivery.external_sender_key_file: required");
    c.audit.checkpoint_every_records = parse_int(vm, "audit.checkpoint_every_records", 1, 100000000);
    c.audit.checkpoint_interval = std::chrono::seconds(parse_int(vm, "audit.checkpoint_interval_seconds", 1, 86400));

    c.log_level = str("log.level");
    static constexpr const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(std::begin(kLevels), std::end(kLevels), c.log_level) == std::end(kLevels))
        fail("log.level: must be one of trace, debug, info, warn, error, critical, off");
    c.log_format = str("log.format");
    if (c.log_format != "human" && c.log_format != "json") fail("log.format: must be human or json");
    return c;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address(host, ec);
    return !ec && addr.is_loopback();
}

boost::system::result<Config, std::string> load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "cannot open configuration file " + path;
    po::options_description desc;
    for (const auto& k : kKeys)
        desc.add_options()(k.name, po::value<std::string>()->default_value(k.fallback), k.doc);
    try {
        po::variables_map vm;
        po::store(po::parse_config_file(in, desc, /*allow_unregistered=*/false), vm);
        po::notify(vm);
        return build(vm);
    } catch (const Failure& f) {
        return "configuration error in " + path + ": " + f.text;
    } catch (const po::unknown_option& e) {
        return "configuration error in " + path + ": unknown key '" + e.get_option_name() + "'";
    } catch (const po::multiple_occurrences& e) {
        return "configuration error in " + path + ": key '" + e.get_option_name() + "' given twice";
    } catch (const po::error& e) {
        // program_options messages name the key and the syntax problem, never a value.
        return "configuration error in " + path + ": " + e.what();
    }
}

void print_default_config(std::ostream& out) {
    out << "# Wardline server configuration. Format: INI; '#' starts a comment.\n"
           "# Every key is shown with its default. Secrets never go here in clear text:\n"
           "# the database password comes from WARDLINE_DB_PASSWORD or database.password_file.\n";
    std::string section;
    for (const auto& k : kKeys) {
        const std::string name = k.name;
        const auto dot = name.find('.');
        if (name.substr(0, dot) != section) {
            section = name.substr(0, dot);
            out << "\n[" << section << "]\n";
        }
        out << "# " << k.doc << "\n" << name.substr(dot + 1) << " =";
        if (*k.fallback) out << " " << k.fallback;
        out << "\n";
    }
}

}  // namespace wardline::server
