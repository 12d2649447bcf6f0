// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small helpers for the local store's Qt SQL code: prepared statements that throw
// LocalStoreError on failure (naming the operation, never the bound values), and a
// transaction that rolls back unless committed.
#include "client-qt/core/local_store.hpp"

#include <QSqlDatabase>
#include <QSqlQuery>

namespace wardline::client::sqlite {

/// A forward-only prepared statement (LocalStoreError::query_failed if it does not prepare).
QSqlQuery prepare(const QSqlDatabase& db, const char* sql, const char* what);
/// Executes `q` (LocalStoreError::query_failed on failure).
void exec(QSqlQuery& q, const char* what);
/// Executes a statement without parameters.
void exec(const QSqlDatabase& db, const char* sql, const char* what);

class Transaction {
public:
    explicit Transaction(QSqlDatabase db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    QSqlDatabase db_;
    bool done_ = false;
};

}  // namespace wardline::client::sqlite
