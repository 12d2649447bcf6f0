// SPDX-License-Identifier: Apache-2.0
// wardlinectl report: runs the activity metrics statement (reports/metrics_report.sql, shared
// with the reports.metrics request and checked by the same rules) as the owner role, audits
// the run (`reports.metrics`, actor wardlinectl) and prints a table, or the JSON document with
// --json. Metadata only: counts and times, never content.
#include "server/ctl/report_command.hpp"

#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/ctl/sync_tx.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/reports/metrics_request.hpp"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace wardline::server::ctl {
namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: wardlinectl report --org NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--unit UNIT]\n"
    "                          [--time-zone TZ] [--json] --database-url CONNINFO\n"
    "The last 30 days up to today (UTC) unless --from/--to say otherwise; at most 366 days.\n";

std::string day_text(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string seconds(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", it->get<double>());
    return buf;
}

std::string column(const std::string& text, std::size_t width) {
    return text.size() >= width ? text + " " : std::string(width - text.size(), ' ') + text;
}

std::string left(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string number(const json& value) {
    return value.is_number_integer() ? std::to_string(value.get<std::int64_t>()) : value.dump();
}

void print_table(const std::string& org, const json& r, std::ostream& out) {
    out << "Activity metrics of " << org << ", " << r["from"].get<std::string>() << " to "
        << r["to"].get<std::string>() << " (" << r["time_zone"].get<std::string>() << "), unit: "
        << (r["unit"].get<std::string>().empty() ? "all" : r["unit"].get<std::string>()) << "\n\n";
    out << "date        active  messages  routine  urgent  critical  escalations\n";
    for (const auto& d : r["days"]) {
        const auto& p = d["by_priority"];
        out << d["date"].get<std::string>() << column(number(d["active_users"]), 8)
            << column(number(d["messages"]), 10) << column(number(p["routine"]), 9)
            << column(number(p["urgent"]), 8) << column(number(p["critical"]), 10)
            << column(number(d["escalations"]), 13) << "\n";
    }
    out << "\nurgent and critical messages\n";
    for (const char* priority : {"urgent", "critical"}) {
        const auto& s = r["response"][priority];
        out << "  " << priority << ": " << number(s["messages"]) << " sent; read by "
            << number(s["read"]["count"]) << " (median " << seconds(s["read"], "median_s")
            << ", p90 " << seconds(s["read"], "p90_s") << "); acknowledged by "
            << number(s["acknowledged"]["count"]) << " (median "
            << seconds(s["acknowledged"], "median_s") << ", p90 "
            << seconds(s["acknowledged"], "p90_s") << "); escalated "
            << number(s["escalated_messages"]);
        if (s.contains("escalation_rate") && !s["escalation_rate"].is_null())
            out << " (rate " << s["escalation_rate"].dump() << ")";
        out << "\n";
    }
    out << "\nper unit (messages and escalations by the sender's unit, times by the reader's)\n";
    out << "unit                  active  messages  urgent+critical  read median/p90      "
           "ack median/p90       escalations\n";
    for (const auto& u : r["units"]) {
        std::string name = u["unit"].get<std::string>();
        if (name.empty()) name = "(none)";
        if (name.size() > 20) name = name.substr(0, 19) + "~";
        out << name << std::string(20 - std::min<std::size_t>(20, name.size()), ' ')
            << column(number(u["active_users"]), 8) << column(number(u["messages"]), 10)
            << column(number(u["urgent_critical"]), 17) << "  "
            << left(seconds(u, "read_median_s") + "/" + seconds(u, "read_p90_s"), 19) << "  "
            << left(seconds(u, "acknowledged_median_s") + "/" + seconds(u, "acknowledged_p90_s"),
                    19)
            << column(number(u["escalations"]), 13) << "\n";
    }
}

}  // namespace

int run_report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const CliArgs a(args);
    const auto org = a.value("--org");
    bool missing_value = false;
    for (const char* key : {"--from", "--to", "--unit", "--time-zone"})
        if (a.flag(key) && !a.value(key)) missing_value = true;
    if (!a.positional(0).empty() || !org || org->empty() || missing_value) {
        err << kUsage;
        return 2;
    }
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::string to = a.value("--to").value_or(day_text(today));
    const std::string from = a.value("--from").value_or(day_text(today - std::chrono::days{29}));
    const auto checked = reports::check_metrics_request(from, to, a.value("--unit").value_or(""),
                                                        a.value("--time-zone").value_or("UTC"));
    if (const auto* problem = std::get_if<std::string>(&checked)) {
        err << "report: " << *problem << "\n";
        return 2;
    }
    const auto& request = std::get<reports::MetricsRequest>(checked);
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const storage::PgParams zone{request.time_zone};
    const auto known = run(*conn, "time_zone_known", zone, err);
    if (!known) return 1;
    if (!known->boolean(0, 0)) {
        err << "report: --time-zone is not a time zone this database knows\n";
        return 2;
    }
    const storage::PgParams name{*org};
    const auto org_row = run(*conn, "oncall_org_by_name", name, err);
    if (!org_row) return 1;
    if (org_row->rows() != 1) {
        err << "report: no such organization\n";
        return 3;
    }
    const std::string org_id(org_row->text_or_throw(0, 0));
    json report;
    const bool done = in_transaction(
        *conn,
        [&] {
            const auto r =
                run(*conn, "metrics_report", reports::metrics_params(org_id, request), err);
            if (!r) return false;
            report = json::parse(r->text_or_throw(0, 0));
            identity::AuditNote note;
            note.action = "reports.metrics";
            note.outcome = "success";
            note.org_id = org_id;
            note.actor_kind = "system";
            note.actor_id = "wardlinectl";
            note.details = {{"via", "wardlinectl"},
                            {"from", request.first_day},
                            {"to", request.last_day},
                            {"time_zone", request.time_zone}};
            if (!request.unit.empty()) note.details["unit"] = request.unit;
            return identity::write_audit_sync(*conn, std::move(note));
        },
        err);
    if (!done) {
        err << "report: the report could not be made\n";
        return 1;
    }
    report["from"] = request.first_day;
    report["to"] = request.last_day;
    report["time_zone"] = request.time_zone;
    report["unit"] = request.unit;
    if (a.flag("--json"))
        out << report.dump() << "\n";
    else
        print_table(*org, report, out);
    return 0;
}

}  // namespace wardline::server::ctl
