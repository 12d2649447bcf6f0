// SPDX-License-Identifier: Apache-2.0
// Order in every handler: (session and permission checked by the dispatcher) validate, act and
// audit in one transaction, respond. Coroutine arguments are built as named locals before
// co_await (GCC 12, CONTRIBUTING.md).
#include "server/clinical/oncall_service.hpp"

#include "server/clinical/clinical_sql.hpp"
#include "server/clinical/iso_time.hpp"
#include "server/clinical/service_support.hpp"
#include "server/clinical/shift_rules.hpp"
#include "server/identity/admin_service.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>
#include <optional>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
using identity::AuditNote;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kNoSuchTeam{Errc::not_found, "no such on-call team in your organization"};
const Failure kNoSuchUser{Errc::not_found, "no such user in your organization"};
const Failure kNoSuchShift{Errc::not_found, "no such shift in your organization"};

/// A malformed id is bad input (bad_request); a well-formed unknown one is not_found.
Failure not_an_id(const char* field) {
    return Failure{Errc::bad_request, std::string(field) + " must be a UUID"};
}

}  // namespace

OncallService::OncallService(storage::PgPool& pool) : pool_(pool) {}

asio::awaitable<Outcome> OncallService::handle(std::string type, json body,
                                               identity::ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy it, since it may end while the handler waits.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "oncall.teams.create")
        work = create_team(std::move(body), caller, source);
    else if (type == "oncall.teams.list")
        work = list_teams(caller);
    else if (type == "oncall.shifts.add")
        work = add_shift(std::move(body), caller, source);
    else if (type == "oncall.shifts.remove")
        work = remove_shift(std::move(body), caller, source);
    else if (type == "oncall.shifts.list")
        work = list_shifts(std::move(body), caller);
    else if (type == "oncall.now")
        work = now(std::move(body), caller);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

// --- oncall.teams.create ------------------------------------------------------------------

asio::awaitable<Outcome> OncallService::create_team(json body, BoundSession caller,
                                                    std::string source) {
    const std::string name = body.at("name").get<std::string>();
    if (const std::string rule = check_team_name(name); !rule.empty())
        co_return Failure{Errc::bad_request, rule};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json team;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        PgParams org{caller.org_id};
        auto counting = l.query(sql::oncall_team_count(), std::move(org));
        auto counted = co_await std::move(counting);
        if (!counted) co_return counted.error();
        if (counted->int64(0, 0) >= kMaxTeams) {
            refusal = Failure{Errc::conflict,
                              "the organization has the most on-call teams "
                              "allowed (500)"};
            co_return Errc::conflict;
        }
        PgParams params{caller.org_id, name};
        auto inserting = l.query(sql::oncall_team_insert(), std::move(params));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        if (inserted->rows() != 1) {
            refusal = Failure{Errc::conflict, "a team of that name exists already"};
            co_return Errc::conflict;
        }
        const std::string id(inserted->text_or_throw(0, 0));
        team = json{{"id", id}, {"name", std::string(inserted->text_or_throw(0, 1))}};
        AuditNote n = caller_note(caller, "oncall.team.create", "oncall_team", id, source);
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) co_return refusal ? *refusal : kUnavailable;
    co_return json{{"team", std::move(team)}};
}

// --- oncall.teams.list --------------------------------------------------------------------

asio::awaitable<Outcome> OncallService::list_teams(BoundSession caller) {
    PgParams params{caller.org_id};
    auto reading = pool_.query(sql::oncall_teams_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json teams = json::array();
    for (int i = 0; i < r->rows(); ++i)
        teams.push_back({{"id", std::string(r->text_or_throw(i, 0))},
                         {"name", std::string(r->text_or_throw(i, 1))}});
    co_return json{{"teams", std::move(teams)}};
}

// --- oncall.shifts.add --------------------------------------------------------------------

asio::awaitable<Outcome> OncallService::add_shift(json body, BoundSession caller,
                                                  std::string source) {
    const std::string team_id = body.at("team_id").get<std::string>();
    const std::string user_id = body.at("user_id").get<std::string>();
    const std::string role = body.at("role").get<std::string>();
    ShiftTimes times;
    if (const std::string rule = check_shift(body.at("start").get<std::string>(),
                                             body.at("end").get<std::string>(), role, times);
        !rule.empty())
        co_return Failure{Errc::bad_request, rule};
    if (!identity::is_uuid(team_id)) co_return not_an_id("team_id");
    if (!identity::is_uuid(user_id)) co_return not_an_id("user_id");

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json shift;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        // The team's row lock serializes the additions of one team (the overlap check below).
        PgParams team{caller.org_id, team_id};
        auto locking = l.query(sql::oncall_team_lock(), std::move(team));
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        if (locked->rows() != 1) {
            refusal = kNoSuchTeam;
            co_return Errc::not_found;
        }
        PgParams who{caller.org_id, user_id};
        auto looking = l.query(sql::oncall_shift_user(), std::move(who));
        auto user = co_await std::move(looking);
        if (!user) co_return user.error();
        if (user->rows() != 1) {
            refusal = kNoSuchUser;
            co_return Errc::not_found;
        }
        const std::string status(user->text_or_throw(0, 0));
        const std::string display_name(user->text_or_throw(0, 1));
        if (status != "active") {
            refusal = Failure{Errc::conflict, "the user is " + status +
                                                  "; only active users "
                                                  "can be scheduled"};
            co_return Errc::conflict;
        }
        PgParams overlap{team_id, user_id, role};
        overlap.integer(times.start).integer(times.end);
        auto checking = l.query(sql::oncall_shift_conflict(), std::move(overlap));
        auto clash = co_await std::move(checking);
        if (!clash) co_return clash.error();
        if (clash->rows() > 0) {
            const std::string other(clash->text_or_throw(0, 0));
            refusal = Failure{Errc::conflict,
                              clash->boolean(0, 1)
                                  ? "the user has an overlapping shift in this team (" + other + ")"
                                  : "the team has an overlapping primary shift (" + other + ")"};
            co_return Errc::conflict;
        }
        PgParams row{caller.org_id, team_id, user_id, role};
        row.integer(times.start).integer(times.end);
        auto inserting = l.query(sql::oncall_shift_insert(), std::move(row));
        auto inserted = co_await std::move(inserting);
        if (!inserted) co_return inserted.error();
        const std::string id(inserted->text_or_throw(0, 0));
        shift = json{{"id", id},
                     {"team_id", team_id},
                     {"user_id", user_id},
                     {"display_name", display_name},
                     {"role", role},
                     {"start", format_utc(times.start)},
                     {"end", format_utc(times.end)}};
        AuditNote n = caller_note(caller, "oncall.shift.add", "oncall_shift", id, source);
        n.details["team_id"] = team_id;
        n.details["user_id"] = user_id;
        n.details["role"] = role;
        n.details["start"] = format_utc(times.start);
        n.details["end"] = format_utc(times.end);
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) co_return refusal ? *refusal : kUnavailable;
    co_return json{{"shift", std::move(shift)}};
}

