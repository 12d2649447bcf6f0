// SPDX-License-Identifier: Apache-2.0
#include "server/storage/db_roles.hpp"

#include "server/storage/pg_errors.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace wardline::server::storage {
namespace {

bool role_exists(PgSyncConnection& c, std::string_view role) {
    return c.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", PgParams{role}).rows() > 0;
}

// `PASSWORD '<SCRAM verifier>'` for role `role`.
std::string password_clause(PgSyncConnection& c, std::string_view role,
                            std::string_view password) {
    const std::string r(role);
    const std::string p(password);
    std::unique_ptr<char, decltype(&PQfreemem)> verifier(
        PQencryptPasswordConn(c.get(), p.c_str(), r.c_str(), "scram-sha-256"), &PQfreemem);
    if (!verifier) throw PgSyncError("cannot compute the password verifier for a role", "");
    return " PASSWORD " + c.escape_literal(verifier.get());
}

void require(std::string_view value, const char* what) {
    if (value.empty()) throw std::invalid_argument(std::string(what) + " must not be empty");
}

}  // namespace

void bootstrap_roles(PgSyncConnection& su, std::string_view owner_role,
                     std::string_view owner_password, std::string_view runtime_role,
                     std::string_view runtime_password, std::string_view database) {
    require(owner_role, "owner role");
    require(owner_password, "owner password");
    require(runtime_role, "runtime role");
    require(runtime_password, "runtime password");
    require(database, "database");
    if (owner_role == runtime_role || owner_role == kRuntimeGroupRole ||
        runtime_role == kRuntimeGroupRole)
        throw std::invalid_argument("owner, runtime and wardline_runtime must be three roles");

    const std::string group = su.escape_identifier(kRuntimeGroupRole);
    const std::string owner = su.escape_identifier(owner_role);
    const std::string runtime = su.escape_identifier(runtime_role);
    const std::string db = su.escape_identifier(database);
    try {
        if (!role_exists(su, kRuntimeGroupRole)) su.exec("CREATE ROLE " + group + " NOLOGIN");

        const std::string owner_attrs = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" +
                                        password_clause(su, owner_role, owner_password);
        su.exec((role_exists(su, owner_role) ? "ALTER ROLE " : "CREATE ROLE ") + owner +
                owner_attrs);

        const std::string runtime_attrs = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT" +
                                          password_clause(su, runtime_role, runtime_password);
        su.exec((role_exists(su, runtime_role) ? "ALTER ROLE " : "CREATE ROLE ") + runtime +
                runtime_attrs);
        su.exec("GRANT " + group + " TO " + runtime);

        const bool db_exists =
            su.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", PgParams{database})
                .rows() > 0;
        if (!db_exists)
            su.exec("CREATE DATABASE " + db + " OWNER " + owner +
                    " ENCODING 'UTF8' TEMPLATE template0");
        else
            su.exec("ALTER DATABASE " + db + " OWNER TO " + owner);
        su.exec("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
        su.exec("GRANT CONNECT ON DATABASE " + db + " TO " + group);
    } catch (const PgSyncError& e) {
        // Defence in depth: the statements carry verifiers, not passwords, but never let a
        // password through in an error either.
        throw PgSyncError(redact(redact(e.what(), owner_password), runtime_password),
                          e.sqlstate());
    }
}

}  // namespace wardline::server::storage
