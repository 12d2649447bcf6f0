// SPDX-License-Identifier: Apache-2.0
#pragma once
// Legal holds for compliance officers with legal_hold.manage (issue #7; docs/admin-guide.md
// "Retention and legal holds"): legal_holds.place on a user (the messages they sent), a
// conversation or a patient thread, with a case name and a date range; legal_holds.list;
// legal_holds.release, which only asks; and legal_holds.confirm_release by a second compliance
// officer, which lifts it. A hold keeps the retention job (retention_job.hpp) away from what it
// covers until it is released. Every change and every refusal after authorization is audited;
// the case name is shown to compliance officers and is never written to the audit trail or logs.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::retention {

class LegalHoldService {
public:
    explicit LegalHoldService(storage::PgPool& pool) : pool_(pool) {}

    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> place(nlohmann::json body, identity::BoundSession caller,
                                          std::string source);
    boost::asio::awaitable<Outcome> list(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> release(std::string type, nlohmann::json body,
                                            identity::BoundSession caller, std::string source);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::retention
