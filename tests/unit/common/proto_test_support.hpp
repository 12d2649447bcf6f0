// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared helpers of the protocol codec tests.
#include "common/proto/protocol.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

namespace wardline::proto::test {

/// The protocol compiled into the binary, loaded once.
inline const Protocol& embedded() {
    static const Protocol protocol = Protocol::load_embedded();
    return protocol;
}

/// A small protocol whose one request, "test.all", uses every supported schema keyword.
inline const Protocol& keyword_protocol() {
    static const Protocol protocol = Protocol::load(R"({
      "protocol": "test", "version": 7,
      "limits": {"max_things": {"default": 5, "description": "d"}},
      "errors": [{"code": "bad_request", "description": "d"}],
      "events": {"test.event": {"summary": "s", "body": {"type": "object",
          "required": ["n"], "properties": {"n": {"type": "integer"}}}}},
      "requests": {"test.all": {"summary": "s", "auth": "none", "database": false,
        "body": {"type": "object", "additionalProperties": false, "properties": {
          "color": {"type": "string", "enum": ["red", "green"], "description": "d"},
          "tags": {"type": "array", "minItems": 1, "maxItems": 3,
                   "items": {"type": "string", "minLength": 2, "maxLength": 4}},
          "ratio": {"type": "number", "minimum": -1.5, "maximum": 2.5},
          "big": {"type": "integer", "minimum": -9223372036854775808,
                  "maximum": 18446744073709551614},
          "flag": {"type": "boolean"},
          "nothing": {"type": "null"},
          "meta": {"type": "object", "required": ["level"], "properties": {
              "level": {"type": "integer", "minimum": 0, "maximum": 9}}}}},
        "response": {"type": "object"}}}
    })");
    return protocol;
}

/// Decodes `frame`, expecting a refusal; records a failure and returns an internal error if the
/// frame was accepted.
inline DecodeError refused(const Protocol& protocol, std::string_view frame) {
    auto result = protocol.decode_request(frame);
    if (auto* error = std::get_if<DecodeError>(&result)) return *error;
    ADD_FAILURE() << "frame was accepted: " << frame.substr(0, 200);
    return DecodeError{Errc::internal, "accepted", std::nullopt};
}

inline DecodeError refused(std::string_view frame) { return refused(embedded(), frame); }

/// Decodes `frame`, expecting acceptance.
inline Request accepted(const Protocol& protocol, std::string_view frame) {
    auto result = protocol.decode_request(frame);
    if (auto* request = std::get_if<Request>(&result)) return std::move(*request);
    ADD_FAILURE() << "frame was refused (" << std::get<DecodeError>(result).message
                  << "): " << frame.substr(0, 200);
    return Request{};
}

inline Request accepted(std::string_view frame) { return accepted(embedded(), frame); }

}  // namespace wardline::proto::test
