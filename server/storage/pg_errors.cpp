// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_errors.hpp"

#include <array>

namespace wardline::server::storage {
namespace {

struct Rule {
    std::string_view prefix;  // a full SQLSTATE, or a two-character class
    Errc errc;
    bool retry;
};

// The one table. First match wins, so full codes go before their class.
constexpr std::array kRules{
    Rule{"22P02", Errc::bad_request, false},  // invalid_text_representation (e.g. a bad uuid)
    Rule{"23505", Errc::conflict, false},     // unique_violation
    Rule{"40001", Errc::unavailable, true},   // serialization_failure (after retries)
    Rule{"40P01", Errc::unavailable, true},   // deadlock_detected (after retries)
    Rule{"57P01", Errc::unavailable, false},  // admin_shutdown
    Rule{"57P02", Errc::unavailable, false},  // crash_shutdown
    Rule{"57P03", Errc::unavailable, false},  // cannot_connect_now (starting up)
    Rule{"08", Errc::unavailable, false},     // connection_exception class
};

const Rule* find(std::string_view sqlstate) noexcept {
    for (const auto& rule : kRules)
        if (sqlstate.starts_with(rule.prefix)) return &rule;
    return nullptr;
}

}  // namespace

Errc errc_from_sqlstate(std::string_view sqlstate) noexcept {
    if (sqlstate.empty()) return Errc::unavailable;
    const Rule* rule = find(sqlstate);
    return rule ? rule->errc : Errc::internal;
}

bool is_retryable_sqlstate(std::string_view sqlstate) noexcept {
    const Rule* rule = find(sqlstate);
    return rule && rule->retry;
}

std::string redact(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3))
        text.replace(pos, secret.size(), "***");
    return text;
}

}  // namespace wardline::server::storage
