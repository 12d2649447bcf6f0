// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small synchronous TLS WebSocket / HTTPS client for integration tests. It verifies the
// server's certificate against the test's own self-signed certificate (real TLS, pinned).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace wardline::test {

using namespace std::chrono_literals;

struct ClientOptions {
    std::uint16_t port = 0;
    std::string ca_file;            ///< certificate to trust; empty = plain text (no TLS)
    int receive_buffer_bytes = 0;   ///< SO_RCVBUF before connecting (0 = system default)
    std::chrono::milliseconds timeout = 5s;
};

/// What one read produced.
struct ReadResult {
    enum class Kind { text, binary, closed, timeout, error } kind = Kind::error;
    std::string data;     ///< the message, or the error text
    int close_code = 0;   ///< for closed: the code the server sent
};

class WsClient {
public:
    /// Connects and completes TLS + WebSocket handshakes; throws std::runtime_error on failure.
    explicit WsClient(const ClientOptions& options, const std::string& target = "/v1/ws");
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    void send_text(const std::string& text);
    void send_binary(const std::string& data);
    /// Waits up to `timeout` for the next message. A timed-out read stays pending and is
    /// continued by the next call, so "nothing arrived" does not break the connection.
    ReadResult read(std::chrono::milliseconds timeout = 5s);
    /// Next JSON message; throws if something else (close, timeout, invalid JSON) comes.
    nlohmann::json read_json(std::chrono::milliseconds timeout = 5s);
    /// Sends {"id","type","body"} and returns the response with that id (events are skipped
    /// and kept in events()).
    nlohmann::json request(const std::string& type, const nlohmann::json& body = nlohmann::json::object(),
                           const std::string& id = "");
    const std::vector<nlohmann::json>& events() const;
    /// Sends a close frame and waits for the server's.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< lower-case names
};

/// Completes a TLS handshake, sends nothing, and returns the seconds until the server closes
/// the connection (or -1 if it stays open for 30 s).
double seconds_until_closed_after_tls(const ClientOptions& options);

/// One HTTPS (or plain, when ca_file is empty) GET request. Throws on connection failure.
HttpResult http_get(const ClientOptions& options, const std::string& target);

}  // namespace wardline::test
