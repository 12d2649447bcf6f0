// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/iso_time.hpp"

#include <chrono>
#include <cstdio>

namespace wardline::server::clinical {
namespace {

std::optional<int> digits(std::string_view text, std::size_t at, std::size_t n) {
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

std::optional<std::int64_t> parse_utc(std::string_view text) noexcept {
    // 0123456789012345678 9
    // YYYY-MM-DDTHH:MM:SSZ
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2),
               second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    if (*year < 2000 || *year > 2199 || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{*year}, std::chrono::month{unsigned(*month)},
                              std::chrono::day{unsigned(*day)}};
    if (!date.ok()) return std::nullopt;  // e.g. February 30th
    const auto days_since = sys_days{date}.time_since_epoch().count();
    return std::int64_t{days_since} * 86400 + *hour * 3600 + *minute * 60 + *second;
}

std::string format_utc(std::int64_t seconds) {
    using namespace std::chrono;
    const sys_seconds t{std::chrono::seconds{seconds}};
    const auto day_point = floor<days>(t);
    const year_month_day date{day_point};
    const hh_mm_ss time{t - day_point};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
                  int(time.minutes().count()), int(time.seconds().count()));
    return out;
}

}  // namespace wardline::server::clinical
