// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps this computer's device of an account across sign-ins and restarts (docs/client.md,
// "Device identity"). Before auth.login, prepare() finds the device kept for (server,
// organization, username) in its DeviceFile, opened with the account's local key (from the
// keychain, or the Argon2id key file unlocked with the password being typed), or makes a new
// key pair when there is none or it cannot be used. After the sign-in, keep() saves a new
// device (the server assigned its id), makes the local key on the first sign-in, and opens
// the account's storage. A device the server refused (revoked or wiped) is erased with the
// account's local data, as a remote wipe erases it.
//
// Whatever of the account's data can no longer be opened once the server accepted the
// sign-in (a key file the accepted password does not open, an administrator's password reset,
// a damaged device file, a store of an older device) is erased and started anew: it is sealed
// for a key or a device that is gone.
#include "client-qt/core/account_storage.hpp"
#include "client-qt/core/device_file.hpp"
#include "client-qt/core/keychain_key_store.hpp"
#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/session.hpp"

#include <memory>
#include <optional>

namespace wardline::client {

/// What prepare() found.
struct DevicePreparation {
    bool kept = false;  ///< the kept device is used; false: a new key pair
    /// Why a device file that exists was not used (none when there is none, or it was used).
    DeviceFileError file_error = DeviceFileError::none;
    /// Why the key file did not open (a wrong password looks the same as a reset one).
    KeyFileError key_error = KeyFileError::none;
};

/// The outcome of secure(): the key and the device are in place, or why not.
struct SecuredDevice {
    bool ok = false;
    QString error;  ///< a sentence for the user when not ok
};

/// The outcome of keep(): the open storage, or why there is none.
struct KeptAccount {
    std::unique_ptr<AccountStorage> storage;
    QString error;  ///< a sentence for the user when storage is null
};

class DeviceKeeper {
public:
    /// `directory` holds the account files (device, key file, store); `keychain` must outlive
    /// this object.
    DeviceKeeper(QString directory, DeviceAccount account, const KeychainKeyStore& keychain);
    ~DeviceKeeper();
    DeviceKeeper(const DeviceKeeper&) = delete;
    DeviceKeeper& operator=(const DeviceKeeper&) = delete;

    const DeviceAccount& account() const noexcept { return account_; }
    const QString& directory() const noexcept { return directory_; }
    QString device_file_path() const { return file_.path(); }
    QString key_file_path() const { return key_file_.path(); }

    /// Before auth.login: sets `identity` to the kept device, or to a new key pair named
    /// `name` / `platform` (device id empty: the server assigns one).
    DevicePreparation prepare(DeviceIdentity& identity, const QString& password,
                              const QString& name, const QString& platform);
    /// After the sign-in `info` (with `identity`, whose device id the server set): saves the
    /// device when it is new and opens the account's storage; `password` is the one the server
    /// accepted last (the new one after a password change), for the key file.
    KeptAccount keep(const DeviceIdentity& identity, const SessionInfo& info,
                     const QString& password);
    /// keep() in three steps, so that the slow one can run on a worker (AccountOpening). First,
    /// on the calling thread: the account's key from the keychain, or, on the first sign-in on
    /// a computer whose keychain takes it, a new key kept there.
    void key_from_keychain(const DeviceIdentity& identity, const SessionInfo& info);
    /// Then the slow step: without a key yet, the key file unlocked with `password` or, when
    /// there is none or it does not open, a new key in a new key file (Argon2id either way);
    /// and the device file of a new device. It touches only this object and its files (not the
    /// keychain), so it may run on a worker thread while nothing else uses them.
    SecuredDevice secure(const DeviceIdentity& identity, const SessionInfo& info,
                         const QString& password);
    /// The other half, after secure() succeeded, on the thread that will use the storage (its
    /// database connection belongs to that thread): opens the account's storage with the key,
    /// which it takes.
    KeptAccount open(const QString& device_id, const SessionInfo& info);
    /// The server refused the kept device (device_revoked): erases what a remote wipe erases
    /// (its store, the device file, the key file, the keychain's entry, the local key and
    /// `identity`'s secret key when given), so the next prepare() makes a new device. True when
    /// nothing is left.
    bool forget(DeviceIdentity* identity = nullptr);

private:
    bool erase_store_of(const QString& user_id) const;
    bool same_device(const DeviceIdentity& identity, const SessionInfo& info) const;

    QString directory_;
    DeviceAccount account_;
    const KeychainKeyStore& keychain_;
    DeviceFile file_;
    LocalKeyFile key_file_;
    LocalKey key_;                    ///< the account's key, once prepare() or keep() obtained it
    std::optional<KeptDevice> kept_;  ///< the device prepare() found (without its secret key)
};

/// The auth.login refusal that means the server will not take this device again (revoked or
/// wiped, device_revoked): the device and the account's local data are to be erased.
bool device_refused(const LoginRefusal& refusal);

}  // namespace wardline::client
