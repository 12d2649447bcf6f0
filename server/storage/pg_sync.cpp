// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_sync.hpp"

#include "server/storage/conninfo.hpp"
#include "server/storage/pg_errors.hpp"

#include <memory>
#include <utility>

namespace wardline::server::storage {

std::string PgSyncConnection::message(const char* text) const {
    std::string out = redact(text ? text : "", password_);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

PgSyncConnection PgSyncConnection::connect(std::string_view conninfo, std::string_view password) {
    const ConnParams params = parse_conninfo(conninfo);
    std::string pw(password);
    const ConnArrays arrays = make_conn_arrays(params, pw);
    PGconn* conn = PQconnectdbParams(arrays.keywords.data(), arrays.values.data(), 0);
    PgSyncConnection out(conn, std::move(pw));
    if (!conn) throw PgSyncError("cannot connect to PostgreSQL: out of memory", "");
    if (PQstatus(conn) != CONNECTION_OK)
        throw PgSyncError("cannot connect to PostgreSQL: " + out.message(PQerrorMessage(conn)),
                          "");
    // NOTICEs ("relation already exists, skipping") are expected on idempotent re-runs and
    // would only clutter wardlinectl's output; errors still arrive as PgSyncError.
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    return out;
}

PgSyncConnection::PgSyncConnection(PgSyncConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), password_(std::move(other.password_)) {}

PgSyncConnection& PgSyncConnection::operator=(PgSyncConnection&& other) noexcept {
    if (this != &other) {
        if (conn_) PQfinish(conn_);
        conn_ = std::exchange(other.conn_, nullptr);
        password_ = std::move(other.password_);
    }
    return *this;
}

PgSyncConnection::~PgSyncConnection() {
    if (conn_) PQfinish(conn_);
}

PgResult PgSyncConnection::check(PGresult* raw) {
    PgResult result(raw);
    if (!raw) throw PgSyncError(message(PQerrorMessage(conn_)), "");
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY)
        return result;
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    throw PgSyncError(message(PQresultErrorMessage(raw)), state ? state : "");
}

PgResult PgSyncConnection::exec(std::string_view sql) {
    const std::string text(sql);
    return check(PQexec(conn_, text.c_str()));
}

PgResult PgSyncConnection::exec_params(std::string_view sql, const PgParams& params) {
    const std::string text(sql);
    const auto v = params.view();
    return check(PQexecParams(conn_, text.c_str(), static_cast<int>(v.values.size()), nullptr,
                              v.values.data(), v.lengths.data(), v.formats.data(), 0));
}

std::string PgSyncConnection::escape_identifier(std::string_view name) {
    std::unique_ptr<char, decltype(&PQfreemem)> escaped(
        PQescapeIdentifier(conn_, name.data(), name.size()), &PQfreemem);
    if (!escaped) throw PgSyncError("invalid identifier", "");
    return escaped.get();
}

std::string PgSyncConnection::escape_literal(std::string_view value) {
    std::unique_ptr<char, decltype(&PQfreemem)> escaped(
        PQescapeLiteral(conn_, value.data(), value.size()), &PQfreemem);
    if (!escaped) throw PgSyncError("invalid literal", "");
    return escaped.get();
}

}  // namespace wardline::server::storage
