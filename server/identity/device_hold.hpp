// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the events about a device (issue #7: device.quarantined, device.released, device.wipe)
// change what a connection of that device may do and receive. The administrator's request
// changes the database and sends the event to the device's connections on every node
// (SessionRegistry::notify_device); each connection applies it to its own BoundSession here,
// so the next request is judged by authz::allowed_under_hold() without a database round trip.
#include "server/authz/request_policy.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wardline::server::identity {

/// The hold after `event` reached a connection whose device was under `current`; nullopt when
/// the event is not about the device's hold. A wipe order outranks quarantine and release.
std::optional<authz::DeviceHold> hold_after_event(std::string_view event,
                                                  authz::DeviceHold current) noexcept;

/// Whether `event` is pushed to a connection whose device is under `hold`: a held device gets
/// only the events about its own hold (no message.new, welcome.new or anything else).
bool pushed_under_hold(std::string_view event, authz::DeviceHold hold) noexcept;

/// The event that tells a device about its hold ("device.quarantined" or "device.wipe"), or
/// "" for none.
std::string_view event_for_hold(authz::DeviceHold hold) noexcept;

/// The body of every device.* event: {"device_id": ...}.
nlohmann::json device_event_body(const std::string& device_id);

}  // namespace wardline::server::identity
