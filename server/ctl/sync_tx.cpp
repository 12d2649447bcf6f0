// SPDX-License-Identifier: Apache-2.0
#include "server/ctl/sync_tx.hpp"

#include "server/identity/relayed_event.hpp"
#include "server/storage/statements.hpp"

#include <sodium.h>

#include <array>
#include <ostream>

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

namespace {

/// A node id of its own for the relay payload (32 lowercase hex digits), so that no server
/// process takes the notification for its own.
std::string cli_node_id() {
    std::array<unsigned char, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

}  // namespace

bool relay(storage::PgSyncConnection& conn, const identity::RelayedEvent& e, std::ostream& err) {
    const std::string payload =
        identity::relay_payload(cli_node_id(), {identity::encode_relay_event(e)});
    const storage::PgParams params{nlohmann::json::array({payload}).dump()};
    return run(conn, "events_notify", params, err).has_value();
}

}  // namespace wardline::server::ctl
