// SPDX-License-Identifier: Apache-2.0
#include "server/retention/policy_scope.hpp"

#include "server/identity/admin_service.hpp"

namespace wardline::server::retention {

std::variant<PolicyScope, Failure> parse_scope(const nlohmann::json& body) {
    PolicyScope s;
    s.scope = body.at("scope").get<std::string>();
    if (auto it = body.find("kind"); it != body.end()) s.kind = it->get<std::string>();
    if (auto it = body.find("conversation_id"); it != body.end())
        s.conversation_id = it->get<std::string>();
    if (s.scope == "kind" ? !s.kind.has_value() : s.kind.has_value())
        return Failure{Errc::bad_request, "kind is required for scope kind and only for it"};
    if (s.scope == "conversation" ? !s.conversation_id.has_value() : s.conversation_id.has_value())
        return Failure{Errc::bad_request,
                       "conversation_id is required for scope conversation and only for it"};
    if (s.conversation_id && !identity::is_uuid(*s.conversation_id))
        return Failure{Errc::bad_request, "conversation_id is not a UUID"};
    return s;
}

nlohmann::json scope_json(const PolicyScope& s) {
    nlohmann::json out{{"scope", s.scope}};
    if (s.kind) out["kind"] = *s.kind;
    if (s.conversation_id) out["conversation_id"] = *s.conversation_id;
    return out;
}

}  // namespace wardline::server::retention
