// SPDX-License-Identifier: Apache-2.0
#pragma once
// Encoders for the frames the server sends: responses and events (see "envelope" in
// proto/wardline.schema.json). Output is compact JSON text, one frame each.
#include "common/core/errc.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wardline::proto {

struct DecodeError;

/// {"id":id,"status":"ok","body":body}. Throws nlohmann::json::type_error if `body` holds a
/// string that is not valid UTF-8: the caller built it, so that is a server bug.
std::string encode_ok(std::string_view id, const nlohmann::json& body);

/// {"id":id|null,"status":"error","error":{"code":to_code(code),"message":message}}. The id is
/// null when the request had no readable id. Invalid UTF-8 is replaced (U+FFFD), never thrown:
/// encoding an error must not fail.
std::string encode_error(const std::optional<std::string>& id, Errc code, std::string_view message);

/// encode_error() of a refused frame.
std::string encode_error(const DecodeError& error);

/// {"event":event,"seq":seq,"body":body}. Throws like encode_ok().
std::string encode_event(std::string_view event, std::uint64_t seq, const nlohmann::json& body);

}  // namespace wardline::proto
