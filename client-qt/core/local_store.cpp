// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_store.hpp"

#include "client-qt/core/local_store_schema.hpp"
#include "client-qt/core/row_binding.hpp"
#include "client-qt/core/sqlite_support.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QVariant>

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <string>

namespace wardline::client {

namespace {

using Code = LocalStoreError::Code;

constexpr qsizetype max_id_size = 256;
const QByteArray key_check_plaintext("wardline local store");

QByteArray utf8(const QString& s) {
    return s.toUtf8();
}

void require(bool ok, const char* what) {
    if (!ok) throw LocalStoreError(Code::bad_input, what);
}

void require_id(const QString& id, const char* what) {
    require(!id.isEmpty() && id.size() <= max_id_size, what);
}

bool valid_priority(int p) {
    return p >= 0 && p <= 2;
}
bool valid_state(int s) {
    return s >= 0 && s <= 4;
}

QVariant blob_or_null(const std::optional<QByteArray>& b) {
    return b ? QVariant(*b) : QVariant(QMetaType::fromType<QByteArray>());
}

QString connection_name() {
    static std::atomic<unsigned> counter{0};
    return QStringLiteral("wardline-store-%1").arg(counter.fetch_add(1));
}

/// Overwrites a file with zeros (1 MiB at a time) and deletes it; true when it is gone.
bool shred(const QString& path) {
    QFile f(path);
    if (!f.exists()) return true;
    if (f.open(QIODevice::ReadWrite)) {
        const QByteArray zeros(1024 * 1024, '\0');
        for (qint64 left = f.size(); left > 0;) {
            const qint64 n = std::min<qint64>(left, zeros.size());
            if (f.write(zeros.constData(), n) != n) break;
            left -= n;
        }
        f.flush();
        f.close();
    }
    f.remove();
    return !QFileInfo::exists(path);
}

}  // namespace

QString StoreAccount::store_id() const {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
    const QByteArray in = row_binding({"account", utf8(server), utf8(user_id)});
    unsigned char h[16];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(in.constData()),
                       static_cast<unsigned long long>(in.size()), nullptr, 0);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(h), sizeof h).toHex());
}

QString LocalStore::database_path(const QString& directory, const StoreAccount& account) {
    return QDir(directory).filePath(QStringLiteral("account-%1.sqlite").arg(account.store_id()));
}

LocalStore::LocalStore(const QString& directory, StoreAccount account, const LocalKey& key)
    : account_(std::move(account)), key_(&key) {
    require(!key.empty(), "the local key is empty");
    require(!account_.server.isEmpty() && !account_.user_id.isEmpty(),
            "an account needs a server and a user id");
    store_id_ = account_.store_id().toLatin1();
    path_ = database_path(directory, account_);
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        throw LocalStoreError(Code::driver_missing,
                              "Qt's SQLite driver (libqt6sql6-sqlite) is not installed");

    // The directory is the user's alone; the database is created empty with 0600 before
    // SQLite opens it (SQLite gives its -wal and -shm files the database's permissions).
    QDir dir(directory);
    if (!dir.mkpath(QStringLiteral(".")) ||
        !QFile::setPermissions(dir.absolutePath(), QFileDevice::ReadOwner |
                                                       QFileDevice::WriteOwner |
                                                       QFileDevice::ExeOwner))
        throw LocalStoreError(Code::open_failed, "the store's directory cannot be created");
    if (!QFileInfo::exists(path_)) {
        QFile f(path_);
        if (!f.open(QIODevice::WriteOnly))
            throw LocalStoreError(Code::open_failed, "the store's file cannot be created");
    }
    if (!QFile::setPermissions(path_, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        throw LocalStoreError(Code::open_failed, "the store's file permissions cannot be set");

    connection_ = connection_name();
    {
        QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
        d.setDatabaseName(path_);
        d.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!d.open()) {
            const std::string why = d.lastError().databaseText().toStdString();
            d = QSqlDatabase();
            QSqlDatabase::removeDatabase(connection_);
            throw LocalStoreError(Code::open_failed, "the store cannot be opened: " + why);
        }
    }
    open_ = true;
    try {
        const QSqlDatabase d = db();
        {
            QSqlQuery q(d);
            if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() ||
                q.value(0).toString().compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0)
                throw LocalStoreError(Code::open_failed,
                                      "the store is not a database, or WAL is unavailable");
        }
        sqlite::exec(d, "PRAGMA synchronous=NORMAL", "set synchronous");
        // Freed pages (a recalled body, a removed queue item) are overwritten with zeros.
        sqlite::exec(d, "PRAGMA secure_delete=ON", "set secure_delete");
        migrate();
        check_key();
    } catch (...) {
        close();
        throw;
    }
}

