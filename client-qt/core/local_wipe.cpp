// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_wipe.hpp"

#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/local_store.hpp"

#include <QDir>
#include <QFile>

namespace wardline::client {
namespace {

/// Overwrites a small file with zeros, then deletes it. True when it is gone.
bool shred_small_file(const QString& path) {
    QFile f(path);
    if (!f.exists()) return true;
    if (f.size() <= 64 * 1024 && f.open(QIODevice::ReadWrite)) {
        f.write(QByteArray(static_cast<qsizetype>(f.size()), '\0'));
        f.flush();
        f.close();
    }
    return f.remove();
}

}  // namespace

bool wipe_local_data(const LocalWipeTargets& targets) {
    // Memory first: it cannot fail, and it is what matters most.
    if (targets.key != nullptr) targets.key->wipe();
    if (targets.device != nullptr) targets.device->forget_secret();

    bool gone = true;
    if (!targets.key_file.isEmpty()) gone = LocalKeyFile(targets.key_file).remove() && gone;
    if (!targets.device_file.isEmpty()) gone = shred_small_file(targets.device_file) && gone;
    if (!targets.store_database.isEmpty())
        gone = LocalStore::remove_files(targets.store_database) && gone;
    if (targets.keychain != nullptr && !targets.keychain_account.isEmpty()) {
        using Status = KeychainKeyStore::Status;
        const auto removed = targets.keychain->remove(targets.keychain_account);
        gone = (removed == Status::ok || removed == Status::not_found ||
                removed == Status::unavailable) &&
               gone;
    }
    if (!targets.store_directory.isEmpty()) {
        const QDir dir(targets.store_directory);
        const auto databases = dir.entryList({QStringLiteral("account-*.sqlite")}, QDir::Files);
        for (const auto& name : databases)
            gone = LocalStore::remove_files(dir.filePath(name)) && gone;
        // Journals whose database is already gone (a crash between deletions).
        const auto leftovers = dir.entryList(
            {QStringLiteral("account-*.sqlite-wal"), QStringLiteral("account-*.sqlite-shm"),
             QStringLiteral("account-*.sqlite-journal")},
            QDir::Files);
        for (const auto& name : leftovers) gone = QFile::remove(dir.filePath(name)) && gone;
    }
    return gone;
}

}  // namespace wardline::client
