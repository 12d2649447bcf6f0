// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wardline::server::storage {

/// How to reach PostgreSQL and how the pool behaves.
struct PgConfig {
    /// libpq keyword/value string or URI (e.g. "host=127.0.0.1 port=5432 dbname=wardline
    /// user=wardline_app"). Must not contain a password: see parse_conninfo().
    std::string conninfo;
    /// The password, from the environment or a file; passed to libpq as its own keyword and
    /// never logged or put into error text.
    std::string password;
    std::size_t pool_size = 8;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds acquire_timeout{2000};
    /// Idle connections older than this get a `SELECT 1` before being handed out.
    std::chrono::milliseconds health_check_interval{10000};
    /// First reconnect delay; doubles (with jitter) up to reconnect_max.
    std::chrono::milliseconds reconnect_initial{100};
    std::chrono::milliseconds reconnect_max{5000};
};

/// Keyword/value pairs of a parsed conninfo, only those that are set.
using ConnParams = std::vector<std::pair<std::string, std::string>>;

/// Parses `conninfo` with PQconninfoParse. Throws std::invalid_argument if it is malformed
/// or if it contains a password (the password must come from the environment or a password
/// file). The message never repeats the conninfo, so a secret in it cannot leak.
ConnParams parse_conninfo(std::string_view conninfo);

/// Keyword and value arrays for PQconnectStartParams/PQconnectdbParams: `params`, then
/// `password` when non-empty, then the terminating nullptrs. The pointers refer into
/// `params` and `password`, which must outlive the use.
struct ConnArrays {
    std::vector<const char*> keywords;
    std::vector<const char*> values;
};
ConnArrays make_conn_arrays(const ConnParams& params, const std::string& password);

/// The conninfo's value for `keyword`, or "" (e.g. "dbname", "user").
std::string conn_value(const ConnParams& params, std::string_view keyword);

}  // namespace wardline::server::storage
