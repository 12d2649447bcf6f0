// SPDX-License-Identifier: Apache-2.0
// A real wardline-server process against the shared test PostgreSQL, driven over real TLS.
#include "tests/integration/net/server_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include <signal.h>

namespace wardline::test {
namespace {

using Kind = ReadResult::Kind;

class ServerTest : public ServerFixture {};

TEST_F(ServerTest, HealthzAnswersOk) {
    start_server();
    const auto r = http_get(tls(), "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
    EXPECT_EQ(r.headers.at("cache-control"), "no-store");
}

TEST_F(ServerTest, ReadyzIsReadyWithMigratedDatabase) {
    start_server();
    const auto r = http_get(tls(), "/readyz");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["status"], "ready");
    EXPECT_GE(body["schema_version"].get<int>(), 1);
}

TEST_F(ServerTest, ReadyzIsNotReadyWhenDatabaseUnreachable) {
    DbTarget nowhere{"host=127.0.0.1 port=" + std::to_string(free_port()) + " dbname=x user=x", "pw"};
    start_server_on(nowhere);
    EXPECT_EQ(http_get(tls(), "/healthz").status, 200);  // alive, but...
    const auto r = http_get(tls(), "/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(nlohmann::json::parse(r.body)["reason"], "database_unavailable");
    auto ws = connect();
    const auto res = ws->request("system.status");
    EXPECT_EQ(res["status"], "error");
    EXPECT_EQ(res["error"]["code"], "unavailable");
    EXPECT_EQ(ws->request("system.ping")["status"], "ok");  // requests without the database still work
}

TEST_F(ServerTest, MetricsArePrometheusText) {
    start_server();
    auto ws = connect();
    ws->request("system.ping");
    ws->request("no.such.type");
    const auto r = http_get(tls(), "/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.headers.at("content-type").find("text/plain"), std::string::npos);
    for (const char* name :
         {"wardline_open_connections ", "wardline_frames_in_total ", "wardline_frames_out_total ",
          "wardline_request_duration_seconds_bucket{type=\"system.ping\",le=\"+Inf\"} 1",
          "wardline_request_errors_total{code=\"unknown_type\"} 1",
          "wardline_db_pool_connections{state=\"idle\"}", "wardline_db_pool_wait_seconds_total"})
        EXPECT_NE(r.body.find(name), std::string::npos) << name << "\n" << r.body;
}

TEST_F(ServerTest, UnknownPathIs404AndPlainGetOnWsIs426) {
    start_server();
    EXPECT_EQ(http_get(tls(), "/nope").status, 404);
    const auto r = http_get(tls(), "/v1/ws");
    EXPECT_EQ(r.status, 426);
    EXPECT_EQ(r.headers.at("upgrade"), "websocket");
    EXPECT_THROW(WsClient(tls(), "/v2/ws"), std::exception);
    EXPECT_EQ(http_get(tls(), "/healthz").status, 200);
}

TEST_F(ServerTest, WelcomeEventComesFirstWithSequenceOne) {
    start_server();
    WsClient ws(tls());
    const auto welcome = ws.read_json();
    EXPECT_EQ(welcome["event"], "system.welcome");
    EXPECT_EQ(welcome["seq"], 1);
    EXPECT_EQ(welcome["body"]["protocol"], 1);
    EXPECT_FALSE(welcome["body"]["connection_id"].get<std::string>().empty());
}

TEST_F(ServerTest, HelloPingAndStatusAnswer) {
    start_server();
    auto ws = connect();
    const auto hello = ws->request("system.hello", {{"protocol", 1}, {"client", "test"}});
    ASSERT_EQ(hello["status"], "ok") << hello;
    EXPECT_EQ(hello["body"]["limits"]["max_frame_bytes"], 65536);
    const auto ping = ws->request("system.ping", {{"data", "abc"}}, "my-id-1");
    EXPECT_EQ(ping["id"], "my-id-1");
    EXPECT_EQ(ping["body"]["data"], "abc");
    EXPECT_GT(ping["body"]["server_time_ms"].get<std::int64_t>(), 1'600'000'000'000);
    const auto status = ws->request("system.status");
    ASSERT_EQ(status["status"], "ok") << status;
    EXPECT_EQ(status["body"]["schema_version"], status["body"]["expected_schema_version"]);
}

TEST_F(ServerTest, HelloWithUnsupportedProtocolIsRefused) {
    start_server();
    auto ws = connect();
    const auto r = ws->request("system.hello", {{"protocol", 99}});
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r["error"]["code"], "bad_request");
}

TEST_F(ServerTest, MalformedJsonIsBadRequestAndConnectionStays) {
    start_server();
    auto ws = connect();
    ws->send_text("{\"id\": \"x\", \"type\": ");
    auto r = ws->read_json();
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r["error"]["code"], "bad_request");
    EXPECT_TRUE(r["id"].is_null());
    EXPECT_EQ(ws->request("system.ping")["status"], "ok");
}

TEST_F(ServerTest, WrongShapesAreBadRequest) {
    start_server();
    auto ws = connect();
    const std::vector<std::string> frames{
        "[1,2,3]", "\"text\"", "42", "null",
        R"({"type":"system.ping"})",                                   // missing id
        R"({"id":7,"type":"system.ping"})",                            // id not a string
        R"({"id":"a"})",                                               // missing type
        R"({"id":"a","type":"system.ping","body":[]})",                // body not an object
        R"({"id":"a","type":"system.ping","extra":1})",                // unknown envelope field
        R"({"id":"a","type":"system.ping","body":{"data":5}})",        // wrong field type
        R"({"id":"a","type":"system.ping","body":{"other":"x"}})",     // unknown body field
        R"({"id":"a","type":"system.hello","body":{}})",               // missing required field
    };
    for (const auto& f : frames) {
        ws->send_text(f);
        const auto r = ws->read_json();
        EXPECT_EQ(r["status"], "error") << f;
        EXPECT_EQ(r["error"]["code"], "bad_request") << f;
    }
    EXPECT_EQ(ws->request("system.ping")["status"], "ok");
}

TEST_F(ServerTest, UnknownTypeEchoesIdWithUnknownType) {
    start_server();
    auto ws = connect();
    const auto r = ws->request("message.teleport", nlohmann::json::object(), "id-42");
    EXPECT_EQ(r["id"], "id-42");
    EXPECT_EQ(r["error"]["code"], "unknown_type");
}

TEST_F(ServerTest, RequestContentNeverReachesLogsOrErrors) {
    start_server();
    auto ws = connect();
    const std::string secret = "PATIENT-MRN-00424242";
    ws->send_text(R"({"id":"a","type":"system.ping","body":{"data":7,"x":")" + secret + R"("}})");
    const auto r = ws->read_json();
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r.dump().find(secret), std::string::npos);
    ws->request("system.ping", {{"data", secret}});
    ws->request("nope." + secret);
    EXPECT_EQ(server().log().find(secret), std::string::npos);
    EXPECT_EQ(server().log().find(db().password), std::string::npos);
}

TEST_F(ServerTest, OversizedFrameClosesWith1009AndOthersAreServed) {
    start_server({{"limits.max_frame_bytes", "4096"}});
    auto other = connect();
    auto ws = connect();
    ws->send_text(std::string(5000, 'x'));
    const auto r = ws->read();
    EXPECT_EQ(r.kind, Kind::closed);
    EXPECT_EQ(r.close_code, 1009);
    EXPECT_EQ(other->request("system.ping")["status"], "ok");
}

TEST_F(ServerTest, BinaryFrameClosesWith1003) {
    start_server();
    auto ws = connect();
    ws->send_binary("\x01\x02\x03");
    const auto r = ws->read();
    EXPECT_EQ(r.kind, Kind::closed);
    EXPECT_EQ(r.close_code, 1003);
}

TEST_F(ServerTest, FloodIsRateLimitedThenClosedWith1008) {
    start_server({{"limits.requests_per_second", "5"},
                  {"limits.request_burst", "10"},
                  {"limits.max_rate_violations", "20"}});
    auto other = connect();
    auto ws = connect();
    for (int i = 0; i < 100; ++i) ws->send_text(R"({"id":"f)" + std::to_string(i) + R"(","type":"system.ping"})");
    int ok = 0, limited = 0, close_code = 0;
    for (;;) {
        const auto r = ws->read();
        if (r.kind == Kind::closed) {
            close_code = r.close_code;
            break;
        }
        ASSERT_EQ(r.kind, Kind::text) << r.data;
        const auto j = nlohmann::json::parse(r.data);
        if (j["status"] == "ok") ++ok;
        else if (j["error"]["code"] == "rate_limited") ++limited;
    }
    EXPECT_GE(ok, 10);
    EXPECT_LE(ok, 12);
    EXPECT_EQ(limited, 21);
    EXPECT_EQ(close_code, 1008);
    EXPECT_EQ(other->request("system.ping")["status"], "ok");
}

TEST_F(ServerTest, TooManyInFlightIsRefused) {
    start_server({{"limits.max_in_flight", "1"}});
    auto ws = connect();
    std::string burst;
    for (int i = 0; i < 8; ++i)
        ws->send_text(R"({"id":"s)" + std::to_string(i) + R"(","type":"system.status"})");
    int ok = 0, refused = 0;
    for (int i = 0; i < 8; ++i) {
        const auto j = ws->read_json();
        if (j["status"] == "ok") ++ok;
        else if (j["error"]["code"] == "too_many_in_flight") ++refused;
    }
    EXPECT_GE(ok, 1);
    EXPECT_GE(refused, 1);
    EXPECT_EQ(ok + refused, 8);
}

TEST_F(ServerTest, ClientThatNeverReadsIsDisconnectedAndMemoryStaysBounded) {
    start_server({{"limits.max_outbox_frames", "16"},
                  {"limits.requests_per_second", "1000000"},
                  {"limits.request_burst", "1000000"}});
    auto other = connect();
    ClientOptions small = tls();
    small.receive_buffer_bytes = 4096;
    WsClient lazy(small);
    const long rss_before = server().rss_kib();
    const std::string data(1000, 'd');
    bool write_failed = false;
    for (int i = 0; i < 20000 && !write_failed; ++i) {
        try {
            lazy.send_text(nlohmann::json{{"id", "p" + std::to_string(i)}, {"type", "system.ping"},
                                          {"body", {{"data", data}}}}.dump());
        } catch (const std::exception&) {
            write_failed = true;  // the server dropped us
        }
        if (i % 500 == 0 && metric("wardline_slow_reader_disconnects_total") >= 1) break;
    }
    EXPECT_TRUE(wait_for([&] { return metric("wardline_slow_reader_disconnects_total") >= 1; }, 10s));
    EXPECT_EQ(other->request("system.ping")["status"], "ok");
    EXPECT_LT(server().rss_kib() - rss_before, 64 * 1024) << "server memory grew by more than 64 MiB";
}

TEST_F(ServerTest, SilentConnectionIsClosedAfterHandshakeTimeout) {
    start_server({{"limits.handshake_timeout_seconds", "1"}});
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), server().port()});
    const auto start = std::chrono::steady_clock::now();
    char buf[16];
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::buffer(buf), ec);  // blocks until the server closes
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
    EXPECT_LT(waited, 5s);
    EXPECT_EQ(http_get(tls(), "/healthz").status, 200);
}

