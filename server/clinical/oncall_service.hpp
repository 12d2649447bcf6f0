// SPDX-License-Identifier: Apache-2.0
#pragma once
// On-call teams and their schedules (issue #5, docs/oncall.md): oncall.teams.create,
// oncall.teams.list, oncall.shifts.add, oncall.shifts.remove, oncall.shifts.list and
// oncall.now. The dispatcher has already checked the session and the permission
// (server/authz/request_policy.cpp). Every statement is scoped to the caller's organization,
// so a team, shift or user of another organization is not_found, like an unknown id.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::clinical {

class OncallService {
public:
    /// The widest window oncall.shifts.list answers for, and the most shifts it returns.
    static constexpr std::int64_t kMaxListSeconds = 31 * 24 * 3600;
    static constexpr std::int64_t kMaxListShifts = 1000;

    explicit OncallService(storage::PgPool& pool);

    /// oncall.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> create_team(nlohmann::json body, identity::BoundSession caller,
                                                std::string source);
    boost::asio::awaitable<Outcome> list_teams(identity::BoundSession caller);
    boost::asio::awaitable<Outcome> add_shift(nlohmann::json body, identity::BoundSession caller,
                                              std::string source);
    boost::asio::awaitable<Outcome> remove_shift(nlohmann::json body, identity::BoundSession caller,
                                                 std::string source);
    boost::asio::awaitable<Outcome> list_shifts(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> now(nlohmann::json body, identity::BoundSession caller);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::clinical
