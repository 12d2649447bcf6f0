// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/sync_tx.hpp"

#include "server/storage/statements.hpp"

namespace wardline::server::ctl {

std::optional<storage::PgResult> run(storage::PgSyncConnection& conn, std::string_view name,
                                     const storage::PgParams& params, std::ostream& err) {
    try {
        return conn.exec_params(storage::statement(name).sql, params);
    } catch (const storage::PgSyncError& e) {
        err << name << " failed (SQLSTATE " << (e.sqlstate().empty() ? "none" : e.sqlstate())
            << ")\n";
        return std::nullopt;
    }
}

bool in_transaction(storage::PgSyncConnection& conn, const std::function<bool()>& work,
                    std::ostream& err) {
    try {
        conn.exec("BEGIN");
        if (!work()) {
            conn.exec("ROLLBACK");
            return false;
        }
        conn.exec("COMMIT");
        return true;
    } catch (const storage::PgSyncError& e) {
        err << "transaction failed (SQLSTATE " << (e.sqlstate().empty() ? "none" : e.sqlstate())
            << ")\n";
        try {
            conn.exec("ROLLBACK");
        } catch (const storage::PgSyncError&) {
        }
        return false;
    }
}

}  // namespace wardline::server::ctl
