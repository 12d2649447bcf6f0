// SPDX-License-Identifier: Apache-2.0
// The client's connection against a real wardline-server over real TLS (issue #6,
// "Connection"): verified against the organization's CA file, pinned, refused when the
// certificate is not trusted, and reconnecting with backoff after the server went away.
#include "client-qt/core/server_connection.hpp"
#include "tests/client/qt_wait.hpp"
#include "tests/integration/net/server_fixture.hpp"

#include <QFile>

#include <gtest/gtest.h>

#include <optional>

namespace wardline::test {
namespace {

using client::ConnectionOptions;
using client::ServerConnection;
using client::ServerResponse;
using std::chrono::milliseconds;

class ClientConnection : public ServerFixture {
protected:
    ConnectionOptions options(bool trust_server = true) {
        ConnectionOptions o;
        o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(server().port()));
        if (trust_server) o.tls.ca_file = QString::fromStdString(server().certificate());
        o.backoff_base = milliseconds(50);
        o.backoff_cap = milliseconds(200);
        return o;
    }

    /// Sends a request and waits for its one reply.
    static ServerResponse call(ServerConnection& c, const QString& type, const QJsonObject& body,
                               milliseconds timeout = milliseconds(5000)) {
        std::optional<ServerResponse> reply;
        int calls = 0;
        c.request(
            type, body,
            [&](const ServerResponse& r) {
                reply = r;
                ++calls;
            },
            timeout);
        EXPECT_TRUE(qt_wait_for([&] { return reply.has_value(); }, timeout + milliseconds(2000)));
        EXPECT_EQ(calls, 1);
        return reply.value_or(ServerResponse{});
    }

    static QByteArray server_pin(const std::string& certificate_file) {
        const auto certs = QSslCertificate::fromPath(QString::fromStdString(certificate_file));
        return certs.isEmpty() ? QByteArray() : client::public_key_pin(certs.first());
    }
};

TEST_F(ClientConnection, TalksToTheServerOverTlsVerifiedAgainstTheOrganizationCa) {
    start_server();
    ServerConnection c(options());
    int connected = 0;
    QObject::connect(&c, &ServerConnection::connected, [&] { ++connected; });
    ASSERT_TRUE(c.open());
    // A request made while connecting waits for the connection.
    const auto hello = call(c, "system.hello", {{"protocol", 1}, {"client", "wardline-test"}});
    ASSERT_TRUE(hello.ok) << hello.error_code.toStdString();
    EXPECT_EQ(hello.body.value("protocol").toInt(), 1);
    EXPECT_EQ(connected, 1);
    EXPECT_EQ(c.state(), ServerConnection::State::connected);

    const auto ping = call(c, "system.ping", {{"data", "are you there"}});
    ASSERT_TRUE(ping.ok);
    EXPECT_EQ(ping.body.value("data").toString(), "are you there");
    // The server's refusals arrive as such, and the connection stays up.
    const auto unknown = call(c, "no.such.request", {});
    EXPECT_FALSE(unknown.ok);
    EXPECT_EQ(unknown.error_code, "unknown_type");
    const auto malformed = call(c, "system.hello", {{"protocol", "one"}});
    EXPECT_EQ(malformed.error_code, "bad_request");
    EXPECT_TRUE(call(c, "system.ping", {}).ok);
    EXPECT_EQ(c.bad_frames(), 0u);
}

TEST_F(ClientConnection, RefusesAServerWhoseCertificateTheSystemStoreDoesNotTrust) {
    start_server();
    ServerConnection c(options(/*trust_server=*/false));
    ASSERT_TRUE(c.open());
    const auto r = call(c, "system.ping", {});
    EXPECT_EQ(r.error_code, "tls_refused");
    EXPECT_EQ(c.state(), ServerConnection::State::refused);
    EXPECT_TRUE(c.refusal().startsWith("the server's certificate is not trusted"))
        << c.refusal().toStdString();
    EXPECT_EQ(c.backoff().attempts(), 0u) << "a refusal is not retried";
    // Later requests fail at once rather than wait.
    EXPECT_EQ(call(c, "system.ping", {}, milliseconds(100)).error_code, "tls_refused");
}

TEST_F(ClientConnection, AcceptsThePinnedKeyAndRefusesAnyOther) {
    start_server();
    auto pinned = options();
    pinned.tls.pin_sha256 = {server_pin(server().certificate())};
    ServerConnection good(pinned);
    ASSERT_TRUE(good.open());
    EXPECT_TRUE(call(good, "system.ping", {}).ok);

    auto wrong = options();
    wrong.tls.pin_sha256 = {QByteArray(32, '\x42')};
    ServerConnection bad(wrong);
    ASSERT_TRUE(bad.open());
    EXPECT_EQ(call(bad, "system.ping", {}).error_code, "tls_refused");
    EXPECT_EQ(bad.refusal(), "the server's certificate does not match the pinned key");
    EXPECT_EQ(bad.state(), ServerConnection::State::refused);
}

TEST_F(ClientConnection, AnUnreadableCaFileIsRefusedBeforeConnecting) {
    start_server();
    auto o = options();
    o.tls.ca_file = "/nonexistent/ca.pem";
    ServerConnection c(o);
    EXPECT_FALSE(c.open());
    EXPECT_EQ(c.refusal(), "the CA file cannot be read");
    EXPECT_EQ(call(c, "system.ping", {}, milliseconds(100)).error_code, "tls_refused");
}

TEST_F(ClientConnection, WhenTheServerGoesAwayItRetriesWithBackoffAndRequestsTimeOut) {
    start_server();
    ServerConnection c(options());
    ASSERT_TRUE(c.open());
    ASSERT_TRUE(call(c, "system.ping", {}).ok);

    server().stop();
    ASSERT_TRUE(qt_wait_for([&] { return c.backoff().attempts() >= 3; }))
        << "it keeps trying to reconnect";
    EXPECT_NE(c.state(), ServerConnection::State::connected);
    EXPECT_NE(c.state(), ServerConnection::State::refused);
    // A request waits for the connection, then times out with a clear code.
    EXPECT_EQ(call(c, "system.ping", {}, milliseconds(300)).error_code, "timeout");

    c.close();
    EXPECT_EQ(c.state(), ServerConnection::State::closed);
    EXPECT_EQ(call(c, "system.ping", {}, milliseconds(100)).error_code, "unavailable");
}

TEST_F(ClientConnection, ClosingFailsWaitingRequestsOnceAndStopsRetrying) {
    start_server();
    ServerConnection c(options());
    ASSERT_TRUE(c.open());
    ASSERT_TRUE(call(c, "system.ping", {}).ok);
    server().stop();
    ASSERT_TRUE(qt_wait_for([&] { return c.backoff().attempts() >= 1; }));
    int replies = 0;
    QString code;
    c.request("system.ping", {}, [&](const ServerResponse& r) {
        ++replies;
        code = r.error_code;
    });
    c.close();
    EXPECT_TRUE(qt_wait_for([&] { return replies > 0; }));
    const auto attempts = c.backoff().attempts();
    qt_wait_for([] { return false; }, milliseconds(400));  // longer than the backoff cap
    EXPECT_EQ(replies, 1);
    EXPECT_EQ(code, "unavailable");
    EXPECT_EQ(c.backoff().attempts(), attempts) << "no reconnect after close()";
}

}  // namespace
}  // namespace wardline::test