// --- oncall.shifts.remove -----------------------------------------------------------------

asio::awaitable<Outcome> OncallService::remove_shift(json body, BoundSession caller,
                                                     std::string source) {
    const std::string shift_id = body.at("shift_id").get<std::string>();
    if (!identity::is_uuid(shift_id)) co_return not_an_id("shift_id");
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    bool missing = false;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        missing = false;
        PgParams params{caller.org_id, shift_id};
        auto deleting = l.query(sql::oncall_shift_delete(), std::move(params));
        auto deleted = co_await std::move(deleting);
        if (!deleted) co_return deleted.error();
        if (deleted->rows() != 1) {
            missing = true;
            co_return Errc::not_found;
        }
        AuditNote n = caller_note(caller, "oncall.shift.remove", "oncall_shift", shift_id, source);
        n.details["team_id"] = std::string(deleted->text_or_throw(0, 0));
        n.details["user_id"] = std::string(deleted->text_or_throw(0, 1));
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) co_return missing ? kNoSuchShift : kUnavailable;
    co_return json{{"removed", shift_id}};
}

// --- oncall.shifts.list -------------------------------------------------------------------

asio::awaitable<Outcome> OncallService::list_shifts(json body, BoundSession caller) {
    const std::string team_id = body.at("team_id").get<std::string>();
    const auto from = parse_utc(body.at("from").get<std::string>());
    if (!from) co_return Failure{Errc::bad_request, "from must be an ISO 8601 UTC time"};
    const auto to = parse_utc(body.at("to").get<std::string>());
    if (!to) co_return Failure{Errc::bad_request, "to must be an ISO 8601 UTC time"};
    if (*to <= *from) co_return Failure{Errc::bad_request, "to must be after from"};
    if (*to - *from > kMaxListSeconds)
        co_return Failure{Errc::bad_request, "the window is at most 31 days"};
    if (!identity::is_uuid(team_id)) co_return not_an_id("team_id");

    PgParams team{caller.org_id, team_id};
    auto finding = pool_.query(sql::oncall_team_get(), std::move(team));
    auto found = co_await std::move(finding);
    if (!found) co_return kUnavailable;
    if (found->rows() != 1) co_return kNoSuchTeam;
    PgParams params{caller.org_id, team_id};
    params.integer(*from).integer(*to).integer(kMaxListShifts + 1);
    auto reading = pool_.query(sql::oncall_shifts_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json shifts = json::array();
    const int rows = std::min<int>(r->rows(), kMaxListShifts);
    for (int i = 0; i < rows; ++i)
        shifts.push_back({{"id", std::string(r->text_or_throw(i, 0))},
                          {"team_id", team_id},
                          {"user_id", std::string(r->text_or_throw(i, 1))},
                          {"display_name", std::string(r->text_or_throw(i, 2))},
                          {"role", std::string(r->text_or_throw(i, 3))},
                          {"start", format_utc(r->int64(i, 4))},
                          {"end", format_utc(r->int64(i, 5))}});
    co_return json{{"team", {{"id", team_id}, {"name", std::string(found->text_or_throw(0, 1))}}},
                   {"shifts", std::move(shifts)},
                   {"truncated", r->rows() > kMaxListShifts}};
}

// --- oncall.now ---------------------------------------------------------------------------

asio::awaitable<Outcome> OncallService::now(json body, BoundSession caller) {
    const std::string team_id = body.at("team_id").get<std::string>();
    if (!identity::is_uuid(team_id)) co_return not_an_id("team_id");
    PgParams team{caller.org_id, team_id};
    auto finding = pool_.query(sql::oncall_team_get(), std::move(team));
    auto found = co_await std::move(finding);
    if (!found) co_return kUnavailable;
    if (found->rows() != 1) co_return kNoSuchTeam;
    PgParams params{caller.org_id, team_id};
    auto reading = pool_.query(sql::oncall_now(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json out{{"team", {{"id", team_id}, {"name", std::string(found->text_or_throw(0, 1))}}},
             {"backups", json::array()}};
    for (int i = 0; i < r->rows(); ++i) {
        json person{{"user_id", std::string(r->text_or_throw(i, 0))},
                    {"display_name", std::string(r->text_or_throw(i, 1))},
                    {"until", format_utc(r->int64(i, 3))}};
        if (r->text_or_throw(i, 2) == "primary")
            out["primary"] = std::move(person);
        else
            out["backups"].push_back(std::move(person));
    }
    co_return out;
}

}  // namespace wardline::server::clinical
