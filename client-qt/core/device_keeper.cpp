// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/device_keeper.hpp"

#include "client-qt/core/local_key_source.hpp"
#include "client-qt/core/local_wipe.hpp"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>

namespace wardline::client {

namespace {

Q_LOGGING_CATEGORY(lcDevice, "wardline.device")

QString account_key_file(const QString& directory, const DeviceAccount& account) {
    return QDir(directory).filePath(QStringLiteral("key-%1.wlkey").arg(account.file_id()));
}

}  // namespace

bool device_refused(const LoginRefusal& refusal) {
    // auth.login answers device_revoked, after the right password only, for a device it will
    // never take again (revoked or wiped by IT); wrong credentials are unauthenticated.
    return refusal.code == QLatin1String("device_revoked");
}

DeviceKeeper::DeviceKeeper(QString directory, DeviceAccount account,
                           const KeychainKeyStore& keychain)
    : directory_(std::move(directory)),
      account_(std::move(account)),
      keychain_(keychain),
      file_(directory_, account_),
      key_file_(account_key_file(directory_, account_)) {}

DeviceKeeper::~DeviceKeeper() {
    key_.wipe();
}

DevicePreparation DeviceKeeper::prepare(DeviceIdentity& identity, const QString& password,
                                        const QString& name, const QString& platform) {
    DevicePreparation result;
    kept_.reset();
    key_.wipe();
    if (file_.exists()) {
        auto access =
            obtain_local_key(keychain_, account_.keychain_name(), key_file_, password, false);
        result.key_error = access.file_error;
        if (access.ok()) {
            key_ = std::move(access.key);
            auto read = file_.read(key_);
            result.file_error = read.error;
            if (read.ok()) {
                identity.forget_secret();
                identity = read.device.identity;
                read.device.identity.forget_secret();
                kept_ = std::move(read.device);
                result.kept = true;
                return result;
            }
            qCWarning(lcDevice) << "the device file is not used:" << static_cast<int>(read.error);
        }
    }
    identity.forget_secret();
    identity = DeviceIdentity::generate(name, platform);
    return result;
}

bool DeviceKeeper::erase_store_of(const QString& user_id) const {
    if (user_id.isEmpty()) return true;
    return LocalStore::remove_files(
        LocalStore::database_path(directory_, StoreAccount{account_.server, user_id, {}}));
}

KeptAccount DeviceKeeper::keep(const DeviceIdentity& identity, const SessionInfo& info,
                               const QString& password) {
    key_from_keychain(identity, info);
    const auto secured = secure(identity, info, password);
    if (!secured.ok) {
        KeptAccount result;
        result.error = secured.error;
        return result;
    }
    return open(identity.device_id, info);
}

bool DeviceKeeper::same_device(const DeviceIdentity& identity, const SessionInfo& info) const {
    return kept_ && kept_->identity.device_id == identity.device_id &&
           kept_->user_id == info.user_id && !key_.empty();
}

void DeviceKeeper::key_from_keychain(const DeviceIdentity& identity, const SessionInfo& info) {
    if (same_device(identity, info) || !key_.empty()) return;
    const QString name = account_.keychain_name();
    auto loaded = keychain_.load(name);
    if (loaded.status == KeychainKeyStore::Status::ok) {
        key_ = std::move(loaded.key);
        return;
    }
    if (loaded.status == KeychainKeyStore::Status::corrupt) keychain_.remove(name);
    // The first sign-in on a computer with a keychain: the new key goes there (no Argon2id).
    if (loaded.status == KeychainKeyStore::Status::not_found && !key_file_.exists()) {
        auto key = LocalKey::generate();
        if (keychain_.save(name, key) == KeychainKeyStore::Status::ok) key_ = std::move(key);
    }
}

SecuredDevice DeviceKeeper::secure(const DeviceIdentity& identity, const SessionInfo& info,
                                   const QString& password) {
    SecuredDevice result;
    if (!same_device(identity, info)) {
        // A new device: whatever this computer kept for the account belongs to a device or a
        // key that is gone (or was never made): erase it and start anew.
        if (key_.empty() && key_file_.exists()) {
            auto unlocked = key_file_.unlock(password);
            if (unlocked.ok()) key_ = std::move(unlocked.key);
        }
        if (key_.empty()) {
            // No key the accepted password opens: a new one, in a new key file.
            key_file_.remove();
            auto key = LocalKey::generate();
            const auto written = key_file_.write(key, password);
            if (written != KeyFileError::none) {
                result.error = describe(written);
                return result;
            }
            key_ = std::move(key);
        }
        if (kept_) erase_store_of(kept_->user_id);
        erase_store_of(info.user_id);
        KeptDevice device{identity, info.user_id};
        const auto written = file_.write(device, key_);
        device.identity.forget_secret();
        if (written != DeviceFileError::none) {
            result.error = describe(written);
            return result;
        }
        kept_ = KeptDevice{};
        kept_->identity.device_id = identity.device_id;
        kept_->user_id = info.user_id;
    }
    result.ok = true;
    return result;
}

KeptAccount DeviceKeeper::open(const QString& device_id, const SessionInfo& info) {
    KeptAccount result;
    // The storage takes the key: nothing of it stays here once the account is open.
    try {
        result.storage = std::make_unique<AccountStorage>(
            std::move(key_), directory_, StoreAccount{account_.server, info.user_id, device_id});
    } catch (const LocalStoreError& e) {
        qCWarning(lcDevice) << "the account's store does not open:" << static_cast<int>(e.code());
        result.error = QStringLiteral(
            "Wardline cannot open this account's data on this computer. Sign out and tell IT.");
    }
    key_.wipe();
    return result;
}

bool DeviceKeeper::forget(DeviceIdentity* identity) {
    // As a remote wipe erases (client-qt/core/local_wipe.hpp): the store, the device file, the
    // key file, the keychain's entry, and the keys in memory.
    LocalWipeTargets targets;
    targets.key_file = key_file_.path();
    targets.key = &key_;
    targets.device = identity;
    targets.device_file = file_.path();
    targets.keychain = &keychain_;
    targets.keychain_account = account_.keychain_name();
    if (kept_ && !kept_->user_id.isEmpty())
        targets.store_database = LocalStore::database_path(
            directory_, StoreAccount{account_.server, kept_->user_id, {}});
    const bool gone = wipe_local_data(targets);
    kept_.reset();
    return gone;
}

}  // namespace wardline::client