LocalStore::~LocalStore() {
    close();
}

void LocalStore::close() noexcept {
    if (!open_) return;
    {
        QSqlDatabase d = QSqlDatabase::database(connection_, false);
        d.close();
    }
    QSqlDatabase::removeDatabase(connection_);
    open_ = false;
}

QSqlDatabase LocalStore::db() const {
    if (!open_) throw LocalStoreError(Code::closed, "the local store was wiped or closed");
    return QSqlDatabase::database(connection_, false);
}

int LocalStore::schema_version() const {
    auto q = sqlite::prepare(db(), "SELECT MAX(version) FROM schema_version", "read version");
    sqlite::exec(q, "read version");
    return q.next() ? q.value(0).toInt() : 0;
}

void LocalStore::migrate() {
    const QSqlDatabase d = db();
    sqlite::exec(d, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                 "create schema_version");
    const int current = schema_version();
    if (current > store_schema::latest_version())
        throw LocalStoreError(Code::newer_schema,
                              "the local store was made by a newer Wardline; update Wardline");
    for (const auto& m : store_schema::migrations()) {
        if (m.version <= current) continue;
        sqlite::Transaction t(d);
        for (const char* statement : m.statements) sqlite::exec(d, statement, "migrate");
        auto q = sqlite::prepare(d, "INSERT INTO schema_version (version) VALUES (?)", "migrate");
        q.addBindValue(m.version);
        sqlite::exec(q, "migrate");
        t.commit();
    }
}

void LocalStore::check_key() {
    const QSqlDatabase d = db();
    auto q =
        sqlite::prepare(d, "SELECT value FROM store_meta WHERE name = 'key_check'", "key check");
    sqlite::exec(q, "key check");
    if (q.next()) {
        const QByteArray sealed = q.value(0).toByteArray();
        q.finish();
        const auto opened = key_->open(sealed, binding({"store_meta", "key_check"}));
        if (!opened || *opened != key_check_plaintext)
            throw LocalStoreError(Code::wrong_key,
                                  "the local key does not open this store (another key, or the "
                                  "store was altered)");
        return;
    }
    q.finish();
    auto w = sqlite::prepare(d, "INSERT INTO store_meta (name, value) VALUES ('key_check', ?)",
                             "key check");
    w.addBindValue(seal(key_check_plaintext, {"store_meta", "key_check"}));
    sqlite::exec(w, "key check");
}

QByteArray LocalStore::binding(std::initializer_list<QByteArrayView> row) const {
    QByteArray ad = row_binding({store_id_});
    ad += row_binding(row);
    return ad;
}

QByteArray LocalStore::seal(QByteArrayView plaintext,
                            std::initializer_list<QByteArrayView> row) const {
    return key_->seal(plaintext, binding(row));
}

QByteArray LocalStore::open_sealed(QByteArrayView sealed, std::initializer_list<QByteArrayView> row,
                                   const char* what) const {
    auto opened = key_->open(sealed, binding(row));
    if (!opened)
        throw LocalStoreError(Code::tampered, std::string(what) +
                                                  " failed its integrity check: the local store "
                                                  "was altered");
    return std::move(*opened);
}

// --- conversations ---------------------------------------------------------------------------

