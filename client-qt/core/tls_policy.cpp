// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/tls_policy.hpp"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QSslKey>
#include <QSslSocket>

namespace wardline::client {

TlsSetup make_tls_configuration(const TlsPolicy& policy) {
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    if (!policy.ca_file.isEmpty()) {
        const QFileInfo info(policy.ca_file);
        if (!info.isFile() || !info.isReadable())
            return {std::nullopt, QStringLiteral("the CA file cannot be read")};
        const auto cas = QSslCertificate::fromPath(policy.ca_file, QSsl::Pem);
        if (cas.isEmpty())
            return {std::nullopt, QStringLiteral("the CA file holds no PEM certificate")};
        config.setCaCertificates(cas);
    }
    for (const auto& pin : policy.pin_sha256)
        if (pin.size() != 32)
            return {std::nullopt, QStringLiteral("a pin must be a SHA-256 digest (32 bytes)")};
    return {config, {}};
}

QByteArray public_key_pin(const QSslCertificate& certificate) {
    // QSslKey::toDer() of a public key is its SubjectPublicKeyInfo.
    return QCryptographicHash::hash(certificate.publicKey().toDer(), QCryptographicHash::Sha256);
}

bool pin_matches(const TlsPolicy& policy, const QSslCertificate& certificate) {
    if (policy.pin_sha256.isEmpty()) return true;
    if (certificate.isNull()) return false;
    return policy.pin_sha256.contains(public_key_pin(certificate));
}

}  // namespace wardline::client
