// SPDX-License-Identifier: Apache-2.0
#pragma once
// The levels of an escalation rule's chain (docs/architecture.md, "Clinical workflow"): how
// escalation_rules.set's `levels` are checked and how a level is shown. Pure: the caller checks
// that each team and role belongs to the organization (escalation_scope_check.sql).
#include "server/protocol/outcome.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wardline::server::messaging {

/// A rule has 1 to this many levels.
inline constexpr std::size_t kMaxEscalationLevels = 5;

/// One level: after_seconds (from the send for level 1, from the previous level firing for the
/// others), then the primary or backup on call for team_id, or the active holders of role.
struct EscalationLevel {
    double after_seconds = 0;
    std::string target;  ///< oncall_primary | oncall_backup | role
    std::optional<std::string> team_id;
    std::optional<std::string> role;
};

/// Checks `levels` (already shaped by the schema: an array of objects) and converts minutes to
/// seconds (rounded to the millisecond, 1 s to 1 day). bad_request names the level at fault.
std::variant<std::vector<EscalationLevel>, Failure> parse_levels(const nlohmann::json& levels);

/// {after_minutes, target, team_id | role} as escalation_rules.set and .list answer it.
nlohmann::json level_json(const EscalationLevel& level);
nlohmann::json levels_json(const std::vector<EscalationLevel>& levels);

}  // namespace wardline::server::messaging
