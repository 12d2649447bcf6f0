// SPDX-License-Identifier: Apache-2.0
#pragma once
// reports.metrics (permission metrics.read: administrators and compliance officers by
// default): the organization's activity metrics over a range of days, from metadata only
// (docs/admin-guide.md, "Activity metrics"). Each answer is audited (`reports.metrics`, with
// the range and the unit), in the transaction that computes it.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::reports {

class MetricsService {
public:
    explicit MetricsService(storage::PgPool& pool) : pool_(pool) {}

    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    storage::PgPool& pool_;
};

}  // namespace wardline::server::reports
