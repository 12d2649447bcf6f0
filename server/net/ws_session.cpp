// SPDX-License-Identifier: Apache-2.0
// One WebSocket connection: a reader and a writer coroutine on the connection's strand,
// joined by a bounded outbox. Requests run concurrently (up to limits.max_in_flight), each as
// its own coroutine on the same strand, so session state needs no locks.
#include "server/net/ws_session.hpp"

#include "common/core/log.hpp"
#include "common/proto/envelope.hpp"
#include "common/proto/protocol.hpp"
#include "server/metrics/metrics.hpp"
#include "server/net/connection_id.hpp"
#include "server/net/server_context.hpp"
#include "server/concurrency/token_bucket.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/identity/device_hold.hpp"
#include "server/protocol/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <string_view>
#include <utility>
#include <variant>

namespace wardline::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
using Clock = std::chrono::steady_clock;

/// A close frame queued behind the responses already in the outbox.
struct CloseRequest {
    websocket::close_code code;
    std::string reason;
};
using Outgoing = std::variant<std::string, CloseRequest>;

template <class Stream>
class WsSession : public std::enable_shared_from_this<WsSession<Stream>> {
public:
    WsSession(ServerContext& ctx, Stream&& stream)
        : ctx_(ctx),
          limits_(ctx.config.limits),
          ws_(std::move(stream)),
          outbox_(ws_.get_executor(), limits_.max_outbox_frames),
          bucket_(limits_.requests_per_second, limits_.request_burst, Clock::now()),
          id_(next_connection_id()),
          session_timer_(ws_.get_executor()) {
        boost::system::error_code ec;
        const auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
        if (!ec) auth_.source_address = peer.address().to_string();
    }

    static asio::awaitable<void> run(std::shared_ptr<WsSession> self, UpgradeRequest request) {
        auto& ws = self->ws_;
        ws.read_message_max(self->limits_.max_frame_bytes);
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = self->limits_.handshake_timeout;
        timeout.idle_timeout = self->limits_.idle_timeout;
        timeout.keep_alive_pings = true;
        ws.set_option(timeout);
        ws.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(beast::http::field::server, "wardline"); }));
        if (auto [ec] = co_await ws.async_accept(request, use_nothrow); ec) {
            log::net().debug("conn={} websocket handshake failed: {}", self->id_, ec.message());
            co_return;
        }
        log::net().debug("conn={} websocket open", self->id_);
        std::weak_ptr<WsSession> weak = self;
        self->registration_ = self->ctx_.registry.add([weak] {
            if (auto s = weak.lock())
                asio::dispatch(s->ws_.get_executor(), [s] { s->begin_shutdown(); });
        });
        if (self->ctx_.stopping.load()) self->begin_shutdown();
        self->auth_.on_end = [weak](const std::string& session_id, identity::EndReason reason) {
            if (auto s = weak.lock())
                asio::dispatch(s->ws_.get_executor(),
                               [s, session_id, reason] { s->on_session_ended(session_id, reason); });
        };
        self->auth_.on_event = [weak](const std::string& event, const nlohmann::json& body) {
            if (auto s = weak.lock())
                asio::dispatch(s->ws_.get_executor(), [s, event, body] {
                    // Events of a session go only to a connection that still holds one, and a
                    // held device gets only the events about its hold (issue #7).
                    if (!s->auth_.session) return;
                    auto& session = *s->auth_.session;
                    if (auto hold = identity::hold_after_event(event, session.hold)) session.hold = *hold;
                    if (identity::pushed_under_hold(event, session.hold)) s->send_event(event, body);
                });
        };

        self->send_event("system.welcome", {{"protocol", self->ctx_.protocol.version()},
                                            {"server", WARDLINE_VERSION},
                                            {"connection_id", self->id_}});
        co_await (self->read_loop() && self->write_loop() && self->session_watch());
        self->ctx_.registry.remove(self->registration_);
        auto closing = self->ctx_.dispatcher.connection_closed(self->auth_);
        co_await std::move(closing);
        log::net().debug("conn={} websocket closed", self->id_);
    }

