// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a retention request names as the scope of a policy (retention.policies.set and
// retention.preview): the organization, one conversation kind, or one conversation.
#include "server/protocol/outcome.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace wardline::server::retention {

struct PolicyScope {
    std::string scope;                           ///< organization | kind | conversation
    std::optional<std::string> kind;             ///< scope kind
    std::optional<std::string> conversation_id;  ///< scope conversation
};

/// The scope of `body`, or bad_request when its fields do not fit it (a kind without scope
/// kind, a conversation id that is no UUID, ...). The schema has checked the types and enums.
std::variant<PolicyScope, Failure> parse_scope(const nlohmann::json& body);

/// The scope as the protocol and the audit trail show it.
nlohmann::json scope_json(const PolicyScope& s);

}  // namespace wardline::server::retention
