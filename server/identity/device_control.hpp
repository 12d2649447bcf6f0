// SPDX-License-Identifier: Apache-2.0
#pragma once
// Device control (issue #7; docs/admin-guide.md "Devices: revoke, quarantine, wipe"):
// devices.quarantine, devices.release and devices.wipe for administrators with devices.manage,
// and devices.confirm_wipe for the device that was ordered to wipe. The dispatcher has checked
// the permission; every lookup here is scoped to the caller's organization, and another
// organization's device answers not_found and is audited as a denial. Each change and its
// audit record commit together; the device's live connections on every node are then told
// with device.quarantined, device.released or device.wipe (SessionRegistry::notify_device),
// and they apply it to their sessions (device_hold.hpp). Revocation itself (devices.revoke)
// stays in AdminService.
#include "server/authz/request_policy.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
class PgLease;
}  // namespace wardline::server::storage

namespace wardline::server::identity {

class SessionRegistry;

class DeviceControl {
public:
    DeviceControl(storage::PgPool& pool, SessionRegistry& sessions);

    /// devices.quarantine, devices.release, devices.wipe, devices.confirm_wipe.
    static bool handles(std::string_view type) noexcept;
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           BoundSession caller, std::string source);

private:
    boost::asio::awaitable<Outcome> change(std::string type, nlohmann::json body,
                                           BoundSession caller, std::string source);
    boost::asio::awaitable<Outcome> confirm_wipe(nlohmann::json body, BoundSession caller,
                                                 std::string source);
    /// Records that the wipe order reached `connections` live connections on this node.
    boost::asio::awaitable<void> wipe_delivered(std::string org_id, std::string device_id,
                                                std::size_t connections);

    storage::PgPool& pool_;
    SessionRegistry& sessions_;
};

/// A login or resume of `device_id` from `source`, inside the caller's transaction: remembers
/// the address and returns what holds the device. When a wipe is pending and this is the first
/// time the order goes out, records its delivery (device.wipe_delivered, audited).
boost::asio::awaitable<Result<authz::DeviceHold>> record_device_login(storage::PgLease& lease,
                                                                      std::string org_id,
                                                                      std::string user_id,
                                                                      std::string device_id,
                                                                      std::string source);

}  // namespace wardline::server::identity
