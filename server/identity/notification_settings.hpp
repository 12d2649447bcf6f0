// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a client needs to know about desktop notifications (docs/client.md, "Notifications";
// migration 0016): the organization's notification_detail (minimal, kind, sender) and the
// signed-in user's own quiet hours. Both travel in the session of auth.login / auth.resume, so a
// clinician's client knows them without org.settings; quiet hours are also read and changed by
// account.quiet_hours.* (quiet_hours_service.hpp). Also the check of a quiet hours time zone.
#include "common/core/errc.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace wardline::server::storage {
class PgPool;
class PgResult;
}  // namespace wardline::server::storage

namespace wardline::server::identity {

/// Quiet hours of a user who never set any: off, 22:00 to 07:00, UTC.
nlohmann::json default_quiet_hours();

/// The quiet hours of row `row` of `r`, whose columns from `first` on are enabled,
/// start_minute, end_minute, time_zone; the defaults when they are NULL (no row was joined).
nlohmann::json quiet_hours_json(const storage::PgResult& r, int row, int first);

/// {"notification_detail": ..., "quiet_hours": {...}} for the session JSON of the user.
boost::asio::awaitable<Result<nlohmann::json>> notification_settings_of(storage::PgPool& pool,
                                                                        std::string org_id,
                                                                        std::string user_id);

/// Whether `name` looks like an IANA zone name (Area/Location, "UTC"): letters, digits and
/// "/_+-" only, no empty or dot path segment, and not one of the tz database's aliases
/// for file layouts (posix/, right/, posixrules, localtime, Factory). The database then says
/// whether the zone exists (time_zone_known.sql).
bool plausible_time_zone_name(std::string_view name) noexcept;

}  // namespace wardline::server::identity
