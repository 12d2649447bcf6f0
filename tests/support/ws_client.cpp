// SPDX-License-Identifier: Apache-2.0
#include "tests/support/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <stdexcept>
#include <variant>

namespace wardline::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

/// Runs the io_context until `done` or the timeout. Returns false on timeout.
bool run_until(asio::io_context& ioc, const bool& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ioc.restart();
    while (!done && std::chrono::steady_clock::now() < deadline) {
        if (ioc.run_one_for(deadline - std::chrono::steady_clock::now()) == 0 && ioc.stopped())
            ioc.restart();
    }
    return done;
}

tcp::socket connect_socket(asio::io_context& ioc, const ClientOptions& o) {
    tcp::socket socket(ioc);
    socket.open(tcp::v4());
    if (o.receive_buffer_bytes > 0)
        socket.set_option(asio::socket_base::receive_buffer_size(o.receive_buffer_bytes));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port));
    return socket;
}

/// SNI "localhost" (SSL_set_tlsext_host_name is a macro with an old-style cast).
void set_sni(SSL* ssl) {
    static char host[] = "localhost";
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host);
}

asio::ssl::context make_client_tls(const ClientOptions& o) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    ctx.load_verify_file(o.ca_file);
    return ctx;
}

}  // namespace

struct WsClient::Impl {
    using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
    using PlainWs = websocket::stream<beast::tcp_stream>;

    asio::io_context ioc;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    std::variant<std::monostate, std::unique_ptr<TlsWs>, std::unique_ptr<PlainWs>> ws;
    beast::flat_buffer buffer;
    bool read_pending = false;
    bool read_done = false;
    beast::error_code read_ec;
    std::vector<nlohmann::json> events;
    int counter = 0;

    template <class F>
    decltype(auto) visit(F&& f) {
        if (auto* t = std::get_if<std::unique_ptr<TlsWs>>(&ws)) return f(**t);
        return f(*std::get<std::unique_ptr<PlainWs>>(ws));
    }
};

WsClient::WsClient(const ClientOptions& o, const std::string& target) : impl_(std::make_unique<Impl>()) {
    auto& ioc = impl_->ioc;
    auto socket = connect_socket(ioc, o);
    if (!o.ca_file.empty()) {
        impl_->tls = make_client_tls(o);
        auto ws = std::make_unique<Impl::TlsWs>(beast::tcp_stream(std::move(socket)), impl_->tls);
        set_sni(ws->next_layer().native_handle());
        ws->next_layer().set_verify_callback(asio::ssl::host_name_verification("localhost"));
        beast::get_lowest_layer(*ws).expires_after(o.timeout);
        ws->next_layer().handshake(asio::ssl::stream_base::client);
        impl_->ws = std::move(ws);
    } else {
        impl_->ws = std::make_unique<Impl::PlainWs>(beast::tcp_stream(std::move(socket)));
    }
    impl_->visit([&](auto& ws) {
        beast::get_lowest_layer(ws).expires_never();
        ws.read_message_max(64 << 20);
        ws.handshake("localhost", target);
    });
}

WsClient::~WsClient() = default;

void WsClient::send_text(const std::string& text) {
    impl_->visit([&](auto& ws) {
        ws.text(true);
        ws.write(asio::buffer(text));
    });
}

void WsClient::send_binary(const std::string& data) {
    impl_->visit([&](auto& ws) {
        ws.binary(true);
        ws.write(asio::buffer(data));
    });
}

ReadResult WsClient::read(std::chrono::milliseconds timeout) {
    auto& i = *impl_;
    if (!i.read_pending) {
        i.read_pending = true;
        i.read_done = false;
        i.buffer.clear();
        i.visit([&](auto& ws) {
            ws.async_read(i.buffer, [&i](beast::error_code ec, std::size_t) {
                i.read_ec = ec;
                i.read_done = true;
            });
        });
    }
    if (!run_until(i.ioc, i.read_done, timeout)) return {ReadResult::Kind::timeout, "", 0};
    i.read_pending = false;
    if (i.read_ec == websocket::error::closed) {
        const int code = i.visit([](auto& ws) { return static_cast<int>(ws.reason().code); });
        return {ReadResult::Kind::closed, "", code};
    }
    if (i.read_ec) return {ReadResult::Kind::error, i.read_ec.message(), 0};
    const bool text = i.visit([](auto& ws) { return ws.got_text(); });
    return {text ? ReadResult::Kind::text : ReadResult::Kind::binary,
            beast::buffers_to_string(i.buffer.data()), 0};
}

nlohmann::json WsClient::read_json(std::chrono::milliseconds timeout) {
    const auto r = read(timeout);
    if (r.kind != ReadResult::Kind::text)
        throw std::runtime_error("expected a text frame, got kind " + std::to_string(static_cast<int>(r.kind)) +
                                 " close_code " + std::to_string(r.close_code) + " " + r.data);
    return nlohmann::json::parse(r.data);
}

nlohmann::json WsClient::request(const std::string& type, const nlohmann::json& body, const std::string& id) {
    const std::string rid = id.empty() ? "r" + std::to_string(++impl_->counter) : id;
    send_text(nlohmann::json{{"id", rid}, {"type", type}, {"body", body}}.dump());
    for (;;) {
        auto msg = read_json();
        if (msg.contains("event")) {
            impl_->events.push_back(std::move(msg));
            continue;
        }
        if (msg.value("id", nlohmann::json()) == rid) return msg;
        throw std::runtime_error("unexpected frame: " + msg.dump());
    }
}

const std::vector<nlohmann::json>& WsClient::events() const { return impl_->events; }

void WsClient::close() {
    impl_->visit([](auto& ws) {
        beast::error_code ec;
        ws.close(websocket::close_code::normal, ec);
    });
}

double seconds_until_closed_after_tls(const ClientOptions& o) {
    asio::io_context ioc;
    auto ctx = make_client_tls(o);
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(connect_socket(ioc, o)), ctx);
    set_sni(stream.native_handle());
    stream.handshake(asio::ssl::stream_base::client);
    const auto start = std::chrono::steady_clock::now();
    char byte = 0;
    bool done = false;
    stream.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code, std::size_t) { done = true; });
    if (!run_until(ioc, done, 30s)) return -1;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

HttpResult http_get(const ClientOptions& o, const std::string& target) {
    asio::io_context ioc;
    auto socket = connect_socket(ioc, o);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    req.keep_alive(false);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!o.ca_file.empty()) {
        auto ctx = make_client_tls(o);
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx);
        set_sni(stream.native_handle());
        stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
        beast::get_lowest_layer(stream).expires_after(o.timeout);
        stream.handshake(asio::ssl::stream_base::client);
        http::write(stream, req);
        http::read(stream, buffer, res);
    } else {
        http::write(socket, req);
        http::read(socket, buffer, res);
    }
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
    }
    return out;
}

}  // namespace wardline::test
