// SPDX-License-Identifier: Apache-2.0
#include "common/proto/json_reader.hpp"

#include "common/proto/text.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <vector>

namespace wardline::proto {
namespace {

using nlohmann::json;

/// Parser callback state: the keys seen in each object that is still open.
struct DuplicateKeyFinder {
    std::vector<std::set<std::string, std::less<>>> open_objects;
    std::optional<std::string> duplicate;

    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
            open_objects.emplace_back();
            break;
        case json::parse_event_t::object_end:
            if (!open_objects.empty()) open_objects.pop_back();
            break;
        case json::parse_event_t::key:
            if (!open_objects.empty() && parsed.is_string()) {
                const auto& key = parsed.get_ref<const std::string&>();
                if (!open_objects.back().insert(key).second && !duplicate) duplicate = key;
            }
            break;
        default:
            break;
        }
        return true;  // keep everything; the duplicate is reported after parsing
    }
};

}  // namespace

std::size_t nesting_depth(std::string_view text, std::size_t stop_above) noexcept {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > stop_above) return deepest;
            }
            break;
        case ']':
        case '}':
            if (depth > 0) --depth;
            break;
        default:
            break;
        }
    }
    return deepest;
}

std::optional<std::string> read_json(std::string_view text, json& out) {
    // nlohmann's parser is iterative, but the DOM it builds would still be walked recursively by
    // validation and dump(); refuse deep input before any of that happens.
    if (nesting_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
        return "frame: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    if (!utf8_code_points(text)) return std::string("frame: not valid UTF-8");
    DuplicateKeyFinder finder;
    json parsed;
    try {
        parsed = json::parse(
            text.data(), text.data() + text.size(),
            [&finder](int depth, json::parse_event_t event, json& value) {
                return finder(depth, event, value);
            },
            /*allow_exceptions=*/false);
    } catch (const json::exception&) {
        // allow_exceptions=false covers parse errors; this catches anything the library still
        // throws so that no input can escape as an exception.
        return std::string("frame: not valid JSON");
    }
    if (parsed.is_discarded()) return std::string("frame: not valid JSON");
    if (finder.duplicate)
        return "frame: duplicate key";
    out = std::move(parsed);
    return std::nullopt;
}

}  // namespace wardline::proto
