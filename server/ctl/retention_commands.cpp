// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/retention_commands.hpp"

#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/ctl/sync_tx.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/relayed_event.hpp"
#include "server/retention/retention_job.hpp"

#include <sodium.h>

#include <chrono>
#include <map>
#include <ostream>
#include <thread>

namespace wardline::server::ctl {
namespace {

using nlohmann::json;
using retention::ExpiredConversation;
using retention::RunOptions;
using retention::RunReport;

constexpr const char* kUsage =
    "usage: wardlinectl retention run [--dry-run] [--batch-size N] --database-url CONNINFO\n"
    "       wardlinectl retention policies [--org NAME] --database-url CONNINFO\n";

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void add(std::map<std::string, ExpiredConversation>& tally, const storage::PgResult& r, int i,
         std::int64_t count, std::int64_t seq) {
    auto& c = tally[std::string(r.text_or_throw(i, 0))];
    c.conversation_id = std::string(r.text_or_throw(i, 0));
    c.org_id = std::string(r.text_or_throw(i, 1));
    c.count += count;
    c.up_to_seq = std::max(c.up_to_seq, seq);
}

/// Deletes (or counts) under the lock; fills the report. False on a database error.
bool work_locked(storage::PgSyncConnection& conn, const RunOptions& options, RunReport& report,
                 std::ostream& err) {
    storage::PgParams start;
    start.integer(options.as_of_ms).text(options.runner).boolean(options.dry_run);
    const auto started = run(conn, "retention_run_start", start, err);
    if (!started) return false;
    report.run_id = started->int64(0, 0);
    std::map<std::string, ExpiredConversation> tally;
    if (options.dry_run) {
        storage::PgParams p;
        p.integer(options.as_of_ms);
        const auto r = run(conn, "retention_due_counts", p, err);
        if (!r) return false;
        for (int i = 0; i < r->rows(); ++i) add(tally, *r, i, r->int64(i, 2), r->int64(i, 3));
    } else {
        for (;;) {
            int deleted = 0;
            std::map<std::string, ExpiredConversation> batch;
            const bool ok = in_transaction(
                conn,
                [&] {
                    storage::PgParams p;
                    p.integer(options.as_of_ms).integer(options.batch_size);
                    const auto r = run(conn, "retention_delete_batch", p, err);
                    if (!r) return false;
                    deleted = r->rows();
                    for (int i = 0; i < r->rows(); ++i) add(batch, *r, i, 1, r->int64(i, 2));
                    return true;
                },
                err);
            if (!ok) return false;
            for (auto& [id, c] : batch) {
                auto& t = tally[id];
                t.conversation_id = id;
                t.org_id = c.org_id;
                t.count += c.count;
                t.up_to_seq = std::max(t.up_to_seq, c.up_to_seq);
            }
            if (deleted > 0) ++report.batches;
            if (deleted < options.batch_size) break;
            std::this_thread::sleep_for(options.pause);
        }
    }
    for (auto& [id, c] : tally) {
        report.total += c.count;
        report.conversations.push_back(std::move(c));
    }
    return in_transaction(
        conn,
        [&] {
            storage::PgParams finish;
            finish.integer(report.run_id).integer(report.total);
            if (!run(conn, "retention_run_finish", finish, err)) return false;
            const auto orgs_r = run(conn, "retention_orgs_with_duration", {}, err);
            if (!orgs_r) return false;
            std::set<std::string> orgs;
            for (int i = 0; i < orgs_r->rows(); ++i) orgs.emplace(orgs_r->text_or_throw(i, 0));
            for (auto& n : retention::run_audit_notes(options, report, std::move(orgs)))
                if (!identity::write_audit_sync(conn, std::move(n))) return false;
            if (options.dry_run || report.conversations.empty()) return true;
            // Tell the members' devices on every server process.
            std::string ids = "{";
            std::map<std::string, const ExpiredConversation*> by_id;
            for (const auto& c : report.conversations) {
                if (ids.size() > 1) ids += ',';
                ids += c.conversation_id;
                by_id[c.conversation_id] = &c;
            }
            ids += '}';
            const storage::PgParams conversations{ids};
            const auto members = run(conn, "retention_members_of", conversations, err);
            if (!members) return false;
            for (int i = 0; i < members->rows(); ++i) {
                identity::RelayedEvent e;
                e.kind = identity::RelayedEvent::Kind::notify_user;
                e.target = std::string(members->text_or_throw(i, 1));
                e.event = "messages.expired";
                e.body = retention::expired_event_body(
                    *by_id.at(std::string(members->text_or_throw(i, 0))));
                if (!relay(conn, e, err)) return false;
            }
            return true;
        },
        err);
}

int run_job(const CliArgs& a, std::ostream& out, std::ostream& err) {
    RunOptions options;
    options.as_of_ms = now_ms();
    options.dry_run = a.flag("--dry-run");
    options.runner = "wardlinectl";
    if (const auto batch = a.value("--batch-size")) {
        try {
            std::size_t used = 0;
            const long n = std::stol(*batch, &used);
            if (used != batch->size() || n < 1 || n > 100000) throw std::out_of_range("batch");
            options.batch_size = static_cast<int>(n);
        } catch (const std::exception&) {
            err << "retention run: --batch-size must be 1 to 100000\n";
            return 2;
        }
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const auto locked = run(*conn, "retention_try_lock", {}, err);
    if (!locked) return 1;
    if (!locked->boolean(0, 0)) {
        err << "retention run: another run is in progress (a server's job or wardlinectl)\n";
        return 3;
    }
    RunReport report;
    const bool ok = work_locked(*conn, options, report, err);
    run(*conn, "retention_unlock", {}, err);
    if (!ok) return 1;
    out << "retention " << (options.dry_run ? "dry run " : "run ") << report.run_id << ": "
        << report.total << " message(s) " << (options.dry_run ? "would be deleted" : "deleted")
        << " in " << report.conversations.size() << " conversation(s)\n";
    for (const auto& c : report.conversations)
        out << c.conversation_id << "\t" << c.count << "\t" << c.up_to_seq << "\n";
    return 0;
}

int list_policies(const CliArgs& a, std::ostream& out, std::ostream& err) {
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    storage::PgParams params;
    if (const auto org = a.value("--org")) {
        const storage::PgParams name{*org};
        const auto org_row = run(*conn, "oncall_org_by_name", name, err);
        if (!org_row) return 1;
        if (org_row->rows() != 1) {
            err << "retention policies: no such organization\n";
            return 3;
        }
        params.text(org_row->text_or_throw(0, 0));
    } else {
        params.null();
    }
    const auto r = run(*conn, "retention_policies_list", params, err);
    if (!r) return 1;
    out << "organization\tscope\ttarget\tkeep\n";
    for (int i = 0; i < r->rows(); ++i) {
        const std::string scope(r->text_or_throw(i, 2));
        const std::string target = scope == "kind"           ? std::string(r->text_or_throw(i, 3))
                                   : scope == "conversation" ? std::string(r->text_or_throw(i, 4))
                                                             : "-";
        const std::string keep =
            r->is_null(i, 5) ? "forever" : std::to_string(r->int64(i, 5)) + " days";
        out << r->text_or_throw(i, 1) << "\t" << scope << "\t" << target << "\t" << keep << "\n";
    }
    return 0;
}

}  // namespace

int run_retention_command(const std::vector<std::string>& args, std::ostream& out,
                          std::ostream& err) {
    CliArgs a(args);
    if (sodium_init() < 0) {
        err << "retention: libsodium failed to initialise\n";
        return 1;
    }
    const auto verb = a.positional(0);
    if (verb == "run") return run_job(a, out, err);
    if (verb == "policies") return list_policies(a, out, err);
    err << kUsage;
    return 2;
}

}  // namespace wardline::server::ctl
