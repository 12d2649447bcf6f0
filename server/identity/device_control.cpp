// SPDX-License-Identifier: Apache-2.0
#include "server/identity/device_control.hpp"

#include "server/identity/admin_sql.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/device_hold.hpp"
#include "server/identity/identity_sql.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <optional>

namespace wardline::server::identity {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoSuchDevice{Errc::not_found, "no such live device in your organization"};

storage::Statement device_sql(std::string_view name) {
    return storage::statement(name);
}

AuditNote device_note(const BoundSession& caller, std::string action, std::string outcome,
                      const std::string& device_id, const std::string& source) {
    AuditNote n = caller_note(caller, std::move(action), "device", device_id, source);
    n.outcome = std::move(outcome);
    n.details["caller_device_id"] = caller.device_id;
    return n;
}
/// What the device looked like, locked, before a change.
struct DeviceFacts {
    std::string user_id;
    bool quarantined = false;
    bool wipe_requested = false;
    bool wiped = false;
    bool revoked = false;
};

/// Why a change does not apply to the device as it is; nullopt if it does.
std::optional<Failure> refusal_for(std::string_view type, const DeviceFacts& d) {
    if (d.revoked || d.wiped) return kNoSuchDevice;
    if (type == "devices.quarantine") {
        if (d.wipe_requested)
            return Failure{Errc::conflict, "the device was ordered to wipe already"};
        if (d.quarantined) return Failure{Errc::conflict, "the device is quarantined already"};
    } else if (type == "devices.release") {
        if (!d.quarantined) return Failure{Errc::conflict, "the device is not quarantined"};
    } else if (type == "devices.wipe") {
        if (d.wipe_requested)
            return Failure{Errc::conflict, "the device was ordered to wipe already"};
    }
    return std::nullopt;
}

}  // namespace

DeviceControl::DeviceControl(storage::PgPool& pool, SessionRegistry& sessions)
    : pool_(pool), sessions_(sessions) {}

bool DeviceControl::handles(std::string_view type) noexcept {
    return type == "devices.quarantine" || type == "devices.release" || type == "devices.wipe" ||
           type == "devices.confirm_wipe";
}

boost::asio::awaitable<Outcome> DeviceControl::handle(std::string type, json body,
                                                      BoundSession caller, std::string source) {
    if (type == "devices.confirm_wipe") {
        auto confirming = confirm_wipe(std::move(body), std::move(caller), std::move(source));
        co_return co_await std::move(confirming);
    }
    auto changing = change(std::move(type), std::move(body), std::move(caller), std::move(source));
    co_return co_await std::move(changing);
}

