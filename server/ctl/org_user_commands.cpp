// SPDX-License-Identifier: Apache-2.0
// Bootstrap commands until the identity service (issue #3) owns users. They talk to the
// database as its owner role, synchronously, with registry statements and parameters only.
#include "server/ctl/org_user_commands.hpp"

#include "server/ctl/cli_args.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <ostream>

namespace wardline::server::ctl {
namespace {

/// Connects as the conninfo from --database-url says, with the password from
/// WARDLINE_DB_PASSWORD or --password-file. A password inside the conninfo or in a plain flag
/// is refused. Errors name no secret.
std::optional<storage::PgSyncConnection> connect(const CliArgs& a, std::ostream& err) {
    if (a.has_plain_password_flag()) {
        err << "passwords are not taken on the command line; use WARDLINE_DB_PASSWORD or "
               "--password-file\n";
        return std::nullopt;
    }
    const auto url = a.value("--database-url");
    if (!url) {
        err << "missing --database-url CONNINFO (without password)\n";
        return std::nullopt;
    }
    auto password = password_from(a, "--password-file", "WARDLINE_DB_PASSWORD", err);
    if (!password) return std::nullopt;
    try {
        return storage::PgSyncConnection::connect(*url, *password);
    } catch (const std::invalid_argument& e) {
        err << e.what() << "\n";
    } catch (const storage::PgSyncError&) {
        err << "cannot connect to the database (check --database-url and the password)\n";
    }
    return std::nullopt;
}

/// Runs a registry statement; on failure prints its SQLSTATE (never parameters).
std::optional<storage::PgResult> run(storage::PgSyncConnection& conn, std::string_view name,
                                     const storage::PgParams& params, std::ostream& err) {
    try {
        return conn.exec_params(storage::statement(name).sql, params);
    } catch (const storage::PgSyncError& e) {
        err << name << " failed (SQLSTATE " << (e.sqlstate().empty() ? "none" : e.sqlstate())
            << ")\n";
        return std::nullopt;
    }
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
    const storage::PgParams params{*name};
    const auto r = run(*conn, "insert_organization", params, err);
    if (!r) return 1;
    if (r->rows() == 0) {
        out << "organization already exists\n";
        return 0;
    }
    out << "organization created: " << r->text_or_throw(0, 0) << "\n";
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
    const storage::PgParams params{*org, *username, *display, *role, std::string(hash)};
    const auto r = run(*conn, "insert_user", params, err);
    if (!r) return 1;
    if (r->rows() == 0) {
        err << "user create: no such organization, or the username is taken\n";
        return 3;
    }
    out << "user created: " << *username << " (" << *role << ")\n"
        << "one-time password (shown once; must be changed at first login): " << password << "\n";
    return 0;
}

}  // namespace wardline::server::ctl
