// SPDX-License-Identifier: Apache-2.0
#include "common/proto/envelope.hpp"

#include "common/proto/request.hpp"

#include <nlohmann/json.hpp>

namespace wardline::proto {
namespace {

using nlohmann::json;

/// A JSON string literal for `text`; with `lenient`, invalid UTF-8 is replaced instead of thrown.
std::string quoted(std::string_view text, bool lenient = false) {
    const auto handler = lenient ? json::error_handler_t::replace : json::error_handler_t::strict;
    return json(std::string(text)).dump(-1, ' ', false, handler);
}

}  // namespace

// The frames are assembled by hand to keep the envelope keys in protocol order (id first), which
// makes logs and captures easier to read; every piece is produced by json::dump().

std::string encode_ok(std::string_view id, const json& body) {
    return "{\"id\":" + quoted(id) + ",\"status\":\"ok\",\"body\":" + body.dump() + "}";
}

std::string encode_error(const std::optional<std::string>& id, Errc code,
                         std::string_view message) {
    const auto id_text = id ? quoted(*id, true) : std::string("null");
    return "{\"id\":" + id_text +
           ",\"status\":\"error\",\"error\":{\"code\":" + quoted(to_code(code)) +
           ",\"message\":" + quoted(message, true) + "}}";
}

std::string encode_error(const DecodeError& error) {
    return encode_error(error.id, error.code, error.message);
}

std::string encode_event(std::string_view event, std::uint64_t seq, const json& body) {
    return "{\"event\":" + quoted(event) + ",\"seq\":" + std::to_string(seq) +
           ",\"body\":" + body.dump() + "}";
}

}  // namespace wardline::proto
