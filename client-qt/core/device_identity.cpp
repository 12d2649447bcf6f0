// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/device_identity.hpp"

#include <sodium.h>

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

QJsonObject DeviceIdentity::login_object() const {
    QJsonObject o{{QStringLiteral("name"), name},
                  {QStringLiteral("platform"), platform},
                  {QStringLiteral("identity_key"), QString::fromLatin1(public_key.toBase64())}};
    if (!device_id.isEmpty()) o.insert(QStringLiteral("id"), device_id);
    return o;
}

void DeviceIdentity::forget_secret() noexcept {
    if (!secret_key.isEmpty())
        sodium_memzero(secret_key.data(), static_cast<size_t>(secret_key.size()));
    secret_key.clear();
}

}  // namespace wardline::client
