// SPDX-License-Identifier: Apache-2.0
#pragma once
// Organization-managed quick texts (issue #5, docs/oncall.md "Templates"): templates.list for
// every clinician, templates.create, templates.update and templates.delete for administrators,
// audited. A template of another organization is not_found, like an unknown id.
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::clinical {

class TemplateService {
public:
    explicit TemplateService(storage::PgPool& pool);

    /// templates.* requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> list(identity::BoundSession caller);
    /// templates.create, templates.update and templates.delete: one transaction each.
    boost::asio::awaitable<Outcome> change(std::string type, nlohmann::json body,
                                           identity::BoundSession caller, std::string source);

    storage::PgPool& pool_;
};

}  // namespace wardline::server::clinical
