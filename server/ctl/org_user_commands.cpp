// SPDX-License-Identifier: Apache-2.0
// Bootstrap commands until the identity service (issue #3) owns users. They talk to the
// database as its owner role, synchronously, with registry statements and parameters only.
#include "server/ctl/org_user_commands.hpp"

#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/ctl/sync_tx.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"

#include <sodium.h>

#include <functional>
#include <variant>

#include <algorithm>
#include <optional>
#include <ostream>

namespace wardline::server::ctl {
namespace {

// OWASP-minimum-or-better Argon2id, as the server defaults (identity.argon2_*).
constexpr unsigned long long kArgonOps = 2;
constexpr std::size_t kArgonMemory = 64u << 20;

}  // namespace

namespace {

constexpr const char* kUserUsage =
    "usage: wardlinectl user create --org NAME --username U --display-name D --role ROLE "
    "--database-url CONNINFO\n"
    "       wardlinectl user unlock --org NAME --username U --database-url CONNINFO\n"
    "       wardlinectl user reset-mfa --org NAME --username U --database-url CONNINFO\n";

identity::AuditNote operator_note(std::string action, const std::string& org_id, const std::string& user_id) {
    identity::AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = org_id;
    n.actor_kind = "system";
    n.actor_id = "wardlinectl";
    n.target_kind = "user";
    n.target_id = user_id;
    n.details["via"] = "wardlinectl";
    return n;
}

int user_create(const CliArgs& a, std::ostream& out, std::ostream& err) {
    const auto org = a.value("--org");
    const auto username = a.value("--username");
    const auto display = a.value("--display-name");
    const auto role = a.value("--role");
    if (!org || !username || !display || !role) {
        err << kUserUsage;
        return 2;
    }
    static const char* kRoles[] = {"physician", "nurse", "front_desk", "billing", "admin",
                                   "compliance_officer"};
    if (std::find(std::begin(kRoles), std::end(kRoles), *role) == std::end(kRoles)) {
        err << "user create: --role must be one of physician, nurse, front_desk, billing, admin, "
               "compliance_officer\n";
        return 2;
    }
    if (const std::string rule =
            identity::Credentials::check_profile_text(*display, "--display-name", 200, true);
        !rule.empty()) {
        err << "user create: " << rule << '\n';
        return 2;
    }
    const identity::Credentials creds("", kArgonOps, kArgonMemory, "Wardline");
    const auto forms = creds.username_forms(*username);
    if (const auto* rule = std::get_if<std::string>(&forms)) {
        err << "user create: " << *rule << "\n";
        return 2;
    }
    const auto& names = std::get<identity::Credentials::UsernameForms>(forms);
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const std::string password = creds.new_one_time_password();
    const std::string hash = creds.hash_password(password);
    bool taken = false;
    const bool ok = in_transaction(*conn, [&] {
        const storage::PgParams params{*org, *username, names.canonical, names.skeleton, *display, hash};
        const auto r = run(*conn, "insert_user", params, err);
        if (!r) return false;
        if (r->rows() == 0) {
            taken = true;
            return false;
        }
        const std::string user_id(r->text_or_throw(0, 0));
        const std::string org_id(r->text_or_throw(0, 1));
        const storage::PgParams roles{user_id, org_id, "{" + *role + "}"};
        if (!run(*conn, "user_roles_add", roles, err)) return false;
        auto note = operator_note("user.create", org_id, user_id);
        note.details["roles"] = nlohmann::json::array({*role});
        return identity::write_audit_sync(*conn, std::move(note));
    }, err);
    if (taken) {
        err << "user create: no such organization, or the username (or one that looks like it) is taken\n";
        return 3;
    }
    if (!ok) return 1;
    out << "user created: " << *username << " (" << *role << ")\n"
        << "one-time password (shown once; must be changed at first login): " << password << "\n";
    return 0;
}

/// user unlock / user reset-mfa: one statement on the named user, audited.
int user_fix(const CliArgs& a, const std::string& what, std::ostream& out, std::ostream& err) {
    const auto org = a.value("--org");
    const auto username = a.value("--username");
    if (!org || !username) {
        err << kUserUsage;
        return 2;
    }
    const identity::Credentials creds("", kArgonOps, kArgonMemory, "Wardline");
    const auto canonical = creds.canonical_username(*username);
    if (!canonical) {
        err << "user " << what << ": not a valid username\n";
        return 2;
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    bool missing = false;
    const bool ok = in_transaction(*conn, [&] {
        const storage::PgParams who{*org, *canonical};
        const auto found = run(*conn, "user_by_name", who, err);
        if (!found) return false;
        if (found->rows() != 1) {
            missing = true;
            return false;
        }
        const std::string user_id(found->text_or_throw(0, 0));
        const std::string org_id(found->text_or_throw(0, 1));
        const storage::PgParams target{org_id, user_id};
        if (what == "unlock") {
            if (!run(*conn, "user_unlock", target, err)) return false;
            return identity::write_audit_sync(*conn, operator_note("user.unlock", org_id, user_id));
        }
        if (!run(*conn, "user_reset_mfa", target, err)) return false;
        const storage::PgParams user{user_id};
        if (!run(*conn, "recovery_codes_clear", user, err)) return false;
        const storage::PgParams end{user_id, "credentials_reset"};
        storage::PgParams end_all = end;
        end_all.null();
        if (!run(*conn, "sessions_end_for_user", end_all, err)) return false;
        auto note = operator_note("user.reset_mfa", org_id, user_id);
        note.high_severity = true;
        return identity::write_audit_sync(*conn, std::move(note));
    }, err);
    if (missing) {
        err << "user " << what << ": no such user in that organization\n";
        return 3;
    }
    if (!ok) return 1;
    out << (what == "unlock" ? "user unlocked: " : "MFA reset (the next login enrolls again): ") << *username << "\n";
    return 0;
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
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    std::string org_id;
    const bool ok = in_transaction(*conn, [&] {
        const storage::PgParams params{*name};
        const auto r = run(*conn, "insert_organization", params, err);
        if (!r) return false;
        if (r->rows() == 0) return true;  // exists already: nothing to record
        org_id = std::string(r->text_or_throw(0, 0));
        identity::AuditNote n = operator_note("org.create", org_id, "");
        n.target_kind = "organization";
        n.target_id = org_id;
        return identity::write_audit_sync(*conn, std::move(n));
    }, err);
    if (!ok) return 1;
    if (org_id.empty()) {
        out << "organization already exists\n";
        return 0;
    }
    out << "organization created: " << org_id << "\n";
    return 0;
}

int run_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CliArgs a(args);
    if (sodium_init() < 0) {
        err << "user: libsodium failed to initialise\n";
        return 1;
    }
    const auto verb = a.positional(0);
    if (verb == "create") return user_create(a, out, err);
    if (verb == "unlock") return user_fix(a, "unlock", out, err);
    if (verb == "reset-mfa") return user_fix(a, "reset-mfa", out, err);
    err << kUserUsage;
    return 2;
}

}  // namespace wardline::server::ctl
