// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/service_support.hpp"

namespace wardline::server::clinical {

identity::AuditNote caller_note(const identity::BoundSession& caller, std::string action,
                                std::string target_kind, std::string target_id,
                                const std::string& source) {
    identity::AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = caller.org_id;
    n.actor_kind = "user";
    n.actor_id = caller.user_id;
    n.target_kind = std::move(target_kind);
    n.target_id = std::move(target_id);
    n.source_address = source;
    n.details["session_id"] = caller.session_id;
    return n;
}

}  // namespace wardline::server::clinical
