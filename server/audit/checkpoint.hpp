// SPDX-License-Identifier: Apache-2.0
#pragma once
// Signed checkpoints of the audit chain (docs/audit.md): an Ed25519 signature over
// "wardline-audit-checkpoint-v1", the sequence number, the record's hash and the signing time.
#include "server/audit/audit_record.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace wardline::server::audit {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

struct Checkpoint {
    std::int64_t seq = 0;
    Hash hash{};
    std::int64_t signed_at_us = 0;
    std::string key_id;  ///< first 16 hex digits of BLAKE2b(public key)
    Signature signature{};
};

/// The audit signing key: an Ed25519 key pair read from a file outside the database.
class SigningKey {
public:
    /// Reads a key file written by write_new(). Throws std::runtime_error naming the
    /// configuration key `what` (never key material) if it cannot.
    static SigningKey load(const std::string& path, const std::string& what);
    /// Writes a new key file (mode 0600) and returns the key. Throws if the file exists.
    static SigningKey write_new(const std::string& path);
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) = delete;

    const PublicKey& public_key() const { return public_; }
    Checkpoint sign(std::int64_t seq, const Hash& hash, std::int64_t signed_at_us) const;

private:
    SigningKey() = default;
    std::array<std::uint8_t, 64> secret_{};
    PublicKey public_{};
};

std::string key_id(const PublicKey& key);
/// Base64 text of a public key, and back (nullopt unless exactly 32 bytes).
std::string public_key_text(const PublicKey& key);
std::optional<PublicKey> parse_public_key(const std::string& text);
/// True if the signature is valid for the checkpoint's fields under `key`.
bool verify_checkpoint(const Checkpoint& c, const PublicKey& key);

}  // namespace wardline::server::audit
