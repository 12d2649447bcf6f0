// SPDX-License-Identifier: Apache-2.0
#pragma once
// The wire protocol as defined by proto/wardline.schema.json: request and event specs, and the
// strict decoder for client frames.
#include "common/proto/request.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::proto {

/// One request type of the protocol. Pointers refer into Protocol::document() and live as long
/// as any copy of the Protocol they came from.
struct RequestSpec {
    std::string type;                                 ///< e.g. "system.hello"
    std::string summary;                              ///< one-line description
    std::string auth;                                 ///< who may send it, e.g. "none"
    bool needs_database = false;                      ///< handling it uses the database
    const nlohmann::json* body_schema = nullptr;      ///< schema of the request body (an object)
    const nlohmann::json* response_schema = nullptr;  ///< schema of the ok response body
};

/// One server-pushed event of the protocol.
struct EventSpec {
    std::string event;                            ///< e.g. "system.welcome"
    std::string summary;                          ///< one-line description
    const nlohmann::json* body_schema = nullptr;  ///< schema of the event body (an object)
};

/// A loaded, checked protocol schema. Immutable; copies share the document, and all const member
/// functions may be called from any thread at once.
class Protocol {
public:
    /// Parses and checks a schema document. Throws std::runtime_error on a broken schema (invalid
    /// JSON, a missing section, an unsupported schema keyword): this is a start-up failure.
    static Protocol load(std::string_view schema_json);
    /// load() of the schema compiled into the binary (wardline::embedded::protocol_schema()).
    static Protocol load_embedded();

    /// The protocol version ("version").
    int version() const;
    /// The spec of a request type, or nullptr if the protocol does not define it.
    const RequestSpec* request(std::string_view type) const;
    /// The spec of an event, or nullptr if the protocol does not define it.
    const EventSpec* event(std::string_view event) const;
    /// All request types, sorted.
    std::vector<std::string> request_types() const;
    /// All event names, sorted.
    std::vector<std::string> event_types() const;
    /// The error codes of the "errors" array, in schema order.
    std::vector<std::string> error_codes() const;
    /// The default of a named limit from "limits" (e.g. "max_frame_bytes"), nullopt if unknown.
    std::optional<std::int64_t> limit_default(std::string_view name) const;

    /// Strict decode of one text frame. The frame must be a JSON object (at most kMaxJsonDepth
    /// deep, no duplicate keys) with exactly the keys "id", "type" and optionally "body":
    /// - id: a string of 1 to 64 printable ASCII characters (0x20..0x7E);
    /// - type: a request type of this protocol, else the error is unknown_type;
    /// - body: an object (absent means {}) that matches the type's body schema.
    /// Any other failure is bad_request. The error carries the id once it has been read and found
    /// valid. Never throws on any input (only std::bad_alloc could escape).
    std::variant<Request, DecodeError> decode_request(std::string_view frame) const;

    /// Validates a response body the server produced for `type`. Returns nullopt if it matches
    /// the schema, else the violation (or "unknown request type"). For tests and debug checks.
    std::optional<std::string> check_response(std::string_view type,
                                              const nlohmann::json& body) const;
    /// Validates an event body the server produced; like check_response().
    std::optional<std::string> check_event(std::string_view event,
                                           const nlohmann::json& body) const;

    /// The whole schema document (object keys sorted).
    const nlohmann::json& document() const;
    /// The schema text as loaded, e.g. for rendering documentation in the file's own order.
    std::string_view source() const;

private:
    struct Impl;
    explicit Protocol(std::shared_ptr<const Impl> impl);
    static Protocol load_checked(std::string_view schema_json);
    std::shared_ptr<const Impl> impl_;
};

}  // namespace wardline::proto
