// SPDX-License-Identifier: Apache-2.0
// Bootstrap commands until the identity service (issue #3) owns users. They talk to the
// database as its owner role, synchronously, with parameters only.
#include "server/ctl/org_user_commands.hpp"

#include "server/ctl/cli_args.hpp"

#include <libpq-fe.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>
#include <ostream>

namespace wardline::server::ctl {
namespace {

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, PgConnDeleter>;
using Res = std::unique_ptr<PGresult, PgResultDeleter>;

/// Connects with conninfo from --database-url and the password from WARDLINE_DB_PASSWORD or
/// --password-file. Errors name no secret.
Conn connect(const CliArgs& a, std::ostream& err) {
    const auto url = a.value("--database-url");
    if (!url) {
        err << "missing --database-url CONNINFO (without password)\n";
        return nullptr;
    }
    auto password = password_from(a, "--password-file", "WARDLINE_DB_PASSWORD", err);
    if (!password) return nullptr;
    const char* keys[] = {"dbname", "password", nullptr};
    const char* values[] = {url->c_str(), password->empty() ? nullptr : password->c_str(), nullptr};
    Conn conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        err << "cannot connect to the database (check --database-url and the password)\n";
        return nullptr;
    }
    return conn;
}

Res exec(PGconn* c, const char* sql, std::initializer_list<const char*> params) {
    std::vector<const char*> p(params);
    return Res(PQexecParams(c, sql, static_cast<int>(p.size()), nullptr, p.data(), nullptr, nullptr, 0));
}

std::string one_time_password() {
    // 20 characters from an alphabet without look-alikes: about 100 bits.
    static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string out;
    for (int i = 0; i < 20; ++i) {
        if (i > 0 && i % 5 == 0) out += '-';
        out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    }
    return out;
}

}  // namespace

int run_org(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CliArgs a(args);
    if (a.positional(0) != "create") {
        err << "usage: wardlinectl org create --name NAME --database-url CONNINFO\n";
        return 2;
    }
    const auto name = a.value("--name");
    if (!name || name->empty() || name->size() > 200) {
        err << "org create: --name is required (1..200 characters)\n";
        return 2;
    }
    auto conn = connect(a, err);
    if (!conn) return 1;
    auto r = exec(conn.get(),
                  "INSERT INTO organizations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING "
                  "RETURNING id",
                  {name->c_str()});
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
        err << "org create: failed (" << PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) << ")\n";
        return 1;
    }
    if (PQntuples(r.get()) == 0) {
        out << "organization already exists\n";
        return 0;
    }
    out << "organization created: " << PQgetvalue(r.get(), 0, 0) << "\n";
    return 0;
}

int run_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CliArgs a(args);
    const auto org = a.value("--org");
    const auto username = a.value("--username");
    const auto display = a.value("--display-name");
    const auto role = a.value("--role");
    if (a.positional(0) != "create" || !org || !username || !display || !role) {
        err << "usage: wardlinectl user create --org NAME --username U --display-name D "
               "--role ROLE --database-url CONNINFO\n";
        return 2;
    }
    static const char* kRoles[] = {"physician", "nurse", "front_desk", "billing", "admin",
                                   "compliance_officer"};
    if (std::find(std::begin(kRoles), std::end(kRoles), *role) == std::end(kRoles)) {
        err << "user create: --role must be one of physician, nurse, front_desk, billing, admin, "
               "compliance_officer\n";
        return 2;
    }
    if (username->empty() || username->size() > 64 || display->empty() || display->size() > 200) {
        err << "user create: --username must be 1..64 and --display-name 1..200 characters\n";
        return 2;
    }
    if (sodium_init() < 0) {
        err << "user create: libsodium failed to initialise\n";
        return 1;
    }
    auto conn = connect(a, err);
    if (!conn) return 1;
    const std::string password = one_time_password();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.c_str(), password.size(), crypto_pwhash_OPSLIMIT_MODERATE,
                          crypto_pwhash_MEMLIMIT_MODERATE) != 0) {
        err << "user create: out of memory while hashing\n";
        return 1;
    }
    auto r = exec(conn.get(),
                  "INSERT INTO users (org_id, username, display_name, role, password_hash) "
                  "SELECT id, lower($2), $3, $4, $5 FROM organizations WHERE name = $1 "
                  "ON CONFLICT (org_id, username) DO NOTHING RETURNING id",
                  {org->c_str(), username->c_str(), display->c_str(), role->c_str(), hash});
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
        err << "user create: failed (" << PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) << ")\n";
        return 1;
    }
    if (PQntuples(r.get()) == 0) {
        err << "user create: no such organization, or the username is taken\n";
        return 3;
    }
    out << "user created: " << *username << " (" << *role << ")\n"
        << "one-time password (shown once; must be changed at first login): " << password << "\n";
    return 0;
}

}  // namespace wardline::server::ctl
