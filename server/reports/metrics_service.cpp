// SPDX-License-Identifier: Apache-2.0
#include "server/reports/metrics_service.hpp"

#include "server/identity/audit_bridge.hpp"
#include "server/reports/metrics_request.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <variant>

namespace wardline::server::reports {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

/// The report's statement says "none" with null (a median of nothing); the protocol leaves
/// such fields out.
void drop_nulls(json& value) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end();) {
            if (it->is_null()) {
                it = value.erase(it);
            } else {
                drop_nulls(*it);
                ++it;
            }
        }
    } else if (value.is_array()) {
        for (auto& item : value) drop_nulls(item);
    }
}

}  // namespace

asio::awaitable<Outcome> MetricsService::handle(std::string type, json body,
                                                identity::ConnectionAuth& auth) {
    if (type != "reports.metrics")
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    const identity::BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    const auto checked = check_metrics_request(
        body.at("from").get<std::string>(), body.at("to").get<std::string>(),
        body.value("unit", std::string()), body.value("time_zone", std::string("UTC")));
    if (const auto* problem = std::get_if<std::string>(&checked))
        co_return Failure{Errc::bad_request, *problem};
    const MetricsRequest request = std::get<MetricsRequest>(checked);

    storage::PgParams zone{request.time_zone};
    auto asking = pool_.query(storage::statement("time_zone_known"), std::move(zone));
    auto known = co_await std::move(asking);
    if (!known || known->rows() != 1) co_return Failure{Errc::unavailable, "database unavailable"};
    if (!known->boolean(0, 0))
        co_return Failure{Errc::bad_request, "time_zone is not a time zone this server knows"};

    auto lease = co_await pool_.acquire();
    if (!lease) co_return Failure{Errc::unavailable, "database unavailable"};
    json report;
    const storage::PgParams params = metrics_params(caller.org_id, request);
    auto work = [&](storage::PgLease& l) -> asio::awaitable<Result<void>> {
        auto r = co_await l.query(storage::statement("metrics_report"), params);
        if (!r) co_return r.error();
        report = json::parse(r->text_or_throw(0, 0));
        auto note = identity::caller_note(caller, "reports.metrics", "", "", source);
        note.details["from"] = request.first_day;
        note.details["to"] = request.last_day;
        note.details["time_zone"] = request.time_zone;
        if (!request.unit.empty()) note.details["unit"] = request.unit;
        auto writing = identity::write_audit(l, std::move(note));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return Failure{Errc::unavailable, "database unavailable"};
    drop_nulls(report);
    report["from"] = request.first_day;
    report["to"] = request.last_day;
    report["time_zone"] = request.time_zone;
    report["unit"] = request.unit;
    co_return report;
}

}  // namespace wardline::server::reports
