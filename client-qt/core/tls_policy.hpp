// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the client decides to trust the server (docs/client.md, "Connection"):
// - by default the operating system's CA store, with the host name checked;
// - with `ca_file`, only the CAs in that PEM file (an organization's own CA): the system store
//   is then not consulted, so a certificate from a public CA for the same name is refused;
// - with `pin_sha256`, in addition, the SHA-256 of the server certificate's public key
//   (SubjectPublicKeyInfo, DER) must be one of the pins, so a rogue but valid certificate is
//   refused too. Pins are checked before any request is sent.
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>

#include <optional>

namespace wardline::client {

struct TlsPolicy {
    QString ca_file;               ///< PEM file of trusted CAs; empty = the system store
    QList<QByteArray> pin_sha256;  ///< raw 32-byte SHA-256 digests of trusted public keys
};

/// The SSL configuration for `policy`, or an error text (the CA file is missing, unreadable or
/// holds no certificate).
struct TlsSetup {
    std::optional<QSslConfiguration> config;
    QString error;
};
TlsSetup make_tls_configuration(const TlsPolicy& policy);

/// SHA-256 of the certificate's public key (SubjectPublicKeyInfo, DER).
QByteArray public_key_pin(const QSslCertificate& certificate);

/// True when `policy` has no pins or the certificate's public key matches one of them.
bool pin_matches(const TlsPolicy& policy, const QSslCertificate& certificate);

}  // namespace wardline::client
