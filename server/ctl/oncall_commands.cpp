// SPDX-License-Identifier: Apache-2.0
// wardlinectl oncall import: the same statements and rules as oncall.shifts.add
// (server/clinical), run synchronously as the database owner in one transaction.
#include "server/ctl/oncall_commands.hpp"

#include "server/clinical/oncall_csv.hpp"
#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace wardline::server::ctl {
namespace {

constexpr const char* kUsage =
    "usage: wardlinectl oncall import --org NAME FILE.csv --database-url CONNINFO\n"
    "  FILE.csv: header team,username,start,end,role; times ISO 8601 UTC "
    "(2026-11-23T08:00:00Z); role primary|backup\n";

using clinical::CsvProblem;
using clinical::CsvShift;
using storage::PgParams;
using storage::PgResult;
using storage::PgSyncConnection;

PgResult exec(PgSyncConnection& conn, std::string_view name, const PgParams& params) {
    return conn.exec_params(storage::statement(name).sql, params);
}

/// What one import did, or the lines it refused.
struct ImportResult {
    std::vector<CsvProblem> problems;
    std::int64_t teams_created = 0;
    std::int64_t shifts_added = 0;
};

/// Adds one shift inside the open transaction; a refusal becomes a problem of its line.
void import_shift(PgSyncConnection& conn, const std::string& org_id, const CsvShift& shift,
                  const identity::Credentials& creds, std::map<std::string, std::string>& teams,
                  ImportResult& result) {
    const auto canonical = creds.canonical_username(shift.username);
    std::optional<PgResult> user;
    if (canonical) {
        const PgParams who{org_id, *canonical};
        user = exec(conn, "oncall_shift_user_by_name", who);
    }
    if (!user || user->rows() != 1) {
        result.problems.push_back(
            {shift.line, "unknown user: no such username in the organization"});
        return;
    }
    const std::string user_id(user->text_or_throw(0, 0));
    if (user->text_or_throw(0, 1) != "active") {
        result.problems.push_back({shift.line, "the user is not active (" +
                                                   std::string(user->text_or_throw(0, 1)) + ")"});
        return;
    }
    // Teams by name, ignoring case, as the unique index compares them.
    std::string key = shift.team;
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto team = teams.find(key);
    if (team == teams.end()) {
        const PgParams name{org_id, shift.team};
        auto found = exec(conn, "oncall_team_by_name", name);
        if (found.rows() == 0) {
            found = exec(conn, "oncall_team_insert", name);
            if (found.rows() != 1) throw std::runtime_error("team insert returned no row");
            ++result.teams_created;
        }
        team = teams.emplace(key, std::string(found.text_or_throw(0, 0))).first;
    }
    const std::string& team_id = team->second;
    const PgParams lock{org_id, team_id};
    exec(conn, "oncall_team_lock", lock);
    PgParams overlap{team_id, user_id, shift.role};
    overlap.integer(shift.times.start).integer(shift.times.end);
    const auto clash = exec(conn, "oncall_shift_conflict", overlap);
    if (clash.rows() > 0) {
        result.problems.push_back(
            {shift.line, clash.boolean(0, 1)
                             ? "the user has an overlapping shift in this team"
                             : "overlapping primary: the team has a primary shift at that time"});
        return;
    }
    PgParams row{org_id, team_id, user_id, shift.role};
    row.integer(shift.times.start).integer(shift.times.end);
    exec(conn, "oncall_shift_insert", row);
    ++result.shifts_added;
}

int oncall_import(const CliArgs& a, std::ostream& out, std::ostream& err) {
    const auto org = a.value("--org");
    const std::string path = a.positional(1);
    if (!org || org->empty() || path.empty()) {
        err << kUsage;
        return 2;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        err << "oncall import: cannot read " << path << "\n";
        return 2;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    if (text.size() > clinical::kMaxCsvBytes) {
        err << "oncall import: the file is larger than 1 MiB; split it\n";
        return 2;
    }
    const auto schedule = clinical::parse_oncall_csv(text);
    ImportResult result;
    result.problems = schedule.problems;

    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    bool unknown_org = false;
    try {
        conn->exec("BEGIN");
        const PgParams name{*org};
        const auto found = exec(*conn, "oncall_org_by_name", name);
        if (found.rows() != 1) {
            unknown_org = true;
        } else {
            const std::string org_id(found.text_or_throw(0, 0));
            const identity::Credentials creds("", 2, 64u << 20, "Wardline");
            std::map<std::string, std::string> teams;
            for (const auto& shift : schedule.shifts)
                import_shift(*conn, org_id, shift, creds, teams, result);
            if (result.problems.empty()) {
                identity::AuditNote n;
                n.action = "oncall.import";
                n.outcome = "success";
                n.org_id = org_id;
                n.actor_kind = "system";
                n.actor_id = "wardlinectl";
                n.target_kind = "organization";
                n.target_id = org_id;
                n.details["via"] = "wardlinectl";
                n.details["teams_created"] = result.teams_created;
                n.details["shifts_added"] = result.shifts_added;
                if (!identity::write_audit_sync(*conn, std::move(n)))
                    throw storage::PgSyncError("audit record not written", "");
            }
        }
        if (unknown_org || !result.problems.empty()) {
            conn->exec("ROLLBACK");
        } else {
            conn->exec("COMMIT");
        }
    } catch (const std::exception& e) {
        const auto* pg = dynamic_cast<const storage::PgSyncError*>(&e);
        err << "oncall import: transaction failed (SQLSTATE "
            << (pg && !pg->sqlstate().empty() ? pg->sqlstate() : std::string("none"))
            << "); nothing was imported\n";
        try {
            conn->exec("ROLLBACK");
        } catch (const storage::PgSyncError&) {
        }
        return 1;
    }
    if (unknown_org) {
        err << "oncall import: no such organization\n";
        return 3;
    }
    if (!result.problems.empty()) {
        auto problems = result.problems;
        std::stable_sort(problems.begin(), problems.end(),
                         [](const CsvProblem& x, const CsvProblem& y) { return x.line < y.line; });
        for (const auto& p : problems) err << path << ":" << p.line << ": " << p.message << "\n";
        err << "oncall import: " << problems.size() << " bad line(s); nothing was imported\n";
        return 3;
    }
    out << "imported " << result.shifts_added << " shift(s); created " << result.teams_created
        << " team(s)\n";
    return 0;
}

}  // namespace

int run_oncall(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const CliArgs a(args);
    if (a.positional(0) == "import") return oncall_import(a, out, err);
    err << kUsage;
    return 2;
}

}  // namespace wardline::server::ctl
