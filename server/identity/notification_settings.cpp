// SPDX-License-Identifier: Apache-2.0
#include "server/identity/notification_settings.hpp"

#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <array>

namespace wardline::server::identity {
namespace {

using nlohmann::json;

bool name_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '+' || c == '-';
}

}  // namespace

json default_quiet_hours() {
    return json{{"enabled", false},
                {"start_minute", 22 * 60},
                {"end_minute", 7 * 60},
                {"time_zone", "UTC"}};
}

json quiet_hours_json(const storage::PgResult& r, int row, int first) {
    if (r.is_null(row, first)) return default_quiet_hours();
    return json{{"enabled", r.boolean(row, first)},
                {"start_minute", r.int64(row, first + 1)},
                {"end_minute", r.int64(row, first + 2)},
                {"time_zone", std::string(r.text_or_throw(row, first + 3))}};
}

boost::asio::awaitable<Result<json>> notification_settings_of(storage::PgPool& pool,
                                                              std::string org_id,
                                                              std::string user_id) {
    storage::PgParams params{org_id, user_id};
    auto reading = pool.query(storage::statement("notification_settings_of"), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return r.error();
    if (r->rows() != 1) co_return make_error_code(Errc::not_found);
    co_return json{{"notification_detail", std::string(r->text_or_throw(0, 0))},
                   {"quiet_hours", quiet_hours_json(*r, 0, 1)}};
}

bool plausible_time_zone_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!name_char(c)) return false;
    // No empty segment (leading, trailing or doubled '/'); dots are refused above.
    if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos)
        return false;
    static constexpr std::array<std::string_view, 3> kNotZones{"posixrules", "localtime",
                                                               "Factory"};
    for (auto not_zone : kNotZones)
        if (name == not_zone) return false;
    return !name.starts_with("posix/") && !name.starts_with("right/");
}

}  // namespace wardline::server::identity
