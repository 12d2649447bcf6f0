// SPDX-License-Identifier: Apache-2.0
#pragma once
// The client's one TLS WebSocket to wss://HOST:PORT/v1/ws (docs/client.md, "Connection").
// Requests get exactly one reply each: the server's response, or a local error when it cannot
// come (`unavailable` when the connection dropped after the request was sent, `timeout`).
// Requests made while (re)connecting wait, up to their timeout, and go out once the
// connection is up and the server's certificate passed the TLS policy. When the connection
// drops, the client reconnects after a jittered exponential backoff; a TLS refusal (untrusted
// certificate, wrong pin) stops it instead, because retrying would not help and the user must
// be told. QtWebSockets is used rather than Beast so that the connection lives on the Qt event
// loop like the rest of the client (docs/adr/0004-client-qt-websockets.md).
#include "client-qt/core/backoff.hpp"
#include "client-qt/core/server_frame.hpp"
#include "client-qt/core/tls_policy.hpp"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>

namespace wardline::client {

struct ConnectionOptions {
    QUrl url;  ///< wss://host:port/v1/ws
    TlsPolicy tls;
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{30'000};
    std::chrono::milliseconds default_timeout{30'000};
    std::size_t max_waiting = 1000;  ///< requests waiting for the connection, at most
};

class ServerConnection : public QObject {
    Q_OBJECT
public:
    enum class State { closed, connecting, connected, waiting_to_retry, refused };
    Q_ENUM(State)

    using ReplyFn = std::function<void(const ServerResponse&)>;

    explicit ServerConnection(ConnectionOptions options, QObject* parent = nullptr);
    ~ServerConnection() override;

    /// Starts connecting (and reconnecting after drops). False, with refusal() set, when the
    /// TLS policy cannot be built (e.g. the CA file is unreadable).
    bool open();
    /// Closes for good: pending requests fail with `unavailable`, no reconnect.
    void close();

    /// Sends `type` with `body`; `done` is called exactly once, on this object's thread.
    void request(const QString& type, const QJsonObject& body, ReplyFn done,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());

    State state() const noexcept { return state_; }
    /// Why the connection was refused or could not open (never secrets).
    const QString& refusal() const noexcept { return refusal_; }
    /// Frames from the server that were not understood (counted, dropped).
    std::size_t bad_frames() const noexcept { return bad_frames_; }

    /// When the last request went out to the server (steady clock; the epoch when none did).
    std::chrono::steady_clock::time_point last_sent() const noexcept { return last_sent_; }

    /// For tests and the reconnect timer: the backoff in use.
    const Backoff& backoff() const noexcept { return backoff_; }

signals:
    void stateChanged(wardline::client::ServerConnection::State state);
    /// The connection is up (again): a session must be resumed now (auth.resume).
    void connected();
    void event(const wardline::client::ServerEvent& event);

private:
    struct Pending {
        QString type;
        QJsonObject body;
        ReplyFn done;
        std::unique_ptr<QTimer> timer;
        bool sent = false;
    };

    void connect_socket();
    void on_connected();
    void on_disconnected();
    void on_text(const QString& text);
    void set_state(State s);
    void send_waiting();
    void send(const QString& id, Pending& p);
    void finish(const QString& id, const ServerResponse& r);
    void fail(const QString& id, const char* code, const char* message);
    void schedule_retry();

    ConnectionOptions options_;
    Backoff backoff_;
    std::unique_ptr<QWebSocket> socket_;
    QSslConfiguration tls_;
    QTimer retry_timer_;
    State state_ = State::closed;
    QString refusal_;
    std::map<QString, Pending> pending_;
    std::deque<QString> waiting_;  ///< ids not yet sent, in order
    std::uint64_t next_id_ = 1;
    std::size_t bad_frames_ = 0;
    std::int64_t last_event_seq_ = 0;
    std::chrono::steady_clock::time_point last_sent_{};
};

}  // namespace wardline::client
