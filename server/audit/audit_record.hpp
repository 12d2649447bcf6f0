// SPDX-License-Identifier: Apache-2.0
#pragma once
// One audit record and its place in the hash chain (docs/audit.md): the canonical bytes that
// are hashed, so that the server, wardlinectl and an offline verifier agree on every bit.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wardline::server::audit {

using Hash = std::array<std::uint8_t, 32>;

struct AuditRecord {
    std::int64_t seq = 0;
    std::int64_t recorded_at_us = 0;  ///< microseconds since the Unix epoch, UTC
    std::string org_id;               ///< empty: not tied to an organization
    std::string actor_kind;           ///< user | device | session | system | anonymous
    std::string actor_id;
    std::string action;
    std::string target_kind;
    std::string target_id;
    std::string outcome;   ///< success | failure | denied
    std::string severity;  ///< info | high
    std::string source_address;
    std::string details;  ///< JSON text exactly as stored
};

/// The hash before the first record.
inline constexpr Hash kGenesis{};

/// BLAKE2b-256 over "wardline-audit-v1", prev, then every field of `r` in declaration order,
/// each as a 4-byte big-endian length and its bytes (numbers as decimal text).
Hash chain_hash(const Hash& prev, const AuditRecord& r);

/// Lower-case hex of a hash, for reports.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace wardline::server::audit
