// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a request handler produces. Shared by the dispatcher and the services it routes to.
#include "common/core/errc.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace wardline::server {

/// An error code with a message that is safe to send and to log (ids and rules only, never
/// request content).
struct Failure {
    Errc code;
    std::string message;
};
using Outcome = std::variant<nlohmann::json, Failure>;

}  // namespace wardline::server
