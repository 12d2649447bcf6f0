// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/sqlite_support.hpp"

#include <QSqlError>

#include <string>

namespace wardline::client::sqlite {

namespace {
[[noreturn]] void fail(const char* what, const QSqlError& e) {
    // databaseText is SQLite's own message (e.g. "disk I/O error"); it names no bound value.
    throw LocalStoreError(LocalStoreError::Code::query_failed,
                          std::string(what) + " failed: " + e.databaseText().toStdString());
}
}  // namespace

QSqlQuery prepare(const QSqlDatabase& db, const char* sql, const char* what) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QString::fromUtf8(sql))) fail(what, q.lastError());
    return q;
}

void exec(QSqlQuery& q, const char* what) {
    if (!q.exec()) fail(what, q.lastError());
}

void exec(const QSqlDatabase& db, const char* sql, const char* what) {
    QSqlQuery q(db);
    if (!q.exec(QString::fromUtf8(sql))) fail(what, q.lastError());
}

Transaction::Transaction(QSqlDatabase db) : db_(std::move(db)) {
    if (!db_.transaction()) fail("begin transaction", db_.lastError());
}

Transaction::~Transaction() {
    if (!done_) db_.rollback();
}

void Transaction::commit() {
    if (!db_.commit()) fail("commit", db_.lastError());
    done_ = true;
}

}  // namespace wardline::client::sqlite
