// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/device_commands.hpp"

#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/ctl/sync_tx.hpp"
#include "server/identity/admin_service.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/relayed_event.hpp"

#include <sodium.h>

#include <array>
#include <ostream>

namespace wardline::server::ctl {
namespace {

using identity::RelayedEvent;
using nlohmann::json;

constexpr const char* kUsage =
    "usage: wardlinectl devices list --org NAME --user USERNAME --database-url CONNINFO\n"
    "       wardlinectl devices quarantine|release|wipe|revoke DEVICE_ID --org NAME "
    "[--reason TEXT] --database-url CONNINFO\n";

int list(const CliArgs& a, std::ostream& out, std::ostream& err) {
    const auto org = a.value("--org");
    const auto user = a.value("--user");
    if (!org || !user) {
        err << kUsage;
        return 2;
    }
    const identity::Credentials creds("", 2, 64u << 20, "Wardline");
    const auto canonical = creds.canonical_username(*user);
    if (!canonical) {
        err << "devices list: not a valid username\n";
        return 2;
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const storage::PgParams who{*org, *canonical};
    const auto found = run(*conn, "user_by_name", who, err);
    if (!found) return 1;
    if (found->rows() != 1) {
        err << "devices list: no such user in that organization\n";
        return 3;
    }
    const storage::PgParams params{std::string(found->text_or_throw(0, 1)),
                                   std::string(found->text_or_throw(0, 0))};
    const auto devices = run(*conn, "user_devices", params, err);
    if (!devices) return 1;
    out << "DEVICE_ID\tSTATE\tLAST_SEEN_MS\tLAST_ADDRESS\tPLATFORM\tNAME\n";
    for (int i = 0; i < devices->rows(); ++i)
        out << devices->text_or_throw(i, 0) << '\t' << devices->text_or_throw(i, 7) << '\t'
            << devices->int64(i, 4) << '\t' << devices->text_or_throw(i, 6) << '\t'
            << devices->text_or_throw(i, 2) << '\t' << devices->text_or_throw(i, 1) << '\n';
    return 0;
}

int change(const CliArgs& a, const std::string& verb, std::ostream& out, std::ostream& err) {
    const std::string device_id = a.positional(1);
    const auto org = a.value("--org");
    const auto reason = a.value("--reason");
    if (!org || device_id.empty()) {
        err << kUsage;
        return 2;
    }
    if (!identity::is_uuid(device_id)) {
        err << "devices " << verb << ": DEVICE_ID must be a device id (a UUID)\n";
        return 2;
    }
    if (reason && (verb != "quarantine" || reason->empty() || reason->size() > 500)) {
        err << "devices " << verb << ": --reason goes with quarantine only, 1..500 bytes\n";
        return 2;
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    std::string refusal;
    const bool ok = in_transaction(
        *conn,
        [&] {
            const storage::PgParams org_name{*org};
            const auto org_row = run(*conn, "oncall_org_by_name", org_name, err);
            if (!org_row) return false;
            if (org_row->rows() != 1) {
                refusal = "no such organization";
                return false;
            }
            const std::string org_id(org_row->text_or_throw(0, 0));
            const storage::PgParams find{org_id, device_id};
            const auto d = run(*conn, "device_control_get", find, err);
            if (!d) return false;
            if (d->rows() != 1 || d->boolean(0, 3) || d->boolean(0, 4)) {
                refusal = "no such live device in that organization";
                return false;
            }
            const bool quarantined = d->boolean(0, 1);
            const bool wipe_requested = d->boolean(0, 2);
            if ((verb == "quarantine" && (quarantined || wipe_requested)) ||
                (verb == "release" && !quarantined) || (verb == "wipe" && wipe_requested)) {
                refusal = "the device is not in a state this applies to";
                return false;
            }
            identity::AuditNote n;
            n.action = "device." + verb;
            n.outcome = "success";
            n.org_id = org_id;
            n.actor_kind = "system";
            n.actor_id = "wardlinectl";
            n.target_kind = "device";
            n.target_id = device_id;
            n.details["via"] = "wardlinectl";
            n.details["user_id"] = std::string(d->text_or_throw(0, 0));
            n.high_severity = verb != "release";
            RelayedEvent e;
            e.kind = RelayedEvent::Kind::notify_device;
            e.target = device_id;
            e.body = json{{"device_id", device_id}};
            const storage::PgParams id{device_id};
            if (verb == "quarantine") {
                storage::PgParams params{device_id};
                params.optional_text(reason);
                n.details["reason_given"] = reason.has_value();
                if (!run(*conn, "device_quarantine_set", params, err)) return false;
                e.event = "device.quarantined";
            } else if (verb == "release") {
                if (!run(*conn, "device_quarantine_clear", id, err)) return false;
                e.event = "device.released";
            } else if (verb == "wipe") {
                if (!run(*conn, "device_wipe_request", id, err)) return false;
                e.event = "device.wipe";
            } else {
                if (!run(*conn, "device_revoke", find, err)) return false;
                const storage::PgParams end{device_id, "device_revoked"};
                const auto ended = run(*conn, "sessions_end_for_device", end, err);
                if (!ended) return false;
                n.details["sessions_ended"] = ended->rows();
                if (!run(*conn, "key_packages_delete_for_device", id, err)) return false;
                e.kind = RelayedEvent::Kind::end_device;
                e.event.clear();
                e.body = json::object();
                e.reason = identity::EndReason::device_revoked;
            }
            return identity::write_audit_sync(*conn, std::move(n)) && relay(*conn, e, err);
        },
        err);
    if (!refusal.empty()) {
        err << "devices " << verb << ": " << refusal << "\n";
        return 3;
    }
    if (!ok) return 1;
    out << "device " << device_id << ": " << verb << " done\n";
    return 0;
}

}  // namespace

int run_devices(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CliArgs a(args);
    if (sodium_init() < 0) {
        err << "devices: libsodium failed to initialise\n";
        return 1;
    }
    const auto verb = a.positional(0);
    if (verb == "list") return list(a, out, err);
    if (verb == "quarantine" || verb == "release" || verb == "wipe" || verb == "revoke")
        return change(a, verb, out, err);
    err << kUsage;
    return 2;
}

}  // namespace wardline::server::ctl