void LocalStore::upsert_conversation(const StoredConversation& c) {
    require_id(c.id, "a conversation needs an id of at most 256 characters");
    require(!c.kind.isEmpty() && c.kind.size() <= 32, "a conversation needs a kind");
    require(c.title.size() <= max_value_size / 4, "the conversation title is too long");
    require(c.unread >= 0 && c.last_seq >= 0, "unread and last_seq cannot be negative");
    const QByteArray id = utf8(c.id), kind = utf8(c.kind);
    std::optional<QByteArray> patient;
    if (c.patient)
        patient = seal(QJsonDocument(*c.patient).toJson(QJsonDocument::Compact),
                       {"conversations", "patient", id, kind});
    auto q = sqlite::prepare(
        db(),
        "INSERT INTO conversations (id, kind, title, patient, unread, last_seq, updated_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
        " title = excluded.title, patient = excluded.patient, unread = excluded.unread,"
        " last_seq = MAX(last_seq, excluded.last_seq), updated_ms = excluded.updated_ms",
        "store conversation");
    q.addBindValue(c.id);
    q.addBindValue(c.kind);
    q.addBindValue(seal(utf8(c.title), {"conversations", "title", id, kind}));
    q.addBindValue(blob_or_null(patient));
    q.addBindValue(c.unread);
    q.addBindValue(c.last_seq);
    q.addBindValue(c.updated_ms);
    sqlite::exec(q, "store conversation");
}

namespace {
constexpr const char* conversation_columns =
    "SELECT id, kind, title, patient, unread, last_seq, updated_ms FROM conversations";
}

std::optional<StoredConversation> LocalStore::conversation(const QString& id) const {
    auto q = sqlite::prepare(db(), (std::string(conversation_columns) + " WHERE id = ?").c_str(),
                             "read conversation");
    q.addBindValue(id);
    sqlite::exec(q, "read conversation");
    if (!q.next()) return std::nullopt;
    StoredConversation c;
    c.id = q.value(0).toString();
    c.kind = q.value(1).toString();
    const QByteArray rid = utf8(c.id), kind = utf8(c.kind);
    c.title = QString::fromUtf8(open_sealed(
        q.value(2).toByteArray(), {"conversations", "title", rid, kind}, "a conversation's title"));
    if (!q.value(3).isNull()) {
        const QByteArray json =
            open_sealed(q.value(3).toByteArray(), {"conversations", "patient", rid, kind},
                        "a conversation's patient");
        c.patient = QJsonDocument::fromJson(json).object();
    }
    c.unread = q.value(4).toLongLong();
    c.last_seq = q.value(5).toLongLong();
    c.updated_ms = q.value(6).toLongLong();
    return c;
}

std::vector<StoredConversation> LocalStore::conversations() const {
    std::vector<QString> ids;
    {
        auto q = sqlite::prepare(db(), "SELECT id FROM conversations ORDER BY updated_ms DESC, id",
                                 "list conversations");
        sqlite::exec(q, "list conversations");
        while (q.next()) ids.push_back(q.value(0).toString());
    }
    std::vector<StoredConversation> out;
    out.reserve(ids.size());
    for (const auto& id : ids)
        if (auto c = conversation(id)) out.push_back(std::move(*c));
    return out;
}

// --- messages --------------------------------------------------------------------------------

QByteArray LocalStore::seal_body(const StoredMessage& m) const {
    return seal(m.body,
                {"messages", "body", utf8(m.conversation_id), binding_number(m.seq),
                 utf8(m.sender_user_id), utf8(m.sender_device_id), utf8(m.client_msg_id),
                 binding_number(m.server_time_ms), binding_number(static_cast<int>(m.priority))});
}