private:
    asio::awaitable<void> read_loop() {
        beast::flat_buffer buffer;
        for (;;) {
            buffer.clear();
            auto [ec, bytes] = co_await ws_.async_read(buffer, use_nothrow);
            if (ec) {
                if (ec == websocket::error::message_too_big)
                    log::net().info("conn={} closed: frame over limits.max_frame_bytes", id_);
                break;
            }
            ctx_.metrics.frame_in();
            if (closing_) continue;  // drain until the peer answers our close frame
            if (!ws_.got_text()) {
                log::net().info("conn={} closing: binary frame", id_);
                begin_close(websocket::close_code::unknown_data, "binary frames are not supported");
                continue;
            }
            on_frame(beast::buffers_to_string(buffer.data()));
        }
        outbox_.close();
        closed_ = true;
        session_timer_.cancel();
    }

    /// Ends the bound session when its idle or absolute deadline passes, and tells the client.
    /// Requests move the idle deadline; the loop wakes at the old one and waits again.
    asio::awaitable<void> session_watch() {
        while (!closed_) {
            const auto deadline = auth_.session ? std::min(auth_.session->idle_deadline,
                                                           auth_.session->absolute_deadline)
                                                : Clock::now() + std::chrono::hours(24);
            session_timer_.expires_at(deadline);
            co_await session_timer_.async_wait(use_nothrow);  // woken early by cancel(): re-check
            if (closed_) break;
            if (!auth_.session) continue;
            const auto now = Clock::now();
            const bool expired = now >= auth_.session->absolute_deadline;
            if (!expired && now < auth_.session->idle_deadline) continue;
            const auto reason = expired ? identity::EndReason::expired : identity::EndReason::idle_timeout;
            auto ending = ctx_.dispatcher.end_bound_session(auth_, reason);
            if (co_await std::move(ending)) send_event("auth.session_ended", {{"reason", identity::to_string(reason)}});
        }
    }

    /// The SessionRegistry says the session ended elsewhere (logout on another connection, an
    /// administrator, a password change). The database already knows.
    void on_session_ended(const std::string& session_id, identity::EndReason reason) {
        if (!auth_.session || auth_.session->session_id != session_id) return;
        auth_.session.reset();
        auth_.registry_handle = 0;
        session_timer_.cancel();
        send_event("auth.session_ended", {{"reason", identity::to_string(reason)}});
    }

    asio::awaitable<void> write_loop() {
        for (;;) {
            auto [ec, item] = co_await outbox_.async_receive(use_nothrow);
            if (ec) break;
            if (auto* frame = std::get_if<std::string>(&item)) {
                ws_.text(true);
                auto [wec, n] = co_await ws_.async_write(asio::buffer(*frame), use_nothrow);
                if (wec) {
                    abort();
                    break;
                }
                ctx_.metrics.frame_out();
            } else {
                const auto& close = std::get<CloseRequest>(item);
                auto [cec] = co_await ws_.async_close(
                    websocket::close_reason(close.code, close.reason), use_nothrow);
                if (cec) abort();
                break;
            }
        }
    }

    void on_frame(std::string text) {
        const auto start = Clock::now();
        auto decoded = ctx_.protocol.decode_request(text);
        std::optional<std::string> id;
        if (const auto* req = std::get_if<proto::Request>(&decoded))
            id = req->id;
        else
            id = std::get<proto::DecodeError>(decoded).id;

        // Rate limiting comes first so that a flood of bad frames is throttled too.
        if (!bucket_.take(start)) {
            reply_error(id, "unknown", Errc::rate_limited, "request rate over limits.requests_per_second", start);
            if (++rate_violations_ > limits_.max_rate_violations) {
                log::net().warn("conn={} closing: request flood", id_);
                begin_close(websocket::close_code::policy_error, "request flood");
            }
            return;
        }
        rate_violations_ = 0;
        if (auto* err = std::get_if<proto::DecodeError>(&decoded)) {
            reply_error(err->id, "unknown", err->code, err->message, start);
            return;
        }
        auto& req = std::get<proto::Request>(decoded);
        if (shutting_down_) {
            reply_error(req.id, req.type, Errc::shutting_down, "server is shutting down", start);
            return;
        }
        if (in_flight_ >= limits_.max_in_flight) {
            reply_error(req.id, req.type, Errc::too_many_in_flight,
                        "too many unanswered requests on this connection", start);
            return;
        }
        ++in_flight_;
        asio::co_spawn(ws_.get_executor(), handle(this->shared_from_this(), std::move(req), start),
                       asio::detached);
    }

    static asio::awaitable<void> handle(std::shared_ptr<WsSession> self, proto::Request req,
                                        Clock::time_point start) {
        const std::string id = req.id;
        const std::string type = req.type;
        Outcome outcome = Failure{Errc::internal, ""};
        try {
            RequestContext rc{self->id_, self->auth_};
            // Built outside the co_await expression: GCC 12 mishandles some temporaries there.
            auto pending = self->ctx_.dispatcher.dispatch(std::move(req), rc);
            outcome = co_await std::move(pending);
        } catch (const std::exception& e) {
            log::net().error("conn={} type={} internal error: {}", self->id_, type, e.what());
            outcome = Failure{Errc::internal, "internal error (reference " + self->id_ + ")"};
        }
        --self->in_flight_;
        self->session_timer_.cancel();  // a request may have bound, ended or extended a session
        if (auto* body = std::get_if<nlohmann::json>(&outcome)) {
            self->ctx_.metrics.request_done(type, Clock::now() - start, std::nullopt);
            self->send(proto::encode_ok(id, *body));
            self->announce_hold();
        } else {
            const auto& f = std::get<Failure>(outcome);
            self->reply_error(id, type, f.code, f.message, start);
        }
        if (self->shutting_down_ && self->in_flight_ == 0)
            self->begin_close(websocket::close_code::going_away, "server shutting down");
    }

    /// A login or resume just bound a session whose device is held: it learns so right after
    /// the response (device.quarantined, or device.wipe: issue #7).
    void announce_hold() {
        const auto hold = std::exchange(auth_.announce_hold, authz::DeviceHold::none);
        if (hold == authz::DeviceHold::none || !auth_.session) return;
        send_event(identity::event_for_hold(hold), identity::device_event_body(auth_.session->device_id));
    }

    void reply_error(const std::optional<std::string>& id, const std::string& type, Errc code,
                     const std::string& message, Clock::time_point start) {
        ctx_.metrics.request_done(type, Clock::now() - start, code);
        send(proto::encode_error(id, code, message));
    }

    void send_event(std::string_view event, const nlohmann::json& body) {
        send(proto::encode_event(event, ++event_seq_, body));
    }

    /// Queues a frame. A full outbox means the client is not reading: it is disconnected
    /// rather than buffered without bound.
    void send(std::string frame) {
        if (dead_ || !outbox_.is_open()) return;
        if (!outbox_.try_send(boost::system::error_code{}, Outgoing{std::move(frame)})) {
            ctx_.metrics.slow_reader_disconnect();
            log::net().warn("conn={} disconnected: slow reader (outbox full)", id_);
            abort();
        }
    }

    void begin_close(websocket::close_code code, std::string reason) {
        if (closing_ || dead_) return;
        closing_ = true;
        if (!outbox_.try_send(boost::system::error_code{}, Outgoing{CloseRequest{code, std::move(reason)}}))
            abort();
    }

    void begin_shutdown() {
        shutting_down_ = true;
        if (in_flight_ == 0) begin_close(websocket::close_code::going_away, "server shutting down");
    }

    /// Drops the TCP connection at once; both loops end with an error.
    void abort() {
        if (dead_) return;
        dead_ = true;
        beast::get_lowest_layer(ws_).close();
        outbox_.close();
    }

    ServerContext& ctx_;
    const Limits& limits_;
    websocket::stream<Stream> ws_;
    asio::experimental::channel<void(boost::system::error_code, Outgoing)> outbox_;
    TokenBucket bucket_;
    std::string id_;
    std::uint64_t registration_ = 0;
    identity::ConnectionAuth auth_;
    asio::steady_timer session_timer_;
    bool closed_ = false;
    std::uint64_t event_seq_ = 0;
    std::size_t in_flight_ = 0;
    std::size_t rate_violations_ = 0;
    bool closing_ = false;
    bool shutting_down_ = false;
    bool dead_ = false;
};

}  // namespace

template <class Stream>
asio::awaitable<void> run_websocket(ServerContext& ctx, Stream stream, UpgradeRequest request) {
    auto session = std::make_shared<WsSession<Stream>>(ctx, std::move(stream));
    co_await WsSession<Stream>::run(session, std::move(request));
}

template asio::awaitable<void> run_websocket<TlsStream>(ServerContext&, TlsStream, UpgradeRequest);
template asio::awaitable<void> run_websocket<PlainStream>(ServerContext&, PlainStream, UpgradeRequest);

}  // namespace wardline::server
