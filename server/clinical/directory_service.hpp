// SPDX-License-Identifier: Apache-2.0
#pragma once
// directory.search (issue #5, docs/oncall.md "Directory"): the active colleagues of the
// caller's organization by name, department, role and on-call status, with their current
// shifts and presence, in pages ordered by username (a stable keyset cursor). Other
// organizations and deactivated or suspended users never appear. Presence is read in the same
// statement, as every server process answers it (user_presence(), migration 0012).
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::clinical {

class DirectoryService {
public:
    static constexpr int kDefaultLimit = 25;

    explicit DirectoryService(storage::PgPool& pool);

    /// directory.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> search(nlohmann::json body, identity::BoundSession caller);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::clinical
