// SPDX-License-Identifier: Apache-2.0
#pragma once
// Patient identifiers of patient threads (issue #5; docs/security.md, "Patient identifiers"):
// the MRN's normal form, its keyed blind index, and the checks of the identifiers a client
// sends. The identifiers themselves are sealed with the server keyring (Credentials::seal);
// only the blind index, an HMAC under a key of its own, is searchable.
#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::conversations {

/// The 32-byte HMAC-SHA-256 keys of the MRN blind index. They are not the sealing keys: knowing
/// one lets one test guesses of MRNs against the index, nothing more; the sealing keyring opens
/// the identifiers. The file holds lines "ID BASE64KEY" (the last one indexes new threads, every
/// one is looked up), or one line with the key alone (key id 1, the first format).
/// Rotation (docs/security.md, "Key management"): `wardlinectl keys rotate-blind-index` adds a
/// key, SIGHUP reloads it (reload()), `wardlinectl keys reindex` recomputes the old rows.
class BlindIndexKey {
public:
    static constexpr std::size_t kBytes = 32;

    /// Reads the key file; throws std::runtime_error naming `setting` if it cannot.
    static BlindIndexKey load(const std::string& path, std::string_view setting);
    /// Writes a new random key file (mode 0600); for wardlinectl, tests and the quick start.
    static void write_new(const std::string& path);
    /// Appends a new random key (id one more than the highest), rewriting the file beside
    /// itself with its owner and mode; returns the new id. Throws if the file does not load.
    static std::uint32_t add_key(const std::string& path);

    /// HMAC-SHA-256 of the normalized MRN under the newest key.
    std::vector<std::uint8_t> index(std::string_view normalized_mrn) const;
    /// The id of the newest key (the one index() uses).
    std::uint32_t key_id() const;
    /// The index under every key, newest first: what a lookup searches for while old rows
    /// are still indexed under older keys.
    std::vector<std::vector<std::uint8_t>> all_indexes(std::string_view normalized_mrn) const;
    /// Re-reads the file (SIGHUP), safe while other threads index. The new file must still
    /// hold the newest key; otherwise (or if it does not load) it throws and nothing changes.
    /// Returns the newest key id.
    std::uint32_t reload();

    ~BlindIndexKey();
    BlindIndexKey(BlindIndexKey&&) noexcept;
    BlindIndexKey(const BlindIndexKey&) = delete;
    BlindIndexKey& operator=(const BlindIndexKey&) = delete;
    BlindIndexKey& operator=(BlindIndexKey&&) = delete;

    struct Key {
        std::uint32_t id = 0;
        std::array<std::uint8_t, kBytes> bytes{};
    };
    using Keys = std::shared_ptr<const std::vector<Key>>;

private:
    BlindIndexKey() = default;
    Keys current() const;

    std::string path_;
    std::string setting_;
    mutable std::mutex mutex_;  // guards keys_ (the pointer; the keys never change)
    Keys keys_;
};

/// The MRN as the index sees it: spaces and hyphens dropped, ASCII letters upper-cased. Empty
/// (nullopt) if what remains is not 1 to 32 ASCII letters and digits.
std::optional<std::string> normalize_mrn(std::string_view typed);

/// Checks the `patient` object of conversations.create (the schema already checked its shape)
/// and returns it in the form that is sealed, with the MRN normalized; or the rule broken, in
/// words that never repeat the value.
struct CheckedPatient {
    std::string normalized_mrn;
    std::string sealed_json;  ///< the JSON text to seal
};
std::optional<CheckedPatient> check_patient(const nlohmann::json& patient, std::string& rule);

}  // namespace wardline::server::conversations
