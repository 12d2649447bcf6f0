// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_wipe.hpp"

#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/local_store.hpp"

#include <QDir>
#include <QFile>

namespace wardline::client {

bool wipe_local_data(const LocalWipeTargets& targets) {
    // Memory first: it cannot fail, and it is what matters most.
    if (targets.key != nullptr) targets.key->wipe();
    if (targets.device != nullptr) targets.device->forget_secret();

    bool gone = true;
    if (!targets.key_file.isEmpty()) gone = LocalKeyFile(targets.key_file).remove() && gone;
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