TEST_F(ServerTest, PlainListenerServesLoopback) {
    start_server({}, /*plain=*/true);
    ClientOptions plain;
    plain.port = server().plain_port();
    EXPECT_EQ(http_get(plain, "/healthz").status, 200);
    WsClient ws(plain);
    EXPECT_EQ(ws.read_json()["event"], "system.welcome");
}

TEST_F(ServerTest, SigtermClosesWithGoingAwayAndExitsZero) {
    start_server();
    auto ws = connect();
    ASSERT_EQ(ws->request("system.ping")["status"], "ok");
    ::kill(server().pid(), SIGTERM);
    const auto r = ws->read(10s);
    EXPECT_EQ(r.kind, Kind::closed);
    EXPECT_EQ(r.close_code, 1001);
    EXPECT_EQ(server().stop(SIGTERM, 10s), 0);
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

TEST_F(ServerTest, JsonLogLinesAreValidJson) {
    start_server({{"log.format", "json"}});
    auto ws = connect();
    ws->send_text("{\"broken\"");
    ws->read_json();
    ws->send_binary("x");
    ws->read();
    server().stop();
    std::istringstream in(server().log());
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        const auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line;
        EXPECT_TRUE(j.contains("level") && j.contains("logger") && j.contains("msg")) << line;
    }
    EXPECT_GE(lines, 3);
}

}  // namespace
}  // namespace wardline::test

namespace wardline::test {
namespace {

TEST_F(ServerTest, TlsClientThatSendsNothingIsClosedAfterHandshakeTimeout) {
    start_server({{"limits.handshake_timeout_seconds", "1"}});
    const auto waited = seconds_until_closed_after_tls(tls());
    EXPECT_GE(waited, 0.5);
    EXPECT_LT(waited, 5.0);
    EXPECT_EQ(http_get(tls(), "/healthz").status, 200);
}

TEST_F(ServerTest, IdlePeerThatNeverAnswersPingsIsDropped) {
    start_server({{"limits.idle_timeout_seconds", "1"}});
    auto silent = connect();
    auto lively = connect();
    // `lively` keeps reading, so its client answers the server's pings; `silent` does not read.
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < until)
        EXPECT_EQ(lively->read(100ms).kind, ReadResult::Kind::timeout);
    EXPECT_EQ(lively->request("system.ping")["status"], "ok");
    const auto r = silent->read(2s);
    EXPECT_TRUE(r.kind == ReadResult::Kind::error || r.kind == ReadResult::Kind::closed)
        << static_cast<int>(r.kind);
}

}  // namespace
}  // namespace wardline::test
