// SPDX-License-Identifier: Apache-2.0
#pragma once
// The identity of this installation (issue #6, "Device identity"): an Ed25519 key pair made on
// the first login, and the device id the server assigned then. The public key goes to the
// server with every login (auth.login "device"), with a signature by the private key over the
// connection's challenge that proves this installation holds it (docs/security.md, "Device
// possession proof"); the private key never leaves the client.
// Keeping it in the operating system's keychain or an Argon2id-wrapped file comes with the
// local store.
#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace wardline::client {

struct DeviceIdentity {
    QString device_id;      ///< empty until the server assigned one
    QString name;           ///< e.g. the computer's name
    QString platform;       ///< operating system and client version
    QByteArray public_key;  ///< Ed25519, 32 bytes
    QByteArray secret_key;  ///< Ed25519 (libsodium form, 64 bytes); never sent, never logged

    /// A new key pair for this computer.
    static DeviceIdentity generate(QString name, QString platform);
    /// The "device" object of auth.login for `organization` and `username` (exactly as sent),
    /// signed over `challenge` (auth.challenge, 32 bytes). Without a secret key (forgotten) it
    /// carries no signature, and the server refuses the login.
    QJsonObject login_object(const QByteArray& challenge, const QString& organization,
                             const QString& username) const;
    /// Wipes the secret key from memory.
    void forget_secret() noexcept;
};

}  // namespace wardline::client
