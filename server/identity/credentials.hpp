// SPDX-License-Identifier: Apache-2.0
#pragma once
// The credential operations the identity services need, over the credential library
// (server/auth: Unicode rules, Argon2id, TOTP, recovery codes, tokens, sealing). Kept as one
// narrow facade so the services read as the login flow, not as crypto.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::server::identity {

using Bytes = std::vector<std::uint8_t>;

class Credentials {
public:
    /// Loads the sealing keyring (TOTP secrets at rest) from `keyring_file`. Throws
    /// std::runtime_error (start-up failure) if it cannot. `argon_ops` and `argon_mem_bytes`
    /// are the Argon2id parameters; `totp_issuer` names the service in authenticator apps.
    Credentials(const std::string& keyring_file, unsigned long long argon_ops,
                std::size_t argon_mem_bytes, std::string totp_issuer);
    ~Credentials();

    /// NFKC + case fold + character rules; nullopt if the text cannot be a username.
    std::optional<std::string> canonical_username(std::string_view typed) const;
    /// Canonical form and confusable skeleton, or a message saying which rule failed.
    struct UsernameForms {
        std::string canonical;
        std::string skeleton;
    };
    std::variant<UsernameForms, std::string> username_forms(std::string_view typed) const;

    /// Empty if `text` may be shown as a colleague's `field` (display name, department, job
    /// title), else the rule it breaks, in words for the administrator: valid UTF-8, at most
    /// `max_code_points`, at least one visible character if `required`, and none of the
    /// characters that let a name look like another or reorder what is shown around it —
    /// controls, format characters (bidirectional overrides and isolates, zero-width
    /// characters, the byte-order mark), line and paragraph separators, private-use and
    /// unassigned code points.
    static std::string check_profile_text(std::string_view text, std::string_view field,
                                          std::size_t max_code_points, bool required);

    /// Empty if `password` may be set, else the rule it breaks, in words for the user.
    std::string check_new_password(std::string_view password, std::string_view username,
                                   std::string_view org_name, bool privileged) const;

    // Argon2id: CPU- and memory-heavy, call on the worker pool.
    std::string hash_password(std::string_view password) const;
    bool verify_password(std::string_view password, std::string_view stored_hash) const;
    /// Costs what a verify costs, for unknown accounts.
    void verify_dummy(std::string_view password) const;

    Bytes new_totp_secret() const;
    std::string totp_secret_text(std::span<const std::uint8_t> secret) const;
    std::string totp_uri(std::string_view org_name, std::string_view username,
                         std::span<const std::uint8_t> secret) const;
    /// The RFC 6238 time step the code matches (±1 step of `unix_seconds`) and that is later
    /// than `last_used_step`; nullopt for a wrong, malformed or replayed code.
    std::optional<std::int64_t> totp_check(std::span<const std::uint8_t> secret,
                                           std::string_view code, std::int64_t unix_seconds,
                                           std::int64_t last_used_step) const;

    std::vector<std::string> new_recovery_codes() const;
    /// Hash of a recovery code as the user typed it (normalized); nullopt if malformed.
    std::optional<Bytes> recovery_code_hash(std::string_view typed) const;

    struct Token {
        std::string text;
        Bytes hash;
    };
    Token new_session_token() const;
    /// Hash of a presented token; nullopt if malformed.
    std::optional<Bytes> session_token_hash(std::string_view text) const;

    /// Seals under the keyring's newest key (the last line of the file).
    Bytes seal(std::span<const std::uint8_t> plaintext, std::string_view associated) const;
    /// Opens under whichever loaded key the sealed value names; nullopt if that key is not
    /// loaded, or the value or its associated data was changed.
    std::optional<Bytes> open(std::span<const std::uint8_t> sealed, std::string_view associated) const;

    /// Re-reads the keyring file named at construction (the server does on SIGHUP), safe while
    /// other threads seal and open. The new keyring must still hold the key that seals now
    /// (retiring removes only older keys); otherwise, or if the file is unusable, it throws
    /// std::runtime_error (naming the file and line, never key material) and the keys loaded
    /// before stay in use. Returns the id of the key that seals from now on.
    std::uint32_t reload_keyring();
    /// The id of the key that seals (0 if no keyring is loaded).
    std::uint32_t sealing_key_id() const;
    /// The ids of the loaded keys, in file order (the last one seals).
    std::vector<std::uint32_t> key_ids() const;
    /// The key id a sealed value names; nullopt if it is not a sealed value of this format.
    static std::optional<std::uint32_t> sealed_key_id(std::span<const std::uint8_t> sealed);

    /// A fresh one-time password for an administrator to hand over.
    std::string new_one_time_password() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Base32 (RFC 4648, no padding, case-insensitive); nullopt on a character outside it.
std::optional<Bytes> base32_decode(std::string_view text);
/// The 6-digit RFC 6238 code of `secret` at `unix_seconds` (tests and tools).
std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t unix_seconds);
/// Appends a new random key to the keyring file (creating it with mode 0600), which then seals;
/// returns its id (one more than the highest). An existing file is checked first as the server
/// would load it, and is left unchanged if that fails. Old keys keep opening what they sealed,
/// so rotation needs no downtime.
std::uint32_t add_keyring_key(const std::string& path);
/// The key ids of a keyring file, in file order, after the checks the server makes when it
/// loads it: readable, no access for others and no writing for the group, every line "ID BASE64KEY", ids
/// unique. Throws std::runtime_error naming the file's line, never key material.
std::vector<std::uint32_t> keyring_key_ids(const std::string& path);
/// Rewrites the keyring file without key `id` (a new file renamed over the old, mode 0600).
/// Throws std::runtime_error if the file has no such key or `id` is the key that seals.
void remove_keyring_key(const std::string& path, std::uint32_t id);

}  // namespace wardline::server::identity
