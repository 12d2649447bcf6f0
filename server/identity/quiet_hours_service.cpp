// SPDX-License-Identifier: Apache-2.0
#include "server/identity/quiet_hours_service.hpp"

#include "server/identity/audit_bridge.hpp"
#include "server/identity/notification_settings.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

namespace wardline::server::identity {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kUnknownZone{Errc::bad_request,
                           "time_zone: not a time zone name this server knows (use an IANA name "
                           "such as Europe/Berlin)"};

}  // namespace

asio::awaitable<Outcome> QuietHoursService::handle(std::string type, json body,
                                                   ConnectionAuth& auth) {
    // Copies: the session may end while the handlers wait.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "account.quiet_hours.get")
        work = get(caller);
    else if (type == "account.quiet_hours.set")
        work = set(std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> QuietHoursService::get(BoundSession caller) {
    PgParams params{caller.user_id};
    auto reading = pool_.query(storage::statement("quiet_hours_get"), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    if (r->rows() == 0) co_return json{{"quiet_hours", default_quiet_hours()}};
    co_return json{{"quiet_hours", quiet_hours_json(*r, 0, 0)}};
}

asio::awaitable<Outcome> QuietHoursService::set(json body, BoundSession caller,
                                                std::string source) {
    // The schema checked types and ranges; what it cannot say is checked here.
    const bool enabled = body.at("enabled").get<bool>();
    const std::int64_t start = body.at("start_minute").get<std::int64_t>();
    const std::int64_t end = body.at("end_minute").get<std::int64_t>();
    const std::string zone = body.at("time_zone").get<std::string>();
    if (start == end)
        co_return Failure{Errc::bad_request, "start_minute and end_minute must differ"};
    if (!plausible_time_zone_name(zone)) co_return kUnknownZone;
    PgParams zone_params{zone};
    auto checking = pool_.query(storage::statement("time_zone_known"), std::move(zone_params));
    auto known = co_await std::move(checking);
    if (!known || known->rows() != 1) co_return kUnavailable;
    if (!known->boolean(0, 0)) co_return kUnknownZone;

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json out;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.user_id};
        params.boolean(enabled).integer(start).integer(end).text(zone);
        auto storing = l.query(storage::statement("quiet_hours_set"), std::move(params));
        auto r = co_await std::move(storing);
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::internal;
        out = json{{"quiet_hours", quiet_hours_json(*r, 0, 0)}};
        AuditNote n =
            caller_note(caller, "account.quiet_hours_change", "user", caller.user_id, source);
        n.details["enabled"] = enabled;
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    co_return out;
}

}  // namespace wardline::server::identity
