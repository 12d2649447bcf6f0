// SPDX-License-Identifier: Apache-2.0
#pragma once
// For the local store's tests: a second, raw Qt SQL connection to a store's SQLite file (to
// look at and alter what is on the disk behind the store's back), and a search of a
// directory's file bytes, and the code of a LocalStoreError a call throws.
#include "client-qt/core/local_store.hpp"

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

#include <optional>

namespace wardline::test {

class RawSqlite {
public:
    explicit RawSqlite(const QString& path);
    ~RawSqlite();
    RawSqlite(const RawSqlite&) = delete;
    RawSqlite& operator=(const RawSqlite&) = delete;

    /// Runs a statement; std::runtime_error if SQLite refuses it. Returns rows affected.
    int exec(const QString& sql, const QVariantList& binds = {});
    /// The first column of the first row (invalid QVariant when there is no row).
    QVariant scalar(const QString& sql, const QVariantList& binds = {});
    /// The "detail" column of EXPLAIN QUERY PLAN for `sql`.
    QStringList plan(const QString& sql, const QVariantList& binds);

private:
    QString name_;
};

/// Runs `f` and returns the LocalStoreError code it threw; nullopt if it threw none.
template <class F>
std::optional<client::LocalStoreError::Code> error_of(F&& f) {
    try {
        f();
    } catch (const client::LocalStoreError& e) {
        return e.code();
    }
    return std::nullopt;
}

/// True when any file directly in `directory` contains `needle`.
bool files_contain(const QString& directory, QByteArrayView needle);
/// The names of the files directly in `directory`.
QStringList files_in(const QString& directory);

}  // namespace wardline::test
