// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/server_connection.hpp"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSslError>

namespace wardline::client {
namespace {

Q_LOGGING_CATEGORY(lcConnection, "wardline.connection")

// Local error codes, beside the protocol's (proto/wardline.schema.json "errors").
constexpr const char* kUnavailable = "unavailable";
constexpr const char* kTimeout = "timeout";
constexpr const char* kTlsRefused = "tls_refused";

}  // namespace

ServerConnection::ServerConnection(ConnectionOptions options, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      backoff_(options_.backoff_base, options_.backoff_cap, Backoff::system_uniform()) {
    retry_timer_.setSingleShot(true);
    QObject::connect(&retry_timer_, &QTimer::timeout, this, [this] { connect_socket(); });
}

ServerConnection::~ServerConnection() {
    // Callbacks may touch objects that are being destroyed too: drop them without calling.
    pending_.clear();
    if (socket_) {
        socket_->disconnect(this);
        socket_->abort();
    }
}

bool ServerConnection::open() {
    if (state_ != State::closed && state_ != State::refused) return true;
    auto setup = make_tls_configuration(options_.tls);
    if (!setup.config) {
        refusal_ = setup.error;
        set_state(State::refused);
        return false;
    }
    tls_ = *setup.config;
    refusal_.clear();
    backoff_.reset();
    connect_socket();
    return true;
}

void ServerConnection::close() {
    retry_timer_.stop();
    set_state(State::closed);
    if (socket_) {
        socket_->disconnect(this);
        socket_->close(QWebSocketProtocol::CloseCodeNormal);
        socket_.release()->deleteLater();
    }
    std::vector<QString> ids;
    for (const auto& [id, p] : pending_) ids.push_back(id);
    for (const auto& id : ids) fail(id, kUnavailable, "the connection was closed");
}

void ServerConnection::connect_socket() {
    if (socket_) {
        socket_->disconnect(this);
        socket_->abort();
        socket_.release()->deleteLater();
    }
    socket_ = std::make_unique<QWebSocket>();
    socket_->setSslConfiguration(tls_);
    QWebSocket* s = socket_.get();
    QObject::connect(s, &QWebSocket::connected, this, &ServerConnection::on_connected);
    QObject::connect(s, &QWebSocket::disconnected, this, &ServerConnection::on_disconnected);
    QObject::connect(s, &QWebSocket::textMessageReceived, this, &ServerConnection::on_text);
    QObject::connect(s, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray&) {
        ++bad_frames_;  // the protocol has text frames only
    });
    QObject::connect(s, &QWebSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
        // Never ignored: an untrusted certificate ends this connection for good.
        refusal_ =
            QStringLiteral("the server's certificate is not trusted: ") +
            (errors.isEmpty() ? QStringLiteral("unknown error") : errors.first().errorString());
    });
    QObject::connect(s, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
                     [this](QAbstractSocket::SocketError) { on_disconnected(); });
    set_state(State::connecting);
    s->open(options_.url);
}

void ServerConnection::on_connected() {
    if (!pin_matches(options_.tls, socket_->sslConfiguration().peerCertificate())) {
        refusal_ = QStringLiteral("the server's certificate does not match the pinned key");
        socket_->disconnect(this);
        socket_->abort();
        socket_.release()->deleteLater();
        on_disconnected();
        return;
    }
    backoff_.reset();
    last_event_seq_ = 0;
    set_state(State::connected);
    emit connected();
    send_waiting();
}

void ServerConnection::on_disconnected() {
    if (state_ == State::closed || state_ == State::refused || state_ == State::waiting_to_retry)
        return;
    // Not connected any more before any caller hears of it: a request its callback sends again
    // (a retry) waits for the next connection instead of going out on the dead socket.
    set_state(refusal_.isEmpty() ? State::waiting_to_retry : State::refused);
    // A request that went out may or may not have been carried out: its caller decides (the
    // protocol's idempotency ids make a retry safe). Requests not yet sent keep waiting.
    std::vector<QString> sent;
    for (const auto& [id, p] : pending_)
        if (p.sent) sent.push_back(id);
    for (const auto& id : sent) fail(id, kUnavailable, "the connection dropped");
    if (!refusal_.isEmpty()) {
        qCWarning(lcConnection) << "connection refused:" << refusal_;
        std::vector<QString> rest;
        for (const auto& [id, p] : pending_) rest.push_back(id);
        for (const auto& id : rest) fail(id, kTlsRefused, "the server's certificate was refused");
        return;
    }
    schedule_retry();
}