int LocalStore::store_messages(std::span<const StoredMessage> messages) {
    for (const auto& m : messages) {
        require_id(m.conversation_id, "a message needs a conversation id");
        require(m.seq >= 1, "a message's seq starts at 1");
        require(m.sender_user_id.size() <= max_id_size &&
                    m.sender_device_id.size() <= max_id_size &&
                    m.client_msg_id.size() <= max_id_size,
                "a message's sender or client message id is too long");
        require(valid_priority(static_cast<int>(m.priority)), "unknown message priority");
        require(valid_state(static_cast<int>(m.state)), "unknown message state");
        require(m.body.size() <= max_value_size, "a message body is too large");
    }
    const QSqlDatabase d = db();
    sqlite::Transaction t(d);
    const int added = insert_messages(d, messages, "store message");
    t.commit();
    return added;
}

int LocalStore::insert_messages(const QSqlDatabase& d, std::span<const StoredMessage> messages,
                                const char* what) {
    auto q = sqlite::prepare(
        d,
        "INSERT INTO messages (" WARDLINE_STORE_MESSAGE_COLUMNS
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, seq) DO NOTHING",
        what);
    auto raise = sqlite::prepare(
        d, "UPDATE conversations SET last_seq = MAX(last_seq, ?) WHERE id = ?", what);
    int added = 0;
    for (const auto& m : messages) {
        const bool recalled = m.state == MessageState::recalled;
        q.addBindValue(m.conversation_id);
        q.addBindValue(m.seq);
        q.addBindValue(m.sender_user_id);
        q.addBindValue(m.sender_device_id);
        q.addBindValue(m.client_msg_id);
        q.addBindValue(m.server_time_ms);
        q.addBindValue(static_cast<int>(m.priority));
        q.addBindValue(static_cast<int>(m.state));
        q.addBindValue(blob_or_null(recalled ? std::nullopt : std::optional(seal_body(m))));
        sqlite::exec(q, what);
        added += q.numRowsAffected() > 0 ? 1 : 0;
        raise.addBindValue(m.seq);
        raise.addBindValue(m.conversation_id);
        sqlite::exec(raise, what);
    }
    return added;
}

namespace {
/// The plain columns of a message row (the body is opened by the caller).
StoredMessage message_row(const QSqlQuery& q) {
    StoredMessage m;
    m.conversation_id = q.value(0).toString();
    m.seq = q.value(1).toLongLong();
    m.sender_user_id = q.value(2).toString();
    m.sender_device_id = q.value(3).toString();
    m.client_msg_id = q.value(4).toString();
    m.server_time_ms = q.value(5).toLongLong();
    const int priority = q.value(6).toInt();
    const int state = q.value(7).toInt();
    if (!valid_priority(priority) || !valid_state(state))
        throw LocalStoreError(Code::tampered,
                              "a message's priority or state is out of range: the local store "
                              "was altered");
    m.priority = static_cast<Priority>(priority);
    m.state = static_cast<MessageState>(state);
    return m;
}
}  // namespace

