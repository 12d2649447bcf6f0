// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every client test that drives a real installation of an enrolled test user needs: the
// device identity of the user's enrolled device (its key pair from the enrollment's seed) and
// the connection options for the test server (its port and its self-signed certificate).
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/server_connection.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <sodium.h>

namespace wardline::test {

/// The identity of `user`'s enrolled device, as its installation holds it.
inline client::DeviceIdentity enrolled_identity(const TestUser& user) {
    client::DeviceIdentity identity;
    identity.device_id = QString::fromStdString(user.device_id);
    identity.name = QStringLiteral("Ward 3 workstation");
    identity.platform = QStringLiteral("Debian 12 / wardline test");
    identity.public_key.resize(crypto_sign_PUBLICKEYBYTES);
    identity.secret_key.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(identity.public_key.data()),
                             reinterpret_cast<unsigned char*>(identity.secret_key.data()),
                             user.device_seed.data());
    return identity;
}

/// Options that reach `server` over TLS, trusting its certificate.
inline client::ConnectionOptions test_server_options(ServerProcess& server) {
    client::ConnectionOptions o;
    o.url = QUrl(QStringLiteral("wss://localhost:%1/v1/ws").arg(server.port()));
    o.tls.ca_file = QString::fromStdString(server.certificate());
    return o;
}

}  // namespace wardline::test
