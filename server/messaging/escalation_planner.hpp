// SPDX-License-Identifier: Apache-2.0
#pragma once
// The escalation planner (docs/architecture.md, "Clinical workflow"): one SQL statement
// (escalation_plan.sql) that takes `now` as a parameter finds every critical message whose
// next escalation level is due without all recipients acknowledging and records that level
// once; the same transaction audits each. The Escalator (escalator.hpp) calls it with the wall
// clock, tests with their own.
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::messaging {

/// One recorded escalation of a critical message: one level of its rule's chain.
struct Escalation {
    std::string conversation_id;
    std::int64_t seq = 0;
    int level = 1;  ///< 1..5, in the order the chain fires
    std::string org_id;
    std::string sender_user_id;
    std::string status;  ///< escalated | target_missing
    std::vector<std::string> targets;
    std::vector<std::string> pending_users;
    std::int64_t escalated_at_ms = 0;
};

/// Escalates what is due at `now_ms` (ms since the Unix epoch), at most `limit` messages and
/// one level per message, in one transaction with its audit records (messages.escalate).
/// Returns only the levels this call recorded: one another process (or an earlier call)
/// recorded is never returned.
boost::asio::awaitable<Result<std::vector<Escalation>>> plan_escalations(storage::PgPool* pool,
                                                                         std::int64_t now_ms,
                                                                         int limit);

/// The body of message.escalated.
nlohmann::json escalation_json(const Escalation& e);

}  // namespace wardline::server::messaging
