// SPDX-License-Identifier: Apache-2.0
#include "server/audit/audit_record.hpp"

#include <sodium.h>

#include <string_view>

namespace wardline::server::audit {
namespace {

void put(crypto_generichash_state& st, std::string_view field) {
    const auto n = static_cast<std::uint32_t>(field.size());
    const std::uint8_t len[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                 static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    crypto_generichash_update(&st, len, sizeof len);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

}  // namespace

Hash chain_hash(const Hash& prev, const AuditRecord& r) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 32);
    put(st, "wardline-audit-v1");
    crypto_generichash_update(&st, prev.data(), prev.size());
    put(st, std::to_string(r.seq));
    put(st, std::to_string(r.recorded_at_us));
    for (const std::string* f : {&r.org_id, &r.actor_kind, &r.actor_id, &r.action, &r.target_kind, &r.target_id,
                                 &r.outcome, &r.severity, &r.source_address, &r.details})
        put(st, *f);
    Hash out{};
    crypto_generichash_final(&st, out.data(), out.size());
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

}  // namespace wardline::server::audit
