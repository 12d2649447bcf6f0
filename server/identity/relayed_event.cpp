// SPDX-License-Identifier: Apache-2.0
#include "server/identity/relayed_event.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <utility>

namespace wardline::server::identity {
namespace {

using Kind = RelayedEvent::Kind;
using nlohmann::json;

constexpr std::array<std::pair<Kind, std::string_view>, 5> kKinds{{
    {Kind::notify_user, "notify_user"},
    {Kind::notify_device, "notify_device"},
    {Kind::end_user, "end_user"},
    {Kind::end_device, "end_device"},
    {Kind::end_session, "end_session"},
}};
constexpr std::array<EndReason, 10> kReasons{
    EndReason::logout,           EndReason::revoked,          EndReason::idle_timeout,
    EndReason::expired,          EndReason::password_changed, EndReason::user_suspended,
    EndReason::user_deactivated, EndReason::device_revoked,   EndReason::credentials_reset,
    EndReason::account_locked,
};
// Event bodies are the protocol's small objects; deeper means a stranger wrote the payload.
constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxEventNameBytes = 64;

bool is_node(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

/// Ids (UUIDs, tokens' ids): letters, digits, '-' and '_'.
bool is_id(std::string_view s, bool may_be_empty) {
    if (s.size() > kMaxIdBytes || (s.empty() && !may_be_empty)) return false;
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_'))
            return false;
    return true;
}

/// Event types as the schema names them: "conversation.member_added".
bool is_event_name(std::string_view s) {
    if (s.empty() || s.size() > kMaxEventNameBytes) return false;
    for (const char c : s)
        if (!((c >= 'a' && c <= 'z') || c == '_' || c == '.')) return false;
    return true;
}

/// Nesting depth of '[' and '{' outside strings, stopping above `limit`: checked before
/// parsing so nothing later recurses deeply.
bool depth_within(std::string_view text, int limit) {
    int depth = 0;
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
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

const std::string* string_at(const json& o, const char* key) {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

std::optional<RelayedEvent> decode_event(const json& o) {
    if (!o.is_object()) return std::nullopt;
    const auto* kind = string_at(o, "k");
    const auto* target = string_at(o, "t");
    if (kind == nullptr || target == nullptr || !is_id(*target, false)) return std::nullopt;
    RelayedEvent e;
    bool known = false;
    for (const auto& [k, name] : kKinds)
        if (name == *kind) {
            e.kind = k;
            known = true;
        }
    if (!known) return std::nullopt;
    e.target = *target;
    std::size_t keys = 2;
    if (o.contains("x")) {
        const auto* except = string_at(o, "x");
        if (except == nullptr || !is_id(*except, true)) return std::nullopt;
        e.except = *except;
        ++keys;
    }
    const bool notify = e.kind == Kind::notify_user || e.kind == Kind::notify_device;
    if (notify) {
        const auto* event = string_at(o, "e");
        const auto body = o.find("b");
        if (event == nullptr || !is_event_name(*event) || body == o.end() || !body->is_object())
            return std::nullopt;
        e.event = *event;
        e.body = *body;
        keys += 2;
    } else {
        const auto* reason = string_at(o, "r");
        if (reason == nullptr) return std::nullopt;
        const auto r = end_reason_from(*reason);
        if (!r) return std::nullopt;
        e.reason = *r;
        ++keys;
    }
    // Only these keys: "x" for notify_device or end_device/end_session would be ignored, so
    // it is refused instead.
    if (o.size() != keys) return std::nullopt;
    if (!e.except.empty() && e.kind != Kind::notify_user && e.kind != Kind::end_user)
        return std::nullopt;
    return e;
}

}  // namespace

std::optional<EndReason> end_reason_from(std::string_view name) noexcept {
    for (const auto r : kReasons)
        if (to_string(r) == name) return r;
    return std::nullopt;
}

std::string encode_relay_event(const RelayedEvent& e) {
    json o;
    for (const auto& [k, name] : kKinds)
        if (k == e.kind) o["k"] = name;
    o["t"] = e.target;
    if (!e.except.empty()) o["x"] = e.except;
    if (e.kind == Kind::notify_user || e.kind == Kind::notify_device) {
        o["e"] = e.event;
        o["b"] = e.body.is_object() ? e.body : json::object();
    } else {
        o["r"] = std::string(to_string(e.reason));
    }
    return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string relay_payload(std::string_view node, const std::vector<std::string>& encoded_events) {
    std::string out = "v1 ";
    out += node;
    out += " [";
    for (std::size_t i = 0; i < encoded_events.size(); ++i) {
        if (i != 0) out += ',';
        out += encoded_events[i];
    }
    out += ']';
    return out;
}

std::string relay_reference(std::string_view node, std::int64_t id) {
    std::string out = "v1 ";
    out += node;
    out += " @";
    out += std::to_string(id);
    return out;
}

std::optional<std::vector<RelayedEvent>> decode_relay_events(std::string_view text) {
    if (text.size() > kMaxStoredRelayBytes || !depth_within(text, kMaxDepth)) return std::nullopt;
    const json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array() || parsed.empty() ||
        parsed.size() > kMaxRelayBatch)
        return std::nullopt;
    std::vector<RelayedEvent> events;
    events.reserve(parsed.size());
    for (const auto& item : parsed) {
        auto e = decode_event(item);
        if (!e) return std::nullopt;
        events.push_back(std::move(*e));
    }
    return events;
}

std::optional<RelayPayload> decode_relay_payload(std::string_view payload) {
    constexpr std::string_view kVersion = "v1 ";
    if (payload.size() > kMaxNotifyPayload || !payload.starts_with(kVersion)) return std::nullopt;
    payload.remove_prefix(kVersion.size());
    const auto space = payload.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    RelayPayload out;
    const std::string_view node = payload.substr(0, space);
    if (!is_node(node)) return std::nullopt;
    out.node = std::string(node);
    const std::string_view rest = payload.substr(space + 1);
    if (rest.starts_with('@')) {
        const std::string_view digits = rest.substr(1);
        std::int64_t id = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
            digits.front() == '0' || id < 1)
            return std::nullopt;
        out.stored_id = id;
        return out;
    }
    if (!rest.starts_with('[')) return std::nullopt;
    auto events = decode_relay_events(rest);
    if (!events) return std::nullopt;
    out.events = std::move(*events);
    return out;
}

}  // namespace wardline::server::identity
