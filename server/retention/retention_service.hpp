// SPDX-License-Identifier: Apache-2.0
#pragma once
// Retention policies for administrators with retention.manage (issue #7; docs/admin-guide.md
// "Retention and legal holds"): retention.policies.list, retention.policies.set,
// retention.preview, retention.changes.confirm and retention.changes.reject. Setting a policy
// that keeps messages longer (or forever) applies at once; one that keeps them for less time
// than the policy of the same scope (none there counts as forever) becomes a pending change
// that a different administrator confirms or rejects (four-eyes). Every change, and every
// refusal after authorization, is audited in the transaction that makes it.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::retention {

class RetentionService {
public:
    explicit RetentionService(storage::PgPool& pool) : pool_(pool) {}

    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> list(identity::BoundSession caller);
    boost::asio::awaitable<Outcome> set(nlohmann::json body, identity::BoundSession caller,
                                        std::string source);
    boost::asio::awaitable<Outcome> preview(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> decide(std::string type, nlohmann::json body,
                                           identity::BoundSession caller, std::string source);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::retention
