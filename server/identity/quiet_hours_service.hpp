// SPDX-License-Identifier: Apache-2.0
#pragma once
// account.quiet_hours.get and account.quiet_hours.set (issue #7; docs/client.md,
// "Notifications"): the signed-in user's own quiet hours, during which routine messages raise no
// desktop notification while urgent and critical ones still do. The client decides at the moment
// a message arrives; the server only keeps the setting. No permission beyond a session, and no
// way to name another user: the target is always the caller. Every change is audited.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::identity {

class QuietHoursService {
public:
    explicit QuietHoursService(storage::PgPool& pool) : pool_(pool) {}

    /// account.quiet_hours.* of a connection with a session (the dispatcher checked that).
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> get(BoundSession caller);
    boost::asio::awaitable<Outcome> set(nlohmann::json body, BoundSession caller,
                                        std::string source);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::identity
