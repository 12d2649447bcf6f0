// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/device_identity.hpp"

#include "common/core/device_login_proof.hpp"

#include <sodium.h>

#include <cstdint>
#include <span>
#include <string_view>

#include <stdexcept>

namespace wardline::client {

DeviceIdentity DeviceIdentity::generate(QString name, QString platform) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
    DeviceIdentity d;
    d.name = std::move(name);
    d.platform = std::move(platform);
    d.public_key.resize(crypto_sign_PUBLICKEYBYTES);
    d.secret_key.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(d.public_key.data()),
                        reinterpret_cast<unsigned char*>(d.secret_key.data()));
    return d;
}

QJsonObject DeviceIdentity::login_object(const QByteArray& challenge, const QString& organization,
                                         const QString& username) const {
    QJsonObject o{{QStringLiteral("name"), name},
                  {QStringLiteral("platform"), platform},
                  {QStringLiteral("identity_key"), QString::fromLatin1(public_key.toBase64())}};
    if (!device_id.isEmpty()) o.insert(QStringLiteral("id"), device_id);
    if (secret_key.size() != crypto_sign_SECRETKEYBYTES) return o;
    const QByteArray org = organization.toUtf8();
    const QByteArray user = username.toUtf8();
    const QByteArray id = device_id.toUtf8();
    const auto message = device_login_proof_message(
        std::span(reinterpret_cast<const std::uint8_t*>(challenge.constData()),
                  static_cast<std::size_t>(challenge.size())),
        std::string_view(org.constData(), static_cast<std::size_t>(org.size())),
        std::string_view(user.constData(), static_cast<std::size_t>(user.size())),
        std::string_view(id.constData(), static_cast<std::size_t>(id.size())),
        std::span(reinterpret_cast<const std::uint8_t*>(public_key.constData()),
                  static_cast<std::size_t>(public_key.size())));
    QByteArray signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         message.data(), message.size(),
                         reinterpret_cast<const unsigned char*>(secret_key.constData()));
    o.insert(QStringLiteral("signature"), QString::fromLatin1(signature.toBase64()));
    return o;
}

void DeviceIdentity::forget_secret() noexcept {
    if (!secret_key.isEmpty())
        sodium_memzero(secret_key.data(), static_cast<size_t>(secret_key.size()));
    secret_key.clear();
}

}  // namespace wardline::client
