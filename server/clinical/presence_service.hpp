// SPDX-License-Identifier: Apache-2.0
#pragma once
// presence.set (issue #5, docs/oncall.md "Presence"): a user says they are available, busy or
// away; offline is derived from having no live connection on this process. Each change is
// pushed as presence.changed to the online users who share a conversation with the user,
// throttled by PresenceBoard.
#include "server/clinical/presence_board.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::clinical {

class PresenceService {
public:
    PresenceService(storage::PgPool& pool, identity::SessionRegistry& sessions);

    /// presence.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

    /// available | busy | away | offline, as this process sees the user.
    std::string presence_of(const std::string& user_id) const;

private:
    boost::asio::awaitable<void> push(std::string org_id, std::string user_id, std::string status);
    boost::asio::awaitable<void> push_later(std::string org_id, std::string user_id);

    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    PresenceBoard board_;
};

}  // namespace wardline::server::clinical
