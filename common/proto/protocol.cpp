// SPDX-License-Identifier: Apache-2.0
// Protocol::load(): reads proto/wardline.schema.json and refuses anything it would not enforce
// or document.
#include "common/proto/protocol.hpp"

#include "common/core/embedded.hpp"
#include "common/proto/protocol_p.hpp"
#include "common/proto/schema_validator.hpp"
#include "common/proto/text.hpp"

#include <initializer_list>
#include <stdexcept>

namespace wardline::proto {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error("protocol schema: " + where + ": " + what);
}

/// Requires `object` to be an object holding every key of `required` and nothing outside
/// `required` and `optional`.
void expect_keys(const json& object, const std::string& where,
                 std::initializer_list<std::string_view> required,
                 std::initializer_list<std::string_view> optional = {}) {
    if (!object.is_object()) fail(where, "must be an object");
    for (const auto key : required)
        if (!object.contains(key)) fail(where, "'" + std::string(key) + "' is required");
    for (const auto& item : object.items()) {
        bool known = false;
        for (const auto& list : {required, optional})
            for (const auto key : list) known = known || key == item.key();
        if (!known) fail(where, "unknown key '" + item.key() + "'");
    }
}

const std::string& text_at(const json& object, const char* key, const std::string& where) {
    const auto& value = object.at(key);
    if (!value.is_string()) fail(where, "'" + std::string(key) + "' must be a string");
    return value.get_ref<const std::string&>();
}

/// Checks a body or response schema: a valid subset schema whose top level is an object.
const json* object_schema(const json& schema, const std::string& where) {
    check_schema(schema, where);
    if (schema.at("type") != "object") fail(where, "must have type object");
    return &schema;
}

void check_name(const std::string& name, const std::string& where) {
    if (name.empty() || name.size() > 64 || !is_printable_ascii(name))
        fail(where, "names must be 1 to 64 printable ASCII characters");
}

void load_envelope(const json& envelope) {
    expect_keys(envelope, "envelope", {"request", "response", "event"});
    for (const auto& [name, part] : envelope.items()) {
        const auto where = "envelope." + name;
        expect_keys(part, where, {"description", "fields"});
        text_at(part, "description", where);
        if (!part.at("fields").is_object()) fail(where, "'fields' must be an object");
        for (const auto& [field, text] : part.at("fields").items())
            if (!text.is_string()) fail(where + ".fields." + field, "must be a string");
    }
}

void load_limits(const json& limits, std::map<std::string, std::int64_t, std::less<>>& out) {
    if (!limits.is_object()) fail("limits", "must be an object");
    for (const auto& [name, limit] : limits.items()) {
        const auto where = "limits." + name;
        expect_keys(limit, where, {"default", "description"});
        text_at(limit, "description", where);
        if (!limit.at("default").is_number_integer()) fail(where, "'default' must be an integer");
        out.emplace(name, limit.at("default").get<std::int64_t>());
    }
}

void load_errors(const json& errors, std::vector<std::string>& codes) {
    if (!errors.is_array()) fail("errors", "must be an array");
    for (const auto& error : errors) {
        expect_keys(error, "errors", {"code", "description"});
        const auto& code = text_at(error, "code", "errors");
        text_at(error, "description", "errors." + code);
        for (const auto& known : codes)
            if (known == code) fail("errors", "code '" + code + "' is listed twice");
        codes.push_back(code);
    }
}

void load_close_codes(const json& codes) {
    if (!codes.is_array()) fail("close_codes", "must be an array");
    for (const auto& code : codes) {
        expect_keys(code, "close_codes", {"code", "name", "description"});
        if (!code.at("code").is_number_integer()) fail("close_codes", "'code' must be an integer");
        text_at(code, "name", "close_codes");
        text_at(code, "description", "close_codes");
    }
}

void load_requests(const json& requests, std::map<std::string, RequestSpec, std::less<>>& out) {
    if (!requests.is_object()) fail("requests", "must be an object");
    for (const auto& [type, spec] : requests.items()) {
        const auto where = "requests." + type;
        check_name(type, where);
        expect_keys(spec, where, {"summary", "auth", "database", "body", "response"});
        if (!spec.at("database").is_boolean()) fail(where, "'database' must be a boolean");
        RequestSpec request;
        request.type = type;
        request.summary = text_at(spec, "summary", where);
        request.auth = text_at(spec, "auth", where);
        request.needs_database = spec.at("database").get<bool>();
        request.body_schema = object_schema(spec.at("body"), where + ".body");
        request.response_schema = object_schema(spec.at("response"), where + ".response");
        out.emplace(type, std::move(request));
    }
}

