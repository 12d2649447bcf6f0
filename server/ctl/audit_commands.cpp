// SPDX-License-Identifier: Apache-2.0
// The audit trail from the shell (issue #3): verify the chain and its signed checkpoints,
// sign a checkpoint, export a time range with its proofs and verify an export offline.
#include "server/ctl/audit_commands.hpp"

#include "server/audit/audit_store.hpp"
#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/storage/pg_sync.hpp"

#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

namespace wardline::server::ctl {
namespace {

constexpr const char* kUsage =
    "usage: wardlinectl audit keygen --out FILE\n"
    "       wardlinectl audit verify --public-key FILE --database-url CONNINFO\n"
    "       wardlinectl audit checkpoint --signing-key FILE --database-url CONNINFO\n"
    "       wardlinectl audit export --from TIME --to TIME --out FILE --database-url CONNINFO\n"
    "       wardlinectl audit verify-export FILE --public-key FILE\n"
    "TIME is ISO 8601, e.g. 2026-11-23T00:00:00Z. Exit 0: verified; 1: tampering found or error.\n";

std::optional<audit::PublicKey> public_key(const CliArgs& a, std::ostream& err) {
    const auto path = a.value("--public-key");
    if (!path) {
        err << kUsage;
        return std::nullopt;
    }
    std::ifstream in(*path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto key = audit::parse_public_key(text);
    if (!key) err << "audit: --public-key must name a file holding the base64 Ed25519 public key\n";
    return key;
}

int report(const audit::VerifyResult& r, std::ostream& out, std::ostream& err) {
    (r.ok ? out : err) << r.summary() << "\n";
    return r.ok ? 0 : 1;
}

}  // namespace

int run_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CliArgs a(args);
    const auto verb = a.positional(0);
    try {
        if (verb == "keygen") {
            const auto path = a.value("--out");
            if (!path) {
                err << kUsage;
                return 2;
            }
            const auto key = audit::SigningKey::write_new(*path);
            const std::string pub_path = *path + ".pub";
            std::ofstream(pub_path) << audit::public_key_text(key.public_key()) << "\n";
            out << "wrote the signing key " << *path << " (keep it secret) and the public key " << pub_path
                << "\nkey id " << audit::key_id(key.public_key()) << "\n";
            return 0;
        }
        if (verb == "verify-export") {
            const auto file = a.positional(1);
            auto key = public_key(a, err);
            if (file.empty() || !key) return 2;
            std::ifstream in(file);
            if (!in) {
                err << "audit verify-export: cannot read " << file << "\n";
                return 2;
            }
            return report(audit::verify_export(in, *key), out, err);
        }
        if (verb == "verify") {
            auto key = public_key(a, err);
            if (!key) return 2;
            auto conn = connect_owner(a, err);
            if (!conn) return 1;
            return report(audit::verify_database(*conn, *key), out, err);
        }
        if (verb == "checkpoint") {
            const auto path = a.value("--signing-key");
            if (!path) {
                err << kUsage;
                return 2;
            }
            const auto key = audit::SigningKey::load(*path, "--signing-key");
            auto conn = connect_owner(a, err);
            if (!conn) return 1;
            const auto seq = audit::checkpoint_now(*conn, key);
            out << (seq == 0 ? std::string("the audit trail is empty") : "checkpoint at record " + std::to_string(seq)) << "\n";
            return 0;
        }
        if (verb == "export") {
            const auto from = a.value("--from");
            const auto to = a.value("--to");
            const auto path = a.value("--out");
            if (!from || !to || !path) {
                err << kUsage;
                return 2;
            }
            auto conn = connect_owner(a, err);
            if (!conn) return 1;
            std::ostringstream buffer;
            std::int64_t n = 0;
            try {
                n = audit::export_range(*conn, *from, *to, buffer);
            } catch (const storage::PgSyncError& e) {
                if (e.sqlstate().rfind("22", 0) == 0) {
                    err << "audit export: --from and --to must be times like 2026-11-23T00:00:00Z\n";
                    return 2;
                }
                throw;
            }
            std::ofstream file(*path);
            file << buffer.str();
            if (!file) {
                err << "audit export: cannot write " << *path << "\n";
                return 1;
            }
            out << "exported " << n << " records to " << *path << "\n";
            return 0;
        }
    } catch (const storage::PgSyncError& e) {
        err << "audit " << verb << ": database error (SQLSTATE " << (e.sqlstate().empty() ? "none" : e.sqlstate()) << ")\n";
        return 1;
    } catch (const std::runtime_error& e) {
        err << "audit " << verb << ": " << e.what() << "\n";
        return 1;
    }
    err << kUsage;
    return 2;
}

}  // namespace wardline::server::ctl
