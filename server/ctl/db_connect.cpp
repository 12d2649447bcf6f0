// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/db_connect.hpp"

#include <ostream>
#include <stdexcept>

namespace wardline::server::ctl {

/// Connects as the conninfo from --database-url says, with the password from
/// WARDLINE_DB_PASSWORD or --password-file. A password inside the conninfo or in a plain flag
/// is refused. Errors name no secret.
std::optional<storage::PgSyncConnection> connect_owner(const CliArgs& a, std::ostream& err) {
    if (a.has_plain_password_flag()) {
        err << "passwords are not taken on the command line; use WARDLINE_DB_PASSWORD or "
               "--password-file\n";
        return std::nullopt;
    }
    const auto url = a.value("--database-url");
    if (!url) {
        err << "missing --database-url CONNINFO (without password)\n";
        return std::nullopt;
    }
    auto password = password_from(a, "--password-file", "WARDLINE_DB_PASSWORD", err);
    if (!password) return std::nullopt;
    try {
        return storage::PgSyncConnection::connect(*url, *password);
    } catch (const std::invalid_argument& e) {
        err << e.what() << "\n";
    } catch (const storage::PgSyncError&) {
        err << "cannot connect to the database (check --database-url and the password)\n";
    }
    return std::nullopt;
}

}  // namespace wardline::server::ctl
