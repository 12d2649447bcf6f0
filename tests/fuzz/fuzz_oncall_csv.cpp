// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the on-call schedule CSV of `wardlinectl oncall import` and the ISO 8601
// UTC times it holds: any bytes parse to shifts and problems, never a crash; every accepted
// shift follows the shift rules and every line number is inside the file.
#include "server/clinical/iso_time.hpp"
#include "server/clinical/oncall_csv.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wardline::server::clinical;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    const auto schedule = parse_oncall_csv(text);
    for (const auto& shift : schedule.shifts) {
        if (shift.line < 2 || shift.line > lines) __builtin_trap();
        if (shift.times.end <= shift.times.start) __builtin_trap();
        if (shift.times.end - shift.times.start > kMaxShiftSeconds) __builtin_trap();
        if (shift.role != "primary" && shift.role != "backup") __builtin_trap();
        if (parse_utc(format_utc(shift.times.start)) != shift.times.start) __builtin_trap();
    }
    for (const auto& problem : schedule.problems)
        if (problem.line < 1 || problem.line > lines || problem.message.empty()) __builtin_trap();
    if (schedule.shifts.size() > kMaxCsvShifts) __builtin_trap();
    // The time parser alone, on the first 20 bytes.
    if (const auto t = parse_utc(text.substr(0, 20)); t && format_utc(*t) != text.substr(0, 20))
        __builtin_trap();
    return 0;
}
