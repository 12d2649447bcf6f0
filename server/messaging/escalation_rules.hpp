// SPDX-License-Identifier: Apache-2.0
#pragma once
// Escalation rules, managed by admins (org.settings): escalation_rules.set, .list and .delete
// (docs/architecture.md, "Clinical workflow"). One rule per organization and one per
// conversation; the conversation's wins. A rule is a chain of 1 to 5 levels
// (escalation_levels.hpp), stored in seconds, given in minutes.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::messaging {

class EscalationRuleService {
public:
    explicit EscalationRuleService(storage::PgPool& pool) : pool_(pool) {}

    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> set(nlohmann::json body, identity::BoundSession caller,
                                        std::string source);
    boost::asio::awaitable<Outcome> list(identity::BoundSession caller);
    boost::asio::awaitable<Outcome> remove(nlohmann::json body, identity::BoundSession caller,
                                           std::string source);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::messaging
