// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where this computer keeps the device it registered for an account (docs/client.md, "Device
// identity"), so that the next sign-in of the same account uses the same device instead of
// registering a new one. One small file per (server, organization, username), named from a
// hash of the three, so it is found BEFORE login (the local store is named by the user id,
// which only the login tells). Its content (device id, user id, name, platform, the Ed25519
// key pair) is sealed with the account's local key (XChaCha20-Poly1305); the associated data
// is the file's header and the account, so a file copied to another account, or altered in
// any byte, does not open. Written atomically (QSaveFile), permissions 0600.
//
// Layout, version 1: "WLDEVICE" (8), version (1), three zero bytes, then LocalKey::seal
// output (24-byte nonce, ciphertext, 16-byte tag). Every refusal is a typed DeviceFileError
// with a sentence for the user; none repeats a key.
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/local_key.hpp"

#include <QString>

namespace wardline::client {

/// The account a device file belongs to, as the user typed it at sign-in.
struct DeviceAccount {
    QString server;  ///< host:port
    QString organization;
    QString username;
    /// 32 hex digits (BLAKE2b of the three) naming the account's files.
    QString file_id() const;
    /// The name of the account's local key in the operating system's keychain.
    QString keychain_name() const;
};

enum class DeviceFileError {
    none,
    not_found,      ///< no device kept for this account
    unreadable,     ///< the file exists but cannot be read
    too_large,      ///< longer than any device file (not read)
    truncated,      ///< shorter than the smallest device file
    not_a_device,   ///< the magic is wrong
    newer_version,  ///< made by a newer Wardline
    damaged,        ///< does not open with this account's key: altered, or from elsewhere
    malformed,      ///< opens, but its content is not a valid device (keys do not match)
    write_failed,   ///< could not be written (the old one, if any, is intact)
};

/// A sentence for the user about `error`.
QString describe(DeviceFileError error);

/// What the file holds: the device and the user it was registered for.
struct KeptDevice {
    DeviceIdentity identity;  ///< with device_id and both keys
    QString user_id;
};

struct DeviceFileRead {
    DeviceFileError error = DeviceFileError::none;
    KeptDevice device;  ///< set when error is none
    bool ok() const noexcept { return error == DeviceFileError::none; }
};

class DeviceFile {
public:
    static constexpr qsizetype header_size = 12;
    static constexpr qsizetype max_file_size = 16 * 1024;

    DeviceFile(const QString& directory, DeviceAccount account);
    const QString& path() const noexcept { return path_; }
    bool exists() const;

    /// Reads and opens the file with `key`.
    DeviceFileRead read(const LocalKey& key) const;
    /// Seals `device` with `key` and replaces the file atomically (0600). The identity needs
    /// a device id and both keys.
    DeviceFileError write(const KeptDevice& device, const LocalKey& key) const;
    /// Overwrites the file with zeros and deletes it; true when it is gone.
    bool remove() const;

private:
    QByteArray associated(QByteArrayView header) const;

    DeviceAccount account_;
    QString path_;
};

}  // namespace wardline::client
