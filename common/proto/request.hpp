// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outcome of decoding one client frame: a request, or the error to answer it with.
// This header includes <nlohmann/json.hpp> because Request holds its body by value.
#include "common/core/errc.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace wardline::proto {

/// A request frame that passed every envelope and body rule of the schema.
struct Request {
    std::string id;       ///< 1 to 64 printable ASCII characters, chosen by the client
    std::string type;     ///< a request type the protocol defines, e.g. "system.ping"
    nlohmann::json body;  ///< an object matching the type's body schema ({} when absent)
};

/// Why a frame was refused. `message` names the field and the rule, never a value, so it may be
/// sent to the client and logged.
struct DecodeError {
    Errc code = Errc::bad_request;  ///< bad_request or unknown_type
    std::string message;            ///< e.g. "body.data: longer than 1024 characters"
    std::optional<std::string> id;  ///< the request's id when it was readable and valid
};

}  // namespace wardline::proto