void load_events(const json& events, std::map<std::string, EventSpec, std::less<>>& out) {
    if (!events.is_object()) fail("events", "must be an object");
    for (const auto& [name, spec] : events.items()) {
        const auto where = "events." + name;
        check_name(name, where);
        expect_keys(spec, where, {"summary", "body"});
        EventSpec event;
        event.event = name;
        event.summary = text_at(spec, "summary", where);
        event.body_schema = object_schema(spec.at("body"), where + ".body");
        out.emplace(name, std::move(event));
    }
}

}  // namespace

Protocol::Protocol(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Protocol Protocol::load(std::string_view schema_json) {
    try {
        return load_checked(schema_json);
    } catch (const json::exception& e) {
        // A shape the checks above missed; still a broken schema, still a start-up failure.
        fail("document", e.what());
    }
}

Protocol Protocol::load_checked(std::string_view schema_json) {
    auto impl = std::make_shared<Impl>();
    impl->source = std::string(schema_json);
    impl->document = json::parse(schema_json);
    // The document is never modified from here on: the specs keep pointers into it.
    const auto& doc = impl->document;
    expect_keys(doc, "document", {"protocol", "version", "limits", "errors", "requests", "events"},
                {"$comment", "transport", "envelope", "close_codes"});
    text_at(doc, "protocol", "document");
    const auto& version = doc.at("version");
    if (!version.is_number_unsigned() || version.get<std::uint64_t>() < 1 ||
        version.get<std::uint64_t>() > 1000000)
        fail("version", "must be a positive integer");
    impl->version = version.get<int>();
    for (const auto* key : {"$comment", "transport"})
        if (doc.contains(key)) text_at(doc, key, "document");
    if (doc.contains("envelope")) load_envelope(doc.at("envelope"));
    if (doc.contains("close_codes")) load_close_codes(doc.at("close_codes"));
    load_limits(doc.at("limits"), impl->limits);
    load_errors(doc.at("errors"), impl->error_codes);
    load_requests(doc.at("requests"), impl->requests);
    load_events(doc.at("events"), impl->events);
    return Protocol(std::move(impl));
}

Protocol Protocol::load_embedded() {
    const auto files = embedded::protocol_schema();
    if (files.size() != 1) fail("embedded", "expected exactly one schema file");
    return load(files.front().contents);
}

int Protocol::version() const { return impl_->version; }

const RequestSpec* Protocol::request(std::string_view type) const {
    const auto it = impl_->requests.find(type);
    return it == impl_->requests.end() ? nullptr : &it->second;
}

const EventSpec* Protocol::event(std::string_view event) const {
    const auto it = impl_->events.find(event);
    return it == impl_->events.end() ? nullptr : &it->second;
}

std::vector<std::string> Protocol::request_types() const {
    std::vector<std::string> out;
    for (const auto& entry : impl_->requests) out.push_back(entry.first);
    return out;
}

std::vector<std::string> Protocol::event_types() const {
    std::vector<std::string> out;
    for (const auto& entry : impl_->events) out.push_back(entry.first);
    return out;
}

std::vector<std::string> Protocol::error_codes() const { return impl_->error_codes; }

std::optional<std::int64_t> Protocol::limit_default(std::string_view name) const {
    const auto it = impl_->limits.find(name);
    if (it == impl_->limits.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Protocol::check_response(std::string_view type, const json& body) const {
    const auto* spec = request(type);
    if (spec == nullptr) return std::string("unknown request type");
    return validate(*spec->response_schema, body, "body");
}

std::optional<std::string> Protocol::check_event(std::string_view event, const json& body) const {
    const auto* spec = this->event(event);
    if (spec == nullptr) return std::string("unknown event");
    return validate(*spec->body_schema, body, "body");
}

const json& Protocol::document() const { return impl_->document; }

std::string_view Protocol::source() const { return impl_->source; }

}  // namespace wardline::proto
