// SPDX-License-Identifier: Apache-2.0
#pragma once
// Patient identifiers of patient threads (issue #5; docs/security.md, "Patient identifiers"):
// the MRN's normal form, its keyed blind index, and the checks of the identifiers a client
// sends. The identifiers themselves are sealed with the server keyring (Credentials::seal);
// only the blind index, an HMAC under a key of its own, is searchable.
#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::conversations {

/// The 32-byte HMAC-SHA-256 key of the MRN blind index. It is not the sealing key: knowing
/// it lets one test guesses of MRNs against the index, nothing more; the sealing keyring
/// opens the identifiers. The file holds one line, the key in standard base64.
class BlindIndexKey {
public:
    static constexpr std::size_t kBytes = 32;

    /// Reads the key file; throws std::runtime_error naming `setting` if it cannot.
    static BlindIndexKey load(const std::string& path, std::string_view setting);
    /// Writes a new random key file (mode 0600); for wardlinectl, tests and the quick start.
    static void write_new(const std::string& path);

    /// HMAC-SHA-256 of the normalized MRN.
    std::vector<std::uint8_t> index(std::string_view normalized_mrn) const;

    ~BlindIndexKey();
    BlindIndexKey(BlindIndexKey&&) noexcept;
    BlindIndexKey(const BlindIndexKey&) = delete;
    BlindIndexKey& operator=(const BlindIndexKey&) = delete;
    BlindIndexKey& operator=(BlindIndexKey&&) = delete;

private:
    BlindIndexKey() = default;
    std::array<std::uint8_t, kBytes> key_{};
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
