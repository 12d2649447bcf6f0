// SPDX-License-Identifier: Apache-2.0
// Protocol::decode_request(): the strict decoder for client frames. Every refusal names a field
// and a rule; no value from the frame is ever copied into a message.
#include "common/proto/json_reader.hpp"
#include "common/proto/protocol.hpp"
#include "common/proto/protocol_p.hpp"
#include "common/proto/schema_validator.hpp"
#include "common/proto/text.hpp"

namespace wardline::proto {
namespace {

using nlohmann::json;

/// Longest request id, in characters (all printable ASCII, so also in bytes).
constexpr std::size_t kMaxIdLength = 64;

DecodeError refuse(std::string message, std::optional<std::string> id = std::nullopt,
                   Errc code = Errc::bad_request) {
    return DecodeError{code, std::move(message), std::move(id)};
}

/// Reads the id; on failure returns the message (the id is then not readable).
std::optional<std::string> check_id(const json& frame) {
    const auto it = frame.find("id");
    if (it == frame.end()) return "id: required field is missing";
    if (!it->is_string()) return "id: must be a string";
    const auto& id = it->get_ref<const std::string&>();
    if (id.empty() || id.size() > kMaxIdLength)
        return "id: must be 1 to " + std::to_string(kMaxIdLength) + " characters";
    if (!is_printable_ascii(id)) return "id: must be printable ASCII";
    return std::nullopt;
}

}  // namespace

std::variant<Request, DecodeError> Protocol::decode_request(std::string_view frame) const {
    try {
        json parsed;
        if (auto error = read_json(frame, parsed)) return refuse(std::move(*error));
        if (!parsed.is_object()) return refuse("frame: must be a JSON object");
        if (auto error = check_id(parsed)) return refuse(std::move(*error));
        auto id = parsed["id"].get<std::string>();

        for (const auto& item : parsed.items()) {
            const auto& key = item.key();
            if (key != "id" && key != "type" && key != "body")
                return refuse("frame: unknown field (allowed: id, type, body)", id);
        }
        const auto type = parsed.find("type");
        if (type == parsed.end()) return refuse("type: required field is missing", id);
        if (!type->is_string()) return refuse("type: must be a string", id);
        // The unknown type itself is not echoed: it is client text like any other value.
        const auto* spec = request(type->get_ref<const std::string&>());
        if (spec == nullptr) return refuse("type: unknown request type", id, Errc::unknown_type);

        json body = json::object();
        if (const auto it = parsed.find("body"); it != parsed.end()) {
            if (!it->is_object()) return refuse("body: must be an object", id);
            body = std::move(*it);
        }
        if (auto error = validate(*spec->body_schema, body, "body"))
            return refuse(std::move(*error), id);
        return Request{std::move(id), spec->type, std::move(body)};
    } catch (const json::exception&) {
        // Not reachable with the checks above; kept so that no frame can throw out of here.
        return refuse("frame: could not be decoded");
    }
}

}  // namespace wardline::proto
