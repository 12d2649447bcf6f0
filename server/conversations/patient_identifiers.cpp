// SPDX-License-Identifier: Apache-2.0
#include "server/conversations/patient_identifiers.hpp"

#include "server/identity/credentials.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <stdexcept>

namespace wardline::server::conversations {

BlindIndexKey BlindIndexKey::load(const std::string& path, std::string_view setting) {
    const std::string where(setting);
    std::ifstream in(path);
    if (!in) throw std::runtime_error(where + ": cannot read the file it names");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    BlindIndexKey key;
    std::size_t length = 0;
    if (sodium_base642bin(key.key_.data(), key.key_.size(), line.data(), line.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        length != kBytes)
        throw std::runtime_error(where + ": must hold one line, a 32-byte key in base64");
    sodium_memzero(line.data(), line.size());
    return key;
}

void BlindIndexKey::write_new(const std::string& path) {
    std::array<std::uint8_t, kBytes> key{};
    randombytes_buf(key.data(), key.size());
    std::string text(sodium_base64_ENCODED_LEN(kBytes, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), key.data(), key.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    text.pop_back();
    {
        std::ofstream out(path, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path);
        ::chmod(path.c_str(), 0600);
        out << text << "\n";
    }
    sodium_memzero(key.data(), key.size());
    sodium_memzero(text.data(), text.size());
}

std::vector<std::uint8_t> BlindIndexKey::index(std::string_view normalized_mrn) const {
    std::vector<std::uint8_t> mac(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key_.data(), key_.size());
    // Domain separation: a later index (name + date of birth, say) under the same key never
    // collides with this one.
    static constexpr std::string_view kDomain = "wardline.mrn.v1:";
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()),
                                  kDomain.size());
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char*>(normalized_mrn.data()),
                                  normalized_mrn.size());
    crypto_auth_hmacsha256_final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return mac;
}

BlindIndexKey::~BlindIndexKey() {
    sodium_memzero(key_.data(), key_.size());
}
BlindIndexKey::BlindIndexKey(BlindIndexKey&& other) noexcept : key_(other.key_) {
    sodium_memzero(other.key_.data(), other.key_.size());
}

std::optional<std::string> normalize_mrn(std::string_view typed) {
    std::string out;
    for (const char ch : typed) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == ' ' || c == '-') continue;
        if (c >= 0x80 || !std::isalnum(c)) return std::nullopt;
        out.push_back(static_cast<char>(std::toupper(c)));
    }
    if (out.empty() || out.size() > 32) return std::nullopt;
    return out;
}

namespace {

bool is_date(std::string_view s) {
    // YYYY-MM-DD with a plausible month and day; the calendar itself is the client's concern.
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    const int month = (s[5] - '0') * 10 + (s[6] - '0');
    const int day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

std::optional<CheckedPatient> check_patient(const nlohmann::json& patient, std::string& rule) {
    CheckedPatient out;
    auto mrn = normalize_mrn(patient.at("mrn").get<std::string>());
    if (!mrn) {
        rule = "patient.mrn must be 1 to 32 letters and digits (spaces and hyphens are ignored)";
        return std::nullopt;
    }
    out.normalized_mrn = *mrn;
    nlohmann::json sealed{{"mrn", *mrn}};
    struct Field {
        const char* name;
        std::size_t max;
        bool required;
    };
    for (const Field f : {Field{"name", 200, true}, Field{"encounter", 64, false},
                          Field{"unit", 64, false}, Field{"bed", 32, false}}) {
        const auto it = patient.find(f.name);
        if (it == patient.end()) {
            if (f.required) {
                rule = std::string("patient.") + f.name + " is required";
                return std::nullopt;
            }
            continue;
        }
        const std::string field = std::string("patient.") + f.name;
        if (auto problem = identity::Credentials::check_profile_text(it->get<std::string>(), field,
                                                                     f.max, f.required);
            !problem.empty()) {
            rule = problem;
            return std::nullopt;
        }
        sealed[f.name] = *it;
    }
    const auto dob = patient.at("date_of_birth").get<std::string>();
    if (!is_date(dob)) {
        rule = "patient.date_of_birth must be a date, YYYY-MM-DD";
        return std::nullopt;
    }
    sealed["date_of_birth"] = dob;
    out.sealed_json = sealed.dump();
    return out;
}

}  // namespace wardline::server::conversations
