// SPDX-License-Identifier: Apache-2.0
// wardlinectl: administration from the shell. Secrets come from environment variables or
// files, never from the command line (which other users can read in /proc).
#include "server/ctl/audit_commands.hpp"
#include "server/ctl/key_commands.hpp"
#include "server/ctl/migrate_command.hpp"
#include "server/ctl/oncall_commands.hpp"
#include "server/ctl/device_commands.hpp"
#include "server/ctl/org_user_commands.hpp"
#include "server/ctl/report_command.hpp"
#include "server/ctl/retention_commands.hpp"
#include "server/identity/credentials.hpp"
#include "server/net/self_signed_cert.hpp"



#include <iostream>
#include <string>
#include <vector>

namespace {

void usage(std::ostream& out) {
    out << "usage: wardlinectl COMMAND ...\n"
           "  migrate [--status] [--dir DIR] --database-url CONNINFO   apply or list migrations "
           "(owner role)\n"
           "  db-bootstrap --admin-url CONNINFO --database NAME --owner ROLE --runtime ROLE\n"
           "                                   create the roles and the database (superuser)\n"
           "  org create --name NAME --database-url CONNINFO\n"
           "  user create --org NAME --username U --display-name D --role ROLE --database-url "
           "CONNINFO\n"
           "  user unlock --org NAME --username U --database-url CONNINFO\n"
           "  user reset-mfa --org NAME --username U --database-url CONNINFO\n"
           "  devices list --org NAME --user USERNAME --database-url CONNINFO\n"
           "  devices quarantine|release|wipe|revoke DEVICE_ID --org NAME [--reason TEXT] "
           "--database-url CONNINFO\n"
           "                                   device control (docs/admin-guide.md)\n"
           "  retention run [--dry-run] [--batch-size N] --database-url CONNINFO   delete "
           "expired messages now\n"
           "  retention policies [--org NAME] --database-url CONNINFO   list retention policies\n"
           "  report --org NAME [--from DAY] [--to DAY] [--unit UNIT] [--time-zone TZ] [--json]\n"
           "         --database-url CONNINFO   activity metrics (docs/admin-guide.md)\n"
           "  oncall import --org NAME FILE.csv   add on-call shifts (docs/oncall.md), all or "
           "nothing\n"
           "  audit keygen|verify|checkpoint|export|verify-export ...   the audit trail (audit "
           "--help)\n"
           "  keys create --out FILE          new sealing keyring (identity.sealing_keyring_file)\n"
           "  keys rotate --file FILE         add a key that seals from now on; old keys still "
           "open\n"
           "  keys status --file FILE --database-url CONNINFO   rows sealed under each key\n"
           "  keys reseal --file FILE [--batch N] --database-url CONNINFO   re-seal under the "
           "newest\n"
           "  keys retire --file FILE --key-id ID --database-url CONNINFO   drop an unused key\n"
           "  keys shred --file FILE --keep-days N --database-url CONNINFO   crypto-shred keys "
           "whose period ended over N days ago\n"
           "  (keyring create|rotate: older names of keys create|rotate)\n"
           "  tls self-signed --cert FILE --key FILE [--name HOST]...   development certificate\n"
           "  tls fingerprint --cert FILE                              SHA-256 fingerprint for "
           "pinning\n"
           "  version\n"
           "Passwords: WARDLINE_DB_PASSWORD (or --password-file FILE); db-bootstrap also reads\n"
           "WARDLINE_DB_OWNER_PASSWORD. CONNINFO is a libpq connection string without password.\n";
}

int run_tls(const std::vector<std::string>& args) {
    using namespace wardline::server;
    std::string sub = args.empty() ? "" : args[0];
    std::string cert, key;
    std::vector<std::string> names;
    for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--cert") cert = args[i + 1];
        else if (args[i] == "--key") key = args[i + 1];
        else if (args[i] == "--name") names.push_back(args[i + 1]);
        else {
            std::cerr << "tls: unknown option " << args[i] << "\n";
            return 2;
        }
    }
    try {
        if (sub == "self-signed" && !cert.empty() && !key.empty()) {
            if (names.empty()) names = {"localhost", "127.0.0.1", "::1"};
            write_self_signed_certificate(cert, key, names, 825);
            std::cout << "wrote " << cert << " and " << key << "\nSHA-256 fingerprint: "
                      << certificate_sha256_fingerprint(cert) << "\n";
            return 0;
        }
        if (sub == "fingerprint" && !cert.empty()) {
            std::cout << certificate_sha256_fingerprint(cert) << "\n";
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "tls: " << e.what() << "\n";
        return 1;
    }
    usage(std::cerr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    namespace ctl = wardline::server::ctl;
    if (command == "migrate") return ctl::run_migrate(args, std::cout, std::cerr);
    if (command == "db-bootstrap") return ctl::run_db_bootstrap(args, std::cout, std::cerr);
    if (command == "org") return ctl::run_org(args, std::cout, std::cerr);
    if (command == "user") return ctl::run_user(args, std::cout, std::cerr);
    if (command == "devices") return ctl::run_devices(args, std::cout, std::cerr);
    if (command == "retention") return ctl::run_retention_command(args, std::cout, std::cerr);
    if (command == "report") return ctl::run_report_command(args, std::cout, std::cerr);
    if (command == "tls") return run_tls(args);
    if (command == "keys" || command == "keyring") return ctl::run_keys(args, std::cout, std::cerr);
    if (command == "audit") return ctl::run_audit(args, std::cout, std::cerr);
    if (command == "oncall") return ctl::run_oncall(args, std::cout, std::cerr);
    if (command == "version") {
        std::cout << "wardlinectl " << WARDLINE_VERSION << "\n";
        return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        usage(std::cout);
        return 0;
    }
    std::cerr << "wardlinectl: unknown command '" << command << "'\n";
    usage(std::cerr);
    return 2;
}
