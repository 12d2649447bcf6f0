// SPDX-License-Identifier: Apache-2.0
#include "common/proto/markdown.hpp"

#include "common/proto/protocol.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <initializer_list>
#include <utility>
#include <vector>

namespace wardline::proto {
namespace {

// Ordered, so that tables follow the schema file, which its authors arrange for readers.
using json = nlohmann::ordered_json;

/// Makes text safe inside a table cell.
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class Writer {
public:
    void line(std::string_view text = {}) {
        out_ += text;
        out_ += '\n';
    }
    void header(std::initializer_list<std::string_view> names) {
        std::string head = "|";
        std::string rule = "|";
        for (const auto name : names) {
            head += " " + std::string(name) + " |";
            rule += " --- |";
        }
        line(head);
        line(rule);
    }
    void row(std::initializer_list<std::string> cells) {
        std::string text = "|";
        for (const auto& c : cells) text += " " + cell(c) + " |";
        line(text);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

std::string count_range(const json& schema, const char* low, const char* high,
                        std::string_view noun) {
    const auto lo = schema.find(low);
    const auto hi = schema.find(high);
    const auto n = std::string(noun);
    if (lo != schema.end() && hi != schema.end())
        return lo->dump() + " to " + hi->dump() + " " + n + "s";
    if (lo != schema.end()) return "at least " + lo->dump() + " " + n + (*lo == 1 ? "" : "s");
    if (hi != schema.end()) return "at most " + hi->dump() + " " + n + (*hi == 1 ? "" : "s");
    return {};
}

/// The "Rules" cell of one field: limits and allowed values.
std::string rules(const json& schema) {
    std::vector<std::string> parts;
    if (auto r = count_range(schema, "minLength", "maxLength", "character"); !r.empty())
        parts.push_back(r);
    if (const auto it = schema.find("minimum"); it != schema.end())
        parts.push_back("minimum " + it->dump());
    if (const auto it = schema.find("maximum"); it != schema.end())
        parts.push_back("maximum " + it->dump());
    if (auto r = count_range(schema, "minItems", "maxItems", "item"); !r.empty())
        parts.push_back(r);
    if (const auto it = schema.find("enum"); it != schema.end()) {
        std::string values;
        for (const auto& value : *it) values += (values.empty() ? "" : ", ") + code(value.dump());
        parts.push_back("one of " + values);
    }
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
    return out;
}

bool is_required(const json& parent, const std::string& name) {
    const auto req = parent.find("required");
    if (req == parent.end()) return false;
    for (const auto& r : *req)
        if (r == name) return true;
    return false;
}

/// One row per field, nested objects and array items flattened to dotted paths.
void field_rows(Writer& w, const json& object_schema, const std::string& prefix) {
    const auto props = object_schema.find("properties");
    if (props == object_schema.end()) return;
    for (const auto& [name, sub] : props->items()) {
        const auto path = prefix + name;
        w.row({code(path), sub.at("type").get<std::string>(),
               is_required(object_schema, name) ? "yes" : "no", rules(sub),
               string_at(sub, "description")});
        const json* inner = &sub;
        std::string inner_path = path;
        while (inner->at("type") == "array") {
            inner = &inner->at("items");
            inner_path += "[]";
            w.row({code(inner_path), inner->at("type").get<std::string>(), "", rules(*inner),
                   string_at(*inner, "description")});
        }
        if (inner->at("type") == "object") field_rows(w, *inner, inner_path + ".");
    }
}

void body_table(Writer& w, std::string_view title, const json& schema) {
    w.line(std::string(title) + ":");
    w.line();
    const auto props = schema.find("properties");
    if (props == schema.end() || props->empty()) {
        w.line("An empty object: no fields.");
        w.line();
        return;
    }
    w.header({"Field", "Type", "Required", "Rules", "Description"});
    field_rows(w, schema, "");
    w.line();
}

void envelope_section(Writer& w, const json& doc) {
    const auto envelope = doc.find("envelope");
    if (envelope == doc.end()) return;
    w.line("## Envelope");
    w.line();
    constexpr std::array<std::pair<const char*, const char*>, 3> kParts{
        {{"request", "Request"}, {"response", "Response"}, {"event", "Event"}}};
    for (const auto& [part, title] : kParts) {
        const auto& spec = envelope->at(part);
        w.line(std::string("### ") + title);
        w.line();
        w.line(string_at(spec, "description"));
        w.line();
        w.header({"Field", "Rules"});
        for (const auto& [name, text] : spec.at("fields").items())
            w.row({code(name), text.get<std::string>()});
        w.line();
    }
}

void requests_section(Writer& w, const json& requests) {
    w.line("## Requests");
    w.line();
    w.line(
        "Bodies are decoded strictly: unknown fields are refused, string lengths count Unicode "
        "code points, and an integer must be written as a JSON integer (not `1.0`, not "
        "`\"1\"`). A refusal is answered `bad_request` with a message naming the field and "
        "the rule, never the value.");
    w.line();
    w.header({"Type", "Auth", "Database", "Summary"});
    for (const auto& [type, spec] : requests.items()) {
        w.row({code(type), string_at(spec, "auth"), spec.at("database").get<bool>() ? "yes" : "no",
               string_at(spec, "summary")});
    }
    w.line();
    for (const auto& [type, spec] : requests.items()) {
        w.line("### " + code(type));
        w.line();
        w.line(string_at(spec, "summary"));
        w.line();
        w.line("- Auth: " + code(string_at(spec, "auth")));
        w.line(std::string("- Needs the database: ") +
               (spec.at("database").get<bool>() ? "yes" : "no"));
        w.line();
        body_table(w, "Request body", spec.at("body"));
        body_table(w, "Response body", spec.at("response"));
    }
}

void events_section(Writer& w, const json& events) {
    w.line("## Events");
    w.line();
    for (const auto& [name, spec] : events.items()) {
        w.line("### " + code(name));
        w.line();
        w.line(string_at(spec, "summary"));
        w.line();
        body_table(w, "Body", spec.at("body"));
    }
}

void reference_sections(Writer& w, const json& doc) {
    w.line("## Errors");
    w.line();
    w.header({"Code", "Meaning"});
    for (const auto& error : doc.at("errors"))
        w.row({code(string_at(error, "code")), string_at(error, "description")});
    w.line();
    if (const auto codes = doc.find("close_codes"); codes != doc.end()) {
        w.line("## WebSocket close codes");
        w.line();
        w.header({"Code", "Name", "Meaning"});
        for (const auto& c : *codes)
            w.row({c.at("code").dump(), code(string_at(c, "name")), string_at(c, "description")});
        w.line();
    }
    w.line("## Limits");
    w.line();
    w.line("Defaults; the server's configuration may change them.");
    w.line();
    w.header({"Limit", "Default", "Meaning"});
    for (const auto& [name, limit] : doc.at("limits").items())
        w.row({code(name), limit.at("default").dump(), string_at(limit, "description")});
}

}  // namespace

std::string render_markdown(const Protocol& protocol) {
    // Protocol::load() has checked the document's shape, so at() below cannot miss.
    const auto doc = json::parse(protocol.source());
    Writer w;
    w.line("<!-- SPDX-License-Identifier: Apache-2.0 -->");
    w.line("<!-- Generated by wardline-protodoc from proto/wardline.schema.json. Do not edit:");
    w.line("     change the schema, then run `ninja -C <build dir> update_protocol_doc`. -->");
    w.line();
    w.line("# Wardline protocol, version " + std::to_string(protocol.version()));
    w.line();
    if (const auto transport = string_at(doc, "transport"); !transport.empty()) {
        w.line("## Transport");
        w.line();
        w.line(transport);
        w.line();
    }
    envelope_section(w, doc);
    requests_section(w, doc.at("requests"));
    events_section(w, doc.at("events"));
    reference_sections(w, doc);
    return w.take();
}

}  // namespace wardline::proto
