// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/escalation_levels.hpp"

#include "common/core/device_credential.hpp"

#include <cmath>

namespace wardline::server::messaging {

using nlohmann::json;

namespace {

std::optional<std::string> optional_string(const json& body, const char* key) {
    if (auto it = body.find(key); it != body.end() && it->is_string())
        return it->get<std::string>();
    return std::nullopt;
}

Failure bad(std::size_t index, const std::string& what) {
    return Failure{Errc::bad_request, "level " + std::to_string(index + 1) + ": " + what};
}

}  // namespace

std::variant<std::vector<EscalationLevel>, Failure> parse_levels(const json& levels) {
    if (!levels.is_array() || levels.empty() || levels.size() > kMaxEscalationLevels)
        return Failure{Errc::bad_request, "levels must list 1 to 5 levels"};
    std::vector<EscalationLevel> out;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const json& in = levels[i];
        if (!in.is_object() || !in.contains("after_minutes") || !in.at("after_minutes").is_number())
            return bad(i, "after_minutes must be a number");
        if (!in.contains("target") || !in.at("target").is_string())
            return bad(i, "target must be a string");
        EscalationLevel level;
        const double minutes = in.at("after_minutes").get<double>();
        level.after_seconds = std::round(minutes * 60.0 * 1000.0) / 1000.0;
        if (!std::isfinite(level.after_seconds) || level.after_seconds < 1 ||
            level.after_seconds > 86400)
            return bad(i, "after_minutes must be between 1/60 and 1440");
        level.target = in.at("target").get<std::string>();
        level.team_id = optional_string(in, "team_id");
        level.role = optional_string(in, "role");
        if (level.target == "oncall_primary" || level.target == "oncall_backup") {
            if (!level.team_id || level.role)
                return bad(i, "target " + level.target + " takes team_id and no role");
            if (!is_canonical_uuid(*level.team_id))
                return bad(i, "team_id is not a lower-case UUID");
        } else if (level.target == "role") {
            if (!level.role || level.team_id)
                return bad(i, "target role takes role and no team_id");
        } else {
            return bad(i, "target must be oncall_primary, oncall_backup or role");
        }
        out.push_back(std::move(level));
    }
    return out;
}

json level_json(const EscalationLevel& level) {
    json out{{"after_minutes", level.after_seconds / 60.0}, {"target", level.target}};
    if (level.team_id) out["team_id"] = *level.team_id;
    if (level.role) out["role"] = *level.role;
    return out;
}

json levels_json(const std::vector<EscalationLevel>& levels) {
    json out = json::array();
    for (const auto& level : levels) out.push_back(level_json(level));
    return out;
}

}  // namespace wardline::server::messaging