std::vector<StoredMessage> LocalStore::page(const char* sql, const QString& conversation_id,
                                            qint64 bound, int limit, bool reverse) const {
    require_id(conversation_id, "a conversation id is needed");
    require(limit >= 1 && limit <= max_page, "a page holds 1 to 1000 messages");
    require(bound >= 0, "a sequence bound cannot be negative");
    auto q = sqlite::prepare(db(), sql, "read messages");
    q.addBindValue(conversation_id);
    q.addBindValue(bound);
    q.addBindValue(limit);
    sqlite::exec(q, "read messages");
    std::vector<StoredMessage> out;
    while (q.next()) {
        StoredMessage m = message_row(q);
        const QVariant body = q.value(8);
        if (m.state == MessageState::recalled) {
            if (!body.isNull())
                throw LocalStoreError(Code::tampered,
                                      "a recalled message has a body: the local "
                                      "store was altered");
        } else {
            if (body.isNull())
                throw LocalStoreError(Code::tampered,
                                      "a message lost its body: the local store "
                                      "was altered");
            const QByteArray sealed = body.toByteArray();
            m.body = open_sealed(
                sealed,
                {"messages", "body", utf8(m.conversation_id), binding_number(m.seq),
                 utf8(m.sender_user_id), utf8(m.sender_device_id), utf8(m.client_msg_id),
                 binding_number(m.server_time_ms), binding_number(static_cast<int>(m.priority))},
                "a message body");
        }
        out.push_back(std::move(m));
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
}

std::vector<StoredMessage> LocalStore::messages_before(const QString& conversation_id,
                                                       qint64 before_seq, int limit) const {
    return page(store_schema::messages_before, conversation_id, before_seq, limit, true);
}

std::vector<StoredMessage> LocalStore::messages_after(const QString& conversation_id,
                                                      qint64 after_seq, int limit) const {
    return page(store_schema::messages_after, conversation_id, after_seq, limit, false);
}

std::optional<StoredMessage> LocalStore::message(const QString& conversation_id, qint64 seq) const {
    require(seq >= 1, "a message's seq starts at 1");
    // The same checks as a page of one: seq - 1 < s <= seq.
    auto one = page(store_schema::messages_after, conversation_id, seq - 1, 1, false);
    if (one.empty() || one.front().seq != seq) return std::nullopt;
    return std::move(one.front());
}

bool LocalStore::set_message_state(const QString& conversation_id, qint64 seq, MessageState state) {
    require(state == MessageState::received || state == MessageState::sent ||
                state == MessageState::delivered || state == MessageState::read,
            "set_message_state sets received, sent, delivered or read");
    auto q = sqlite::prepare(db(),
                             "UPDATE messages SET state = ? WHERE conversation_id = ? AND seq = ?"
                             " AND state <> 4",
                             "update message state");
    q.addBindValue(static_cast<int>(state));
    q.addBindValue(conversation_id);
    q.addBindValue(seq);
    sqlite::exec(q, "update message state");
    return q.numRowsAffected() > 0;
}

bool LocalStore::mark_recalled(const QString& conversation_id, qint64 seq) {
    const QSqlDatabase d = db();
    bool found = false;
    {
        auto q = sqlite::prepare(d,
                                 "UPDATE messages SET state = 4, body = NULL"
                                 " WHERE conversation_id = ? AND seq = ?",
                                 "recall message");
        q.addBindValue(conversation_id);
        q.addBindValue(seq);
        sqlite::exec(q, "recall message");
        found = q.numRowsAffected() > 0;
    }
    if (found) {
        QSqlQuery checkpoint(d);
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));  // best effort
    }
    return found;
}

int LocalStore::expire_messages(const QString& conversation_id, qint64 up_to_seq) {
    require_id(conversation_id, "a conversation id is needed");
    require(up_to_seq >= 1, "a message's seq starts at 1");
    const QSqlDatabase d = db();
    int gone = 0;
    {
        sqlite::Transaction t(d);
        for (const char* sql : {"DELETE FROM message_acks WHERE conversation_id = ? AND seq <= ?",
                                "DELETE FROM message_escalations WHERE conversation_id = ?"
                                " AND seq <= ?",
                                "DELETE FROM messages WHERE conversation_id = ? AND seq <= ?"}) {
            auto q = sqlite::prepare(d, sql, "expire messages");
            q.addBindValue(conversation_id);
            q.addBindValue(up_to_seq);
            sqlite::exec(q, "expire messages");
            gone = q.numRowsAffected();  // the last statement's: the messages
        }
        t.commit();
    }
    if (gone > 0) {
        QSqlQuery checkpoint(d);
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));  // best effort
    }
    return gone;
}

// --- group state, cursors, secrets -----------------------------------------------------------

void LocalStore::save_group_state(const QString& conversation_id, const StoredGroupState& state) {
    require_id(conversation_id, "a conversation id is needed");
    require(state.epoch >= 0, "an epoch cannot be negative");
    require(!state.state.isEmpty() && state.state.size() <= max_value_size,
            "group state must be 1 byte to 4 MiB");
    auto q =
        sqlite::prepare(db(),
                        "INSERT INTO group_states (conversation_id, epoch, state) VALUES (?, ?, ?)"
                        " ON CONFLICT (conversation_id) DO UPDATE SET epoch = excluded.epoch,"
                        " state = excluded.state",
                        "save group state");
    q.addBindValue(conversation_id);
    q.addBindValue(state.epoch);
    q.addBindValue(seal(state.state, {"group_states", "state", utf8(conversation_id),
                                      binding_number(state.epoch)}));
    sqlite::exec(q, "save group state");
}

