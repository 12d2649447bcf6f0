// SPDX-License-Identifier: Apache-2.0
#include "server/identity/device_hold.hpp"

#include <nlohmann/json.hpp>

namespace wardline::server::identity {

using authz::DeviceHold;

std::optional<DeviceHold> hold_after_event(std::string_view event, DeviceHold current) noexcept {
    if (event == "device.wipe") return DeviceHold::wipe_pending;
    if (current == DeviceHold::wipe_pending) {
        if (event == "device.quarantined" || event == "device.released") return current;
        return std::nullopt;
    }
    if (event == "device.quarantined") return DeviceHold::quarantined;
    if (event == "device.released") return DeviceHold::none;
    return std::nullopt;
}

bool pushed_under_hold(std::string_view event, DeviceHold hold) noexcept {
    if (hold == DeviceHold::none) return true;
    return event == "device.quarantined" || event == "device.released" || event == "device.wipe";
}

std::string_view event_for_hold(DeviceHold hold) noexcept {
    switch (hold) {
        case DeviceHold::none:
            return "";
        case DeviceHold::quarantined:
            return "device.quarantined";
        case DeviceHold::wipe_pending:
            return "device.wipe";
    }
    return "";
}

nlohmann::json device_event_body(const std::string& device_id) {
    return nlohmann::json{{"device_id", device_id}};
}

}  // namespace wardline::server::identity
