// SPDX-License-Identifier: Apache-2.0
#pragma once
// The local key in the operating system's keychain (issue #6, "private keys protected by the
// operating system keychain where one exists"; docs/client.md, "Key protection"), through
// QtKeychain: macOS Keychain, Windows Credential Manager, the Secret Service (or KWallet) on
// Linux desktops. QtKeychain's jobs are asynchronous; these calls wait for them (running a
// local event loop, at most `timeout`), so call them at sign-in, not while the UI is busy.
// QtKeychain's insecure fallback (a plain settings file) is never enabled: without a keychain
// (a headless machine, no D-Bus session) every call reports `unavailable` and the caller uses
// the Argon2id-wrapped key file instead. The key passes through QtKeychain in ordinary memory;
// our own copies are zeroed.
#include "client-qt/core/local_key.hpp"

#include <QString>

#include <chrono>

namespace wardline::client {

class KeychainKeyStore {
public:
    enum class Status {
        ok,
        not_found,    ///< the keychain works but holds no key for this account
        unavailable,  ///< no keychain service (or it did not answer in time)
        denied,       ///< the user or the system refused access
        corrupt,      ///< an entry that is not a 32-byte key
    };

    explicit KeychainKeyStore(QString service = QStringLiteral("Wardline"),
                              std::chrono::milliseconds timeout = std::chrono::seconds(10))
        : service_(std::move(service)), timeout_(timeout) {}

    struct Loaded {
        Status status = Status::unavailable;
        LocalKey key;  ///< set when status is ok
    };

    Loaded load(const QString& account) const;
    Status save(const QString& account, const LocalKey& key) const;
    Status remove(const QString& account) const;
    /// QtKeychain's last error text (for the log: it names the backend's problem, never the
    /// key).
    const QString& last_error() const noexcept { return last_error_; }

private:
    QString service_;
    std::chrono::milliseconds timeout_;
    mutable QString last_error_;
};

}  // namespace wardline::client