std::optional<StoredGroupState> LocalStore::group_state(const QString& conversation_id) const {
    auto q =
        sqlite::prepare(db(), "SELECT epoch, state FROM group_states WHERE conversation_id = ?",
                        "read group state");
    q.addBindValue(conversation_id);
    sqlite::exec(q, "read group state");
    if (!q.next()) return std::nullopt;
    StoredGroupState s;
    s.epoch = q.value(0).toLongLong();
    s.state = open_sealed(q.value(1).toByteArray(),
                          {"group_states", "state", utf8(conversation_id), binding_number(s.epoch)},
                          "a group state");
    return s;
}

bool LocalStore::remove_group_state(const QString& conversation_id) {
    auto q = sqlite::prepare(db(), "DELETE FROM group_states WHERE conversation_id = ?",
                             "remove group state");
    q.addBindValue(conversation_id);
    sqlite::exec(q, "remove group state");
    return q.numRowsAffected() > 0;
}

void LocalStore::set_cursor(const QString& name, qint64 value) {
    require_id(name, "a cursor needs a name of at most 256 characters");
    require(value >= 0, "a cursor cannot be negative");
    auto q = sqlite::prepare(db(),
                             "INSERT INTO cursors (name, value) VALUES (?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                             "save cursor");
    q.addBindValue(name);
    q.addBindValue(value);
    sqlite::exec(q, "save cursor");
}

std::optional<qint64> LocalStore::cursor(const QString& name) const {
    auto q = sqlite::prepare(db(), "SELECT value FROM cursors WHERE name = ?", "read cursor");
    q.addBindValue(name);
    sqlite::exec(q, "read cursor");
    if (!q.next()) return std::nullopt;
    return q.value(0).toLongLong();
}

std::map<QString, qint64> LocalStore::cursors() const {
    auto q = sqlite::prepare(db(), "SELECT name, value FROM cursors", "read cursors");
    sqlite::exec(q, "read cursors");
    std::map<QString, qint64> out;
    while (q.next()) out.emplace(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

void LocalStore::save_secret(const QString& name, QByteArrayView value) {
    require_id(name, "a secret needs a name of at most 256 characters");
    require(value.size() <= max_value_size, "a secret is at most 4 MiB");
    auto q = sqlite::prepare(db(),
                             "INSERT INTO secrets (name, value) VALUES (?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                             "save secret");
    q.addBindValue(name);
    q.addBindValue(seal(value, {"secrets", "value", utf8(name)}));
    sqlite::exec(q, "save secret");
}

std::optional<QByteArray> LocalStore::secret(const QString& name) const {
    auto q = sqlite::prepare(db(), "SELECT value FROM secrets WHERE name = ?", "read secret");
    q.addBindValue(name);
    sqlite::exec(q, "read secret");
    if (!q.next()) return std::nullopt;
    return open_sealed(q.value(0).toByteArray(), {"secrets", "value", utf8(name)}, "a secret");
}

void LocalStore::remove_secret(const QString& name) {
    auto q = sqlite::prepare(db(), "DELETE FROM secrets WHERE name = ?", "remove secret");
    q.addBindValue(name);
    sqlite::exec(q, "remove secret");
}

// --- wipe ------------------------------------------------------------------------------------

bool LocalStore::remove_files(const QString& path) {
    bool gone = true;
    for (const char* suffix : {"-wal", "-shm", "-journal", ""})
        gone = shred(path + QString::fromLatin1(suffix)) && gone;
    return gone;
}

bool LocalStore::wipe() {
    close();
    return remove_files(path_);
}

}  // namespace wardline::client
