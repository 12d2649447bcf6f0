// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/oncall_csv.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace wardline::server::clinical {
namespace {

/// The fields of one line (RFC 4180 quoting), or nullopt if a quote is unbalanced.
std::optional<std::vector<std::string>> split_fields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"' && fields.back().empty()) {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    if (quoted) return std::nullopt;
    return fields;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

CsvSchedule parse_oncall_csv(std::string_view text) {
    CsvSchedule out;
    std::size_t number = 0;
    bool header_seen = false;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trimmed(line).empty()) continue;
        auto fields = split_fields(line);
        if (!fields) {
            out.problems.push_back({number, "unbalanced quote"});
            continue;
        }
        for (auto& f : *fields) f = trimmed(f);
        if (!header_seen) {
            header_seen = true;
            const std::vector<std::string> expected{"team", "username", "start", "end", "role"};
            std::vector<std::string> got;
            for (const auto& f : *fields) got.push_back(lower(f));
            if (got != expected)
                out.problems.push_back({number, "the header must be team,username,start,end,role"});
            continue;
        }
        if (fields->size() != 5) {
            out.problems.push_back({number,
                                    "expected 5 columns (team,username,start,end,role), "
                                    "found " +
                                        std::to_string(fields->size())});
            continue;
        }
        if (out.shifts.size() + out.problems.size() >= kMaxCsvShifts) {
            out.problems.push_back({number, "more than 10000 shifts in one file; split it"});
            break;
        }
        CsvShift shift;
        shift.line = number;
        shift.team = (*fields)[0];
        shift.username = (*fields)[1];
        shift.role = lower((*fields)[4]);
        if (std::string rule = check_team_name(shift.team); !rule.empty()) {
            out.problems.push_back({number, rule});
            continue;
        }
        if (shift.username.empty()) {
            out.problems.push_back({number, "username is empty"});
            continue;
        }
        if (std::string rule = check_shift((*fields)[2], (*fields)[3], shift.role, shift.times);
            !rule.empty()) {
            out.problems.push_back({number, rule});
            continue;
        }
        out.shifts.push_back(std::move(shift));
    }
    if (!header_seen)
        out.problems.push_back({1,
                                "the file is empty; it needs the header "
                                "team,username,start,end,role"});
    return out;
}

}  // namespace wardline::server::clinical
