// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/migrate_command.hpp"

#include "server/storage/db_roles.hpp"
#include "server/storage/migrator.hpp"
#include "server/storage/pg_sync.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace wardline::server::ctl {
namespace storage = wardline::server::storage;
namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Parsed {
    std::map<std::string, std::string> values;
    std::set<std::string> flags;
};

// Accepts `--name value` and `--name=value` for `with_value`, bare `--name` for `flags`.
Parsed parse(const std::vector<std::string>& args, const char* command,
             const std::set<std::string>& with_value, const std::set<std::string>& flags) {
    Parsed p;
    std::size_t i = (!args.empty() && args[0] == command) ? 1 : 0;
    for (; i < args.size(); ++i) {
        std::string word = args[i];
        std::optional<std::string> inline_value;
        if (auto eq = word.find('='); word.starts_with("--") && eq != std::string::npos) {
            inline_value = word.substr(eq + 1);
            word = word.substr(0, eq);
        }
        if (word.find("password") != std::string::npos && !word.ends_with("-file"))
            throw UsageError("passwords are not accepted on the command line (other users can "
                             "see them in the process list); use the environment variable or "
                             "a --*-password-file");
        if (flags.contains(word) && !inline_value) {
            p.flags.insert(word);
        } else if (with_value.contains(word)) {
            if (inline_value) {
                p.values[word] = *inline_value;
            } else {
                if (i + 1 >= args.size()) throw UsageError(word + " needs a value");
                p.values[word] = args[++i];
            }
        } else {
            throw UsageError("unknown argument: " + word);
        }
    }
    return p;
}

std::string read_secret_file(const std::string& path, std::ostream& err) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        err << "warning: password file " << path
            << " is readable by other users; chmod 600 it\n";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read password file " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string secret = buffer.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
}

// The password from `file_option` if given, else from `env`; "" if neither.
std::string password_from(const Parsed& p, const std::string& file_option, const char* env,
                          std::ostream& err) {
    if (auto it = p.values.find(file_option); it != p.values.end())
        return read_secret_file(it->second, err);
    if (const char* value = std::getenv(env)) return value;
    return {};
}

std::string required(const Parsed& p, const std::string& option) {
    auto it = p.values.find(option);
    if (it == p.values.end() || it->second.empty()) throw UsageError(option + " is required");
    return it->second;
}

constexpr const char* kMigrateUsage =
    "usage: wardlinectl migrate [--status] [--dir DIR] --database-url CONNINFO "
    "[--password-file FILE]\n"
    "  password: WARDLINE_DB_PASSWORD or --password-file (never in CONNINFO)\n";

constexpr const char* kBootstrapUsage =
    "usage: wardlinectl db-bootstrap --admin-url CONNINFO --database NAME --owner NAME "
    "--runtime NAME\n"
    "  [--admin-password-file F] [--owner-password-file F] [--runtime-password-file F]\n"
    "  passwords: WARDLINE_DB_ADMIN_PASSWORD (optional), WARDLINE_DB_OWNER_PASSWORD, "
    "WARDLINE_DB_PASSWORD\n";

}  // namespace

int run_migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        const Parsed p = parse(args, "migrate", {"--dir", "--database-url", "--password-file"},
                               {"--status", "--help"});
        if (p.flags.contains("--help")) {
            out << kMigrateUsage;
            return kOk;
        }
        const std::string conninfo = required(p, "--database-url");
        const std::string password =
            password_from(p, "--password-file", "WARDLINE_DB_PASSWORD", err);
        auto migrations = p.values.contains("--dir")
                              ? storage::load_migrations(p.values.at("--dir"))
                              : storage::embedded_migrations();
        auto conn = storage::PgSyncConnection::connect(conninfo, password);
        storage::Migrator migrator(conn, std::move(migrations));
        if (p.flags.contains("--status")) {
            const auto rows = migrator.status();
            out << storage::format_status(rows);
            if (!storage::status_consistent(rows)) {
                err << "error: the database does not match this binary's migrations "
                       "(see CHANGED / UNKNOWN above)\n";
                return kFailed;
            }
            return kOk;
        }
        const int applied = migrator.migrate(&out);
        const auto rows = migrator.status();
        out << (applied == 0 ? "database already up to date" : "database migrated")
            << " at version " << (rows.empty() ? 0 : rows.back().version) << "\n";
        return kOk;
    } catch (const UsageError& e) {
        err << "error: " << e.what() << "\n" << kMigrateUsage;
        return kUsage;
    } catch (const std::invalid_argument& e) {  // conninfo refused
        err << "error: " << e.what() << "\n";
        return kUsage;
    } catch (const std::exception& e) {  // MigrationError, PgSyncError
        err << "error: " << e.what() << "\n";
        return kFailed;
    }
}

int run_db_bootstrap(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err) {
    try {
        const Parsed p = parse(args, "db-bootstrap",
                               {"--admin-url", "--database", "--owner", "--runtime",
                                "--admin-password-file", "--owner-password-file",
                                "--runtime-password-file"},
                               {"--help"});
        if (p.flags.contains("--help")) {
            out << kBootstrapUsage;
            return kOk;
        }
        const std::string admin_url = required(p, "--admin-url");
        const std::string database = required(p, "--database");
        const std::string owner = required(p, "--owner");
        const std::string runtime = required(p, "--runtime");
        const std::string admin_password =
            password_from(p, "--admin-password-file", "WARDLINE_DB_ADMIN_PASSWORD", err);
        const std::string owner_password =
            password_from(p, "--owner-password-file", "WARDLINE_DB_OWNER_PASSWORD", err);
        const std::string runtime_password =
            password_from(p, "--runtime-password-file", "WARDLINE_DB_PASSWORD", err);
        if (owner_password.empty())
            throw UsageError("the owner password is required: WARDLINE_DB_OWNER_PASSWORD or "
                             "--owner-password-file");
        if (runtime_password.empty())
            throw UsageError("the runtime password is required: WARDLINE_DB_PASSWORD or "
                             "--runtime-password-file");
        auto conn = storage::PgSyncConnection::connect(admin_url, admin_password);
        storage::bootstrap_roles(conn, owner, owner_password, runtime, runtime_password,
                                 database);
        out << "roles " << storage::kRuntimeGroupRole << ", " << owner << ", " << runtime
            << " and database " << database << " are ready\n";
        return kOk;
    } catch (const UsageError& e) {
        err << "error: " << e.what() << "\n" << kBootstrapUsage;
        return kUsage;
    } catch (const std::invalid_argument& e) {
        err << "error: " << e.what() << "\n";
        return kUsage;
    } catch (const std::exception& e) {
        err << "error: " << e.what() << "\n";
        return kFailed;
    }
}

}  // namespace wardline::server::ctl
