// SPDX-License-Identifier: Apache-2.0
#include "server/conversations/patient_identifiers.hpp"

#include "server/identity/credentials.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

namespace wardline::server::conversations {

namespace {

BlindIndexKey::Keys make_keys(std::vector<BlindIndexKey::Key> keys) {
    auto* owned = new std::vector<BlindIndexKey::Key>(std::move(keys));
    return BlindIndexKey::Keys(owned, [](const std::vector<BlindIndexKey::Key>* k) {
        for (auto& key : *const_cast<std::vector<BlindIndexKey::Key>*>(k))
            sodium_memzero(key.bytes.data(), key.bytes.size());
        delete k;
    });
}

bool decode_key(std::string_view text, std::array<std::uint8_t, BlindIndexKey::kBytes>& out) {
    std::size_t length = 0;
    return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length,
                             nullptr, sodium_base64_VARIANT_ORIGINAL) == 0 &&
           length == BlindIndexKey::kBytes;
}

/// Lines "ID BASE64KEY", or the first format's one line with the key alone (id 1).
std::vector<BlindIndexKey::Key> read_keys(const std::string& path, const std::string& where) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(where + ": cannot read the file it names");
    std::vector<BlindIndexKey::Key> keys;
    std::string line;
    int number = 0;
    const auto fail = [&](const std::string& why) {
        sodium_memzero(line.data(), line.size());
        for (auto& k : keys) sodium_memzero(k.bytes.data(), k.bytes.size());
        throw std::runtime_error(where + ": " + why);
    };
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        BlindIndexKey::Key k;
        const auto space = line.find(' ');
        if (space == std::string::npos) {
            if (keys.empty() && decode_key(line, k.bytes)) {
                k.id = 1;
            } else {
                fail("must hold one line, a 32-byte key in base64, or lines 'ID BASE64KEY' (line " +
                     std::to_string(number) + ")");
            }
        } else {
            const std::string id_text = line.substr(0, space);
            const bool digits = !id_text.empty() && id_text.size() <= 10 &&
                                std::all_of(id_text.begin(), id_text.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
            const unsigned long long id = digits ? std::stoull(id_text) : 0;
            if (id == 0 || id > 0xFFFFFFFFull ||
                !decode_key(std::string_view(line).substr(space + 1), k.bytes))
                fail("line " + std::to_string(number) + " is not 'ID BASE64KEY'");
            k.id = static_cast<std::uint32_t>(id);
            for (const auto& other : keys)
                if (other.id == k.id) fail("line " + std::to_string(number) + " repeats key id " + id_text);
        }
        keys.push_back(k);
        sodium_memzero(k.bytes.data(), k.bytes.size());
        sodium_memzero(line.data(), line.size());
    }
    if (keys.empty()) fail("must hold one line, a 32-byte key in base64");
    return keys;
}

std::string key_text(const std::array<std::uint8_t, BlindIndexKey::kBytes>& key) {
    std::string text(sodium_base64_ENCODED_LEN(BlindIndexKey::kBytes, sodium_base64_VARIANT_ORIGINAL),
                     '\0');
    sodium_bin2base64(text.data(), text.size(), key.data(), key.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    text.pop_back();
    return text;
}

/// Writes `text` beside `path` and renames it over, keeping the old file's owner and mode.
void replace_file(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp);
    struct stat old {};
    if (::stat(path.c_str(), &old) == 0) {
        if (::fchown(fd, old.st_uid, old.st_gid) != 0) {
            // Not root: the file stays the caller's.
        }
        ::fchmod(fd, old.st_mode & 0640);
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool ok = done == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot replace " + path);
    }
}

}  // namespace

BlindIndexKey BlindIndexKey::load(const std::string& path, std::string_view setting) {
    BlindIndexKey key;
    key.path_ = path;
    key.setting_ = std::string(setting);
    key.keys_ = make_keys(read_keys(path, key.setting_));
    return key;
}

std::uint32_t BlindIndexKey::reload() {
    auto fresh = make_keys(read_keys(path_, setting_));
    std::lock_guard lock(mutex_);
    const auto newest = keys_->back().id;
    if (std::none_of(fresh->begin(), fresh->end(), [newest](const Key& k) { return k.id == newest; }))
        throw std::runtime_error(setting_ + ": the new file lacks key " + std::to_string(newest) +
                                 ", which indexes now; keeping the keys loaded before");
    keys_ = std::move(fresh);
    return keys_->back().id;
}

BlindIndexKey::Keys BlindIndexKey::current() const {
    std::lock_guard lock(mutex_);
    return keys_;
}

std::uint32_t BlindIndexKey::add_key(const std::string& path) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    auto keys = read_keys(path, path);
    std::uint32_t highest = 0;
    for (const auto& k : keys) highest = std::max(highest, k.id);
    if (highest == 0xFFFFFFFFu) throw std::runtime_error("the blind index file has no key id left");
    Key fresh;
    fresh.id = highest + 1;
    randombytes_buf(fresh.bytes.data(), fresh.bytes.size());
    keys.push_back(fresh);
    sodium_memzero(fresh.bytes.data(), fresh.bytes.size());
    std::string text = "# Wardline MRN blind index keys: ID BASE64KEY per line; the last one indexes.\n";
    for (auto& k : keys) {
        auto encoded = key_text(k.bytes);
        text += std::to_string(k.id) + ' ' + encoded + '\n';
        sodium_memzero(encoded.data(), encoded.size());
        sodium_memzero(k.bytes.data(), k.bytes.size());
    }
    try {
        replace_file(path, text);
    } catch (...) {
        sodium_memzero(text.data(), text.size());
        throw;
    }
    sodium_memzero(text.data(), text.size());
    return highest + 1;
}

void BlindIndexKey::write_new(const std::string& path) {
    std::array<std::uint8_t, kBytes> key{};
    randombytes_buf(key.data(), key.size());
    std::string text = key_text(key);
    {
        std::ofstream out(path, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path);
        ::chmod(path.c_str(), 0600);
        out << text << "\n";
    }
    sodium_memzero(key.data(), key.size());
    sodium_memzero(text.data(), text.size());
}

namespace {
std::vector<std::uint8_t> hmac(const BlindIndexKey::Key& key, std::string_view normalized_mrn) {
    std::vector<std::uint8_t> mac(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key.bytes.data(), key.bytes.size());
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
}  // namespace

std::vector<std::uint8_t> BlindIndexKey::index(std::string_view normalized_mrn) const {
    const auto keys = current();
    return hmac(keys->back(), normalized_mrn);
}

std::uint32_t BlindIndexKey::key_id() const { return current()->back().id; }

std::vector<std::vector<std::uint8_t>> BlindIndexKey::all_indexes(
    std::string_view normalized_mrn) const {
    const auto keys = current();
    std::vector<std::vector<std::uint8_t>> out;
    for (auto it = keys->rbegin(); it != keys->rend(); ++it) out.push_back(hmac(*it, normalized_mrn));
    return out;
}

BlindIndexKey::~BlindIndexKey() = default;
BlindIndexKey::BlindIndexKey(BlindIndexKey&& other) noexcept
    : path_(std::move(other.path_)), setting_(std::move(other.setting_)) {
    std::lock_guard lock(other.mutex_);
    keys_ = std::move(other.keys_);
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