void ServerConnection::schedule_retry() {
    set_state(State::waiting_to_retry);
    const auto delay = backoff_.next();
    qCInfo(lcConnection) << "reconnecting in" << delay.count() << "ms";
    retry_timer_.start(delay);
}

void ServerConnection::on_text(const QString& text) {
    auto frame = parse_server_frame(text.toUtf8());
    if (auto* bad = std::get_if<FrameError>(&frame)) {
        ++bad_frames_;
        qCWarning(lcConnection) << "ignored a frame from the server:" << bad->reason;
        return;
    }
    if (auto* e = std::get_if<ServerEvent>(&frame)) {
        last_event_seq_ = e->seq;
        emit event(*e);
        return;
    }
    auto& r = std::get<ServerResponse>(frame);
    const auto it = pending_.find(r.id);
    if (it == pending_.end() || !it->second.sent) {
        ++bad_frames_;
        qCWarning(lcConnection) << "ignored a response to no request of ours";
        return;
    }
    finish(r.id, r);
}

void ServerConnection::request(const QString& type, const QJsonObject& body, ReplyFn done,
                               std::chrono::milliseconds timeout) {
    const QString id = QStringLiteral("c%1").arg(next_id_++);
    auto later_fail = [this, done](const char* code, QString message) {
        // Never call back from inside request(): the caller may not expect re-entry.
        QMetaObject::invokeMethod(
            this,
            [done, c = QString::fromLatin1(code), m = std::move(message)] {
                ServerResponse r;
                r.error_code = c;
                r.error_message = m;
                done(r);
            },
            Qt::QueuedConnection);
    };
    if (state_ == State::closed) return later_fail(kUnavailable, "the connection is closed");
    if (state_ == State::refused) return later_fail(kTlsRefused, refusal_);
    if (state_ != State::connected && waiting_.size() >= options_.max_waiting)
        return later_fail(kUnavailable, "too many requests are waiting for the connection");

    Pending p;
    p.type = type;
    p.body = body;
    p.done = std::move(done);
    p.timer = std::make_unique<QTimer>();
    p.timer->setSingleShot(true);
    QObject::connect(p.timer.get(), &QTimer::timeout, this,
                     [this, id] { fail(id, kTimeout, "the server did not answer in time"); });
    p.timer->start(timeout.count() > 0 ? timeout : options_.default_timeout);
    auto [it, inserted] = pending_.emplace(id, std::move(p));
    if (state_ == State::connected)
        send(id, it->second);
    else
        waiting_.push_back(id);
}

void ServerConnection::send_waiting() {
    while (!waiting_.empty() && state_ == State::connected) {
        const QString id = waiting_.front();
        waiting_.pop_front();
        if (auto it = pending_.find(id); it != pending_.end()) send(id, it->second);
    }
}

void ServerConnection::send(const QString& id, Pending& p) {
    QJsonObject frame{{QStringLiteral("id"), id},
                      {QStringLiteral("type"), p.type},
                      {QStringLiteral("body"), p.body}};
    socket_->sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    p.sent = true;
    last_sent_ = std::chrono::steady_clock::now();
}

void ServerConnection::finish(const QString& id, const ServerResponse& r) {
    auto node = pending_.extract(id);
    if (node.empty()) return;
    // finish() may run inside this timer's own timeout signal: delete it later, not here.
    node.mapped().timer->stop();
    node.mapped().timer.release()->deleteLater();
    if (!node.mapped().sent) std::erase(waiting_, id);
    // Called after the entry is gone, so `done` may send new requests.
    node.mapped().done(r);
}

void ServerConnection::fail(const QString& id, const char* code, const char* message) {
    ServerResponse r;
    r.id = id;
    r.error_code = QString::fromLatin1(code);
    r.error_message = QString::fromLatin1(message);
    finish(id, r);
}

void ServerConnection::set_state(State s) {
    if (state_ == s) return;
    state_ = s;
    emit stateChanged(s);
}

}  // namespace wardline::client