boost::asio::awaitable<Outcome> DeviceControl::change(std::string type, json body,
                                                      BoundSession caller, std::string source) {
    const std::string device_id = body.at("device_id").get<std::string>();
    std::optional<std::string> reason;
    if (auto it = body.find("reason"); it != body.end() && it->is_string())
        reason = it->get<std::string>();
    const std::string action = type == "devices.quarantine" ? "device.quarantine"
                               : type == "devices.release"  ? "device.release"
                                                            : "device.wipe";
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        PgParams find{caller.org_id, device_id};
        auto found = co_await l.query(device_sql("device_control_get"), std::move(find));
        if (!found) co_return found.error();
        AuditNote n = device_note(caller, action, "success", device_id, source);
        if (found->rows() != 1) {
            // Unknown, or another organization's: the same answer, audited as a denial.
            refusal = kNoSuchDevice;
            n.outcome = "denied";
            n.details["reason"] = "not_found";
            auto writing = write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        DeviceFacts d{std::string(found->text_or_throw(0, 0)), found->boolean(0, 1),
                      found->boolean(0, 2), found->boolean(0, 3), found->boolean(0, 4)};
        n.details["user_id"] = d.user_id;
        if ((refusal = refusal_for(type, d))) {
            n.outcome = "failure";
            n.details["reason"] =
                refusal->code == Errc::not_found ? "device_ended" : refusal->message;
            auto writing = write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        PgParams params{device_id};
        storage::Statement statement = device_sql("device_wipe_request");
        if (type == "devices.quarantine") {
            statement = device_sql("device_quarantine_set");
            params.optional_text(reason);
            // The reason is for administrators (users.devices); the trail says only that there was
            // one.
            n.details["reason_given"] = reason.has_value();
        } else if (type == "devices.release") {
            statement = device_sql("device_quarantine_clear");
        }
        auto changed = co_await l.query(statement, std::move(params));
        if (!changed) co_return changed.error();
        n.high_severity = type != "devices.release";
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    const std::string event = type == "devices.quarantine" ? "device.quarantined"
                              : type == "devices.release"  ? "device.released"
                                                           : "device.wipe";
    // Every node: this one's connections now, the others' through the relay.
    const std::size_t told =
        sessions_.notify_device(device_id, event, device_event_body(device_id));
    if (type == "devices.wipe" && told > 0) {
        auto recording = wipe_delivered(caller.org_id, device_id, told);
        co_await std::move(recording);
    }
    co_return json::object();
}

boost::asio::awaitable<void> DeviceControl::wipe_delivered(std::string org_id,
                                                           std::string device_id,
                                                           std::size_t connections) {
    auto lease = co_await pool_.acquire();
    if (!lease) co_return;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{device_id};
        auto marked = co_await l.query(device_sql("device_wipe_delivered"), std::move(params));
        if (!marked) co_return marked.error();
        if (marked->rows() != 1) co_return Result<void>{};
        AuditNote n;
        n.action = "device.wipe_delivered";
        n.outcome = "success";
        n.org_id = org_id;
        n.actor_kind = "system";
        n.target_kind = "device";
        n.target_id = device_id;
        n.details["user_id"] = std::string(marked->text_or_throw(0, 0));
        n.details["live_connections"] = connections;
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    // A failure here loses only the delivery record: the order itself is committed, and the
    // device gets it again at its next login.
    co_await storage::with_transaction(*lease, work);
    lease->release();
}

boost::asio::awaitable<Outcome> DeviceControl::confirm_wipe(json body, BoundSession caller,
                                                            std::string source) {
    const std::string device_id = body.at("device_id").get<std::string>();
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        AuditNote n = device_note(caller, "device.wipe_confirm", "success", device_id, source);
        n.actor_kind = "device";
        n.actor_id = caller.device_id;
        n.details["user_id"] = caller.user_id;
        if (device_id != caller.device_id) {
            // Only the device itself can say it has erased its data.
            refusal = Failure{Errc::forbidden, "only the device itself can confirm its wipe"};
            n.outcome = "denied";
            n.details["reason"] = "not_own_device";
            auto writing = write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        PgParams params{device_id};
        auto confirmed = co_await l.query(device_sql("device_wipe_confirm"), std::move(params));
        if (!confirmed) co_return confirmed.error();
        if (confirmed->rows() != 1) {
            refusal = Failure{Errc::conflict, "no wipe was ordered for this device"};
            n.outcome = "failure";
            n.details["reason"] = "no_wipe_ordered";
            auto writing = write_audit(l, std::move(n));
            co_return co_await std::move(writing);
        }
        PgParams end{device_id, std::string(to_string(EndReason::device_revoked))};
        auto ended = co_await l.query(sql::sessions_end_for_device(), std::move(end));
        if (!ended) co_return ended.error();
        n.details["sessions_ended"] = ended->rows();
        PgParams drop{device_id};
        auto dropped =
            co_await l.query(admin_sql::key_packages_delete_for_device(), std::move(drop));
        if (!dropped) co_return dropped.error();
        n.high_severity = true;
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    if (refusal) co_return *refusal;
    // Revoked now: its sessions end everywhere, and the removal sweeper proposes the Remove of
    // its leaves in every group (server/messaging/removal_sweeper.hpp).
    sessions_.end_device(device_id, EndReason::device_revoked);
    co_return json::object();
}

boost::asio::awaitable<Result<authz::DeviceHold>> record_device_login(PgLease& lease,
                                                                      std::string org_id,
                                                                      std::string user_id,
                                                                      std::string device_id,
                                                                      std::string source) {
    PgParams params{device_id, source};
    auto recorded = co_await lease.query(sql::device_address_set(), std::move(params));
    if (!recorded) co_return recorded.error();
    if (recorded->rows() != 1) co_return authz::DeviceHold::none;
    if (!recorded->boolean(0, 1))
        co_return recorded->boolean(0, 0) ? authz::DeviceHold::quarantined
                                          : authz::DeviceHold::none;
    PgParams mark{device_id};
    auto marked = co_await lease.query(device_sql("device_wipe_delivered"), std::move(mark));
    if (!marked) co_return marked.error();
    if (marked->rows() == 1) {
        AuditNote n;
        n.action = "device.wipe_delivered";
        n.outcome = "success";
        n.org_id = org_id;
        n.actor_kind = "system";
        n.target_kind = "device";
        n.target_id = device_id;
        n.source_address = source;
        n.details["user_id"] = user_id;
        n.details["at"] = "authentication";
        auto writing = write_audit(lease, std::move(n));
        auto written = co_await std::move(writing);
        if (!written) co_return written.error();
    }
    co_return authz::DeviceHold::wipe_pending;
}

}  // namespace wardline::server::identity
