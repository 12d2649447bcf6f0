// SPDX-License-Identifier: Apache-2.0
#include "tests/client/store_test_support.hpp"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>
#include <stdexcept>

namespace wardline::test {

namespace {
QSqlQuery run(const QString& name, const QString& sql, const QVariantList& binds) {
    QSqlQuery q(QSqlDatabase::database(name, false));
    if (!q.prepare(sql)) throw std::runtime_error("prepare: " + q.lastError().text().toStdString());
    for (const auto& b : binds) q.addBindValue(b);
    if (!q.exec()) throw std::runtime_error("exec: " + q.lastError().text().toStdString());
    return q;
}
}  // namespace

RawSqlite::RawSqlite(const QString& path) {
    static std::atomic<unsigned> counter{0};
    name_ = QStringLiteral("raw-test-%1").arg(counter.fetch_add(1));
    QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name_);
    d.setDatabaseName(path);
    d.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!d.open()) throw std::runtime_error("cannot open " + path.toStdString());
}

RawSqlite::~RawSqlite() {
    {
        QSqlDatabase d = QSqlDatabase::database(name_, false);
        d.close();
    }
    QSqlDatabase::removeDatabase(name_);
}

int RawSqlite::exec(const QString& sql, const QVariantList& binds) {
    return run(name_, sql, binds).numRowsAffected();
}

QVariant RawSqlite::scalar(const QString& sql, const QVariantList& binds) {
    auto q = run(name_, sql, binds);
    return q.next() ? q.value(0) : QVariant();
}

QStringList RawSqlite::plan(const QString& sql, const QVariantList& binds) {
    auto q = run(name_, QStringLiteral("EXPLAIN QUERY PLAN ") + sql, binds);
    QStringList out;
    while (q.next()) out << q.value(3).toString();  // id, parent, notused, detail
    return out;
}

bool files_contain(const QString& directory, QByteArrayView needle) {
    const QDir dir(directory);
    for (const auto& name : dir.entryList(QDir::Files | QDir::Hidden)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error("cannot read a store file");
        if (f.readAll().contains(needle)) return true;
    }
    return false;
}

QStringList files_in(const QString& directory) {
    return QDir(directory).entryList(QDir::Files | QDir::Hidden);
}

}  // namespace wardline::test
