// SPDX-License-Identifier: Apache-2.0
// The credential operations of the login flow: Unicode rules (ICU), Argon2id and sealing
// (libsodium), TOTP (RFC 6238 over OpenSSL HMAC-SHA1), recovery codes and session tokens.
#include "server/identity/credentials.hpp"

#include "common/core/embedded.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

namespace wardline::embedded {
std::span<const EmbeddedFile> common_passwords();
}

namespace wardline::server::identity {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// Recovery codes and one-time passwords avoid look-alikes (0/O, 1/l/I).
constexpr char kFriendly[] = "abcdefghjkmnpqrstuvwxyz23456789";
constexpr std::size_t kMaxPasswordCodePoints = 256;
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMinPrivilegedPassword = 15;

/// Valid UTF-8 → NFKC → case folded (full folding), or nullopt for invalid UTF-8.
std::optional<std::string> fold(std::string_view text, bool case_fold) {
    UErrorCode ec = U_ZERO_ERROR;
    std::u16string utf16(text.size() + 1, u'\0');
    int32_t len16 = 0;
    u_strFromUTF8(reinterpret_cast<UChar*>(utf16.data()), static_cast<int32_t>(utf16.size()), &len16,
                  text.data(), static_cast<int32_t>(text.size()), &ec);
    if (U_FAILURE(ec)) return std::nullopt;  // invalid UTF-8 is refused, never repaired
    utf16.resize(static_cast<std::size_t>(len16));
    const UNormalizer2* nfkc = case_fold ? unorm2_getNFKCCasefoldInstance(&ec) : unorm2_getNFKCInstance(&ec);
    if (U_FAILURE(ec)) return std::nullopt;
    std::u16string out(utf16.size() * 4 + 16, u'\0');
    const int32_t n = unorm2_normalize(nfkc, reinterpret_cast<const UChar*>(utf16.data()), len16,
                                       reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), &ec);
    if (U_FAILURE(ec)) return std::nullopt;
    std::string utf8(static_cast<std::size_t>(n) * 4 + 1, '\0');
    int32_t len8 = 0;
    u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &len8,
                reinterpret_cast<const UChar*>(out.data()), n, &ec);
    if (U_FAILURE(ec)) return std::nullopt;
    utf8.resize(static_cast<std::size_t>(len8));
    return utf8;
}

std::size_t code_points(std::string_view utf8) {
    std::size_t n = 0;
    for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
    return n;
}

std::string random_text(const char* alphabet, std::size_t alphabet_size, int length, int group) {
    std::string out;
    for (int i = 0; i < length; ++i) {
        if (group > 0 && i > 0 && i % group == 0) out += '-';
        out += alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet_size))];
    }
    return out;
}

std::string base32(std::span<const std::uint8_t> data) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (auto b : data) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += kBase32[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
    return out;
}

std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

Bytes blake2b(std::string_view domain, std::string_view data) {
    Bytes out(32);
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, out.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    crypto_generichash_final(&st, out.data(), out.size());
    return out;
}

std::string totp_code_at(std::span<const std::uint8_t> secret, std::int64_t step, int digits);

struct SealingKey {
    std::uint32_t id = 0;
    std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> key{};
};

/// The loaded keys; zeroed when the last holder lets go (a reload swaps the whole set).
using Keyring = std::shared_ptr<const std::vector<SealingKey>>;

Keyring make_keyring(std::vector<SealingKey> keys) {
    auto* owned = new std::vector<SealingKey>(std::move(keys));
    return Keyring(owned, [](const std::vector<SealingKey>* k) {
        auto* mutable_keys = const_cast<std::vector<SealingKey>*>(k);
        for (auto& key : *mutable_keys) sodium_memzero(key.key.data(), key.key.size());
        delete k;
    });
}

constexpr const char* kSetting = "identity.sealing_keyring_file";

/// Keyring file: lines "ID BASE64KEY" (ID 1..2^32-1, the key 32 bytes), '#' comments; the
/// last key seals, every key opens. Others may not read it, nor the group write it: it is the
/// key to every sealed column (docs/install.md gives it to the server's group, mode 0640).
std::vector<SealingKey> load_keyring(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error(std::string(kSetting) + ": cannot read the file it names");
    if ((st.st_mode & 027) != 0)
        throw std::runtime_error(std::string(kSetting) +
                                 ": the file must be readable by its owner (and group) only, "
                                 "writable by its owner only (chmod 600 or 640)");
    std::ifstream in(path);
    if (!in) throw std::runtime_error(std::string(kSetting) + ": cannot read the file it names");
    std::vector<SealingKey> keys;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        SealingKey k;
        std::size_t len = 0;
        unsigned long id = 0;
        const bool digits =
            space != std::string::npos && space > 0 && space <= 10 &&
            std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(space),
                        [](char c) { return c >= '0' && c <= '9'; });
        if (digits) id = std::stoul(line.substr(0, space));
        const bool ok = digits && id != 0 && id <= 0xFFFFFFFFul &&
                        sodium_base642bin(k.key.data(), k.key.size(), line.data() + space + 1,
                                          line.size() - space - 1, nullptr, &len, nullptr,
                                          sodium_base64_VARIANT_ORIGINAL) == 0 &&
                        len == k.key.size();
        sodium_memzero(line.data(), line.size());
        if (!ok) {
            for (auto& key : keys) sodium_memzero(key.key.data(), key.key.size());
            sodium_memzero(k.key.data(), k.key.size());
            throw std::runtime_error(std::string(kSetting) + ": line " + std::to_string(number) +
                                     " is not 'ID BASE64KEY'");
        }
        k.id = static_cast<std::uint32_t>(id);
        const bool twice = std::any_of(keys.begin(), keys.end(),
                                       [&](const SealingKey& other) { return other.id == k.id; });
        if (twice) {
            for (auto& key : keys) sodium_memzero(key.key.data(), key.key.size());
            sodium_memzero(k.key.data(), k.key.size());
            throw std::runtime_error(std::string(kSetting) + ": line " + std::to_string(number) +
                                     " repeats key id " + std::to_string(id));
        }
        keys.push_back(k);
        sodium_memzero(k.key.data(), k.key.size());
    }
    if (keys.empty()) throw std::runtime_error(std::string(kSetting) + ": holds no key");
    return keys;
}

/// Writes `text` to a new file beside `path` and renames it over `path`, so a reader (a
/// server reloading on SIGHUP) sees the old file or the new one, never half of one. The new
/// file keeps the old one's owner, group and mode (at most 0640; 0600 for a new file): an
/// operator rotating as root must not take the keyring away from the server's user.
void replace_file(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp);
    struct stat old {};
    if (::stat(path.c_str(), &old) == 0) {
        if (::fchown(fd, old.st_uid, old.st_gid) != 0) {
            // Not root: the file stays the caller's, which is its owner's when it may write it.
        }
        ::fchmod(fd, old.st_mode & 0640);
    } else {
        ::fchmod(fd, 0600);
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error("cannot write " + tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot replace " + path);
    }
}

/// The whole file as text (it holds keys: the caller zeroes it).
std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::optional<Bytes> base32_decode(std::string_view text) {
    Bytes out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const char* at = std::strchr(kBase32, std::toupper(static_cast<unsigned char>(c)));
        if (c == '\0' || at == nullptr) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(at - kBase32);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    return out;
}

std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t unix_seconds) {
    return totp_code_at(secret, unix_seconds / 30, 6);
}

std::vector<std::uint32_t> keyring_key_ids(const std::string& path) {
    const auto keys = make_keyring(load_keyring(path));
    std::vector<std::uint32_t> ids;
    for (const auto& k : *keys) ids.push_back(k.id);
    return ids;
}

std::uint32_t add_keyring_key(const std::string& path) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    const bool fresh = ::access(path.c_str(), F_OK) != 0;
    std::uint32_t next = 1;
    std::string text;
    if (!fresh) {
        const auto ids = keyring_key_ids(path);  // refuses a damaged or exposed file
        const auto highest = *std::max_element(ids.begin(), ids.end());
        if (highest == 0xFFFFFFFFu) throw std::runtime_error("the keyring has no key id left");
        next = highest + 1;
        text = read_all(path);
        if (!text.empty() && text.back() != '\n') text += '\n';
    } else {
        text = "# Wardline sealing keyring: ID BASE64KEY per line; the last key seals, all open.\n";
    }
    std::uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    char encoded[sodium_base64_ENCODED_LEN(sizeof key, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(encoded, sizeof encoded, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(key, sizeof key);
    text += std::to_string(next) + ' ' + encoded + '\n';
    sodium_memzero(encoded, sizeof encoded);
    try {
        replace_file(path, text);
    } catch (...) {
        sodium_memzero(text.data(), text.size());
        throw;
    }
    sodium_memzero(text.data(), text.size());
    return next;
}

void remove_keyring_key(const std::string& path, std::uint32_t id) {
    const auto ids = keyring_key_ids(path);
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
        throw std::runtime_error("the keyring has no key " + std::to_string(id));
    if (ids.back() == id)
        throw std::runtime_error("key " + std::to_string(id) +
                                 " seals new rows; rotate to a new key before retiring it");
    std::string text = read_all(path);
    std::string kept;
    std::size_t start = 0;
    const std::string prefix = std::to_string(id) + ' ';
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + start, end - start);
        if (line.rfind(prefix, 0) != 0) {
            kept.append(line);
            kept += '\n';
        }
        start = end + 1;
    }
    sodium_memzero(text.data(), text.size());
    try {
        replace_file(path, kept);
    } catch (...) {
        sodium_memzero(kept.data(), kept.size());
        throw;
    }
    sodium_memzero(kept.data(), kept.size());
}

struct Credentials::Impl {
    unsigned long long ops;
    std::size_t mem;
    std::string issuer;
    std::string keyring_path;
    mutable std::mutex keys_mutex;  // guards `keys` (the pointer; the keys never change)
    Keyring keys;                   // the last one seals; null without a keyring
    std::unordered_set<std::string> common;
    std::string dummy_hash;
    USpoofChecker* spoof = nullptr;

    ~Impl() {
        if (spoof) uspoof_close(spoof);
    }

    Keyring current() const {
        std::lock_guard lock(keys_mutex);
        return keys;
    }
};

Credentials::Credentials(const std::string& keyring_file, unsigned long long argon_ops,
                         std::size_t argon_mem_bytes, std::string totp_issuer)
    : impl_(std::make_unique<Impl>()) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    if (argon_ops < 2 || argon_mem_bytes < 19456u * 1024u)
        throw std::runtime_error("Argon2id parameters below the OWASP minimum (t=2, m=19 MiB)");
    impl_->ops = argon_ops;
    impl_->mem = argon_mem_bytes;
    impl_->issuer = std::move(totp_issuer);
    impl_->keyring_path = keyring_file;
    if (!keyring_file.empty()) impl_->keys = make_keyring(load_keyring(keyring_file));
    for (const auto& file : embedded::common_passwords()) {
        std::string_view text = file.contents;
        while (!text.empty()) {
            const auto nl = text.find('\n');
            auto line = text.substr(0, nl);
            if (!line.empty() && line.front() != '#')
                if (auto folded = fold(line, true)) impl_->common.insert(*folded);
            if (nl == std::string_view::npos) break;
            text.remove_prefix(nl + 1);
        }
    }
    impl_->dummy_hash = hash_password("a password nobody has, for unknown accounts");
    UErrorCode ec = U_ZERO_ERROR;
    impl_->spoof = uspoof_open(&ec);
    if (U_FAILURE(ec)) throw std::runtime_error("ICU spoof checker unavailable");
}

Credentials::~Credentials() = default;

std::optional<std::string> Credentials::canonical_username(std::string_view typed) const {
    auto forms = username_forms(typed);
    if (auto* f = std::get_if<UsernameForms>(&forms)) return f->canonical;
    return std::nullopt;
}

std::variant<Credentials::UsernameForms, std::string> Credentials::username_forms(std::string_view typed) const {
    if (typed.size() > 256) return std::string("a username has at most 64 characters");
    auto canonical = fold(typed, true);
    if (!canonical) return std::string("a username must be valid UTF-8");
    const auto n = code_points(*canonical);
    if (n < 3 || n > 64) return std::string("a username has 3 to 64 characters");
    // Letters and digits of any script, '.', '_' and '-'; no spaces, no controls, no symbols.
    const auto* p = reinterpret_cast<const uint8_t*>(canonical->data());
    int32_t i = 0;
    const auto len = static_cast<int32_t>(canonical->size());
    while (i < len) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0) return std::string("a username must be valid UTF-8");
        if (c == '.' || c == '_' || c == '-') continue;
        if (!u_isalnum(c)) return std::string("a username may hold letters, digits, '.', '_' and '-' only");
    }
    // The UTS #39 skeleton maps look-alikes ("pаul" with a Cyrillic а, "paul") to one string;
    // the database keeps it unique per organization.
    UErrorCode ec = U_ZERO_ERROR;
    std::string skeleton(canonical->size() * 4 + 16, '\0');
    const int32_t sk = uspoof_getSkeletonUTF8(impl_->spoof, 0, canonical->data(), len, skeleton.data(),
                                              static_cast<int32_t>(skeleton.size()), &ec);
    if (U_FAILURE(ec)) return std::string("a username must be valid UTF-8");
    skeleton.resize(static_cast<std::size_t>(sk));
    return UsernameForms{*canonical, skeleton};
}

std::string Credentials::check_profile_text(std::string_view text, std::string_view field,
                                            std::size_t max_code_points, bool required) {
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    const auto len = static_cast<int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
    std::size_t count = 0;
    bool visible = false;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0) return std::string(field) + " must be valid UTF-8 text";
        ++count;
        switch (u_charType(c)) {
            case U_CONTROL_CHAR:
            case U_FORMAT_CHAR:
            case U_LINE_SEPARATOR:
            case U_PARAGRAPH_SEPARATOR:
            case U_PRIVATE_USE_CHAR:
            case U_UNASSIGNED:
            case U_SURROGATE:
                return std::string(field) +
                       " must not contain invisible, control or text-direction characters";
            default:
                break;
        }
        visible = visible || !u_isUWhiteSpace(c);
    }
    if (count > max_code_points) {
        return std::string(field) + " has at most " + std::to_string(max_code_points) +
               " characters";
    }
    if (required && !visible) return std::string(field) + " must not be blank";
    return "";
}

std::string Credentials::check_new_password(std::string_view password, std::string_view username,
                                            std::string_view org_name, bool privileged) const {
    const auto normalized = fold(password, false);
    if (!normalized) return "the password must be valid UTF-8 text";
    const auto n = code_points(*normalized);
    const std::size_t minimum = privileged ? kMinPrivilegedPassword : kMinPassword;
    if (n < minimum) return "the password must have at least " + std::to_string(minimum) + " characters";
    if (n > kMaxPasswordCodePoints) return "the password must have at most 256 characters";
    const auto folded = fold(password, true).value_or("");
    if (impl_->common.contains(folded)) return "the password is on the list of common or breached passwords";
    for (std::string_view part : {username, org_name}) {
        const auto p = fold(part, true).value_or("");
        if (code_points(p) >= 3 && folded.find(p) != std::string::npos)
            return part == username ? "the password must not contain the username"
                                    : "the password must not contain the organization's name";
    }
    return "";
}

std::string Credentials::hash_password(std::string_view password) const {
    const auto normalized = fold(password, false).value_or(std::string(password));
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, normalized.data(), normalized.size(), impl_->ops, impl_->mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("Argon2id ran out of memory");
    return out;
}

bool Credentials::verify_password(std::string_view password, std::string_view stored_hash) const {
    const auto normalized = fold(password, false);
    if (!normalized) return false;
    const std::string hash(stored_hash);
    return crypto_pwhash_str_verify(hash.c_str(), normalized->data(), normalized->size()) == 0;
}

void Credentials::verify_dummy(std::string_view password) const {
    (void)verify_password(password, impl_->dummy_hash);
}

Bytes Credentials::new_totp_secret() const {
    Bytes secret(20);  // 160 bits, RFC 4226 §4 R6
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

std::string Credentials::totp_secret_text(std::span<const std::uint8_t> secret) const { return base32(secret); }

std::string Credentials::totp_uri(std::string_view org_name, std::string_view username,
                                  std::span<const std::uint8_t> secret) const {
    const std::string issuer = impl_->issuer + " " + std::string(org_name);
    return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(username) +
           "?secret=" + base32(secret) + "&issuer=" + percent_encode(issuer) +
           "&algorithm=SHA1&digits=6&period=30";
}

namespace {
std::string totp_code_at(std::span<const std::uint8_t> secret, std::int64_t step, int digits) {
    std::uint8_t counter[8];
    for (int i = 7; i >= 0; --i) {
        counter[i] = static_cast<std::uint8_t>(step & 0xFF);
        step >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter, sizeof counter, mac, &mac_len);
    const int offset = mac[mac_len - 1] & 0x0F;  // RFC 4226 §5.3 dynamic truncation
    const std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                              (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                              (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
    std::uint32_t mod = 1;
    for (int i = 0; i < digits; ++i) mod *= 10;
    std::string code = std::to_string(bin % mod);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}
}  // namespace

std::optional<std::int64_t> Credentials::totp_check(std::span<const std::uint8_t> secret,
                                                    std::string_view code, std::int64_t unix_seconds,
                                                    std::int64_t last_used_step) const {
    if (code.size() != 6 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const std::int64_t now_step = unix_seconds / 30;
    for (std::int64_t step = now_step - 1; step <= now_step + 1; ++step) {  // RFC 6238 §5.2
        if (step <= last_used_step) continue;
        const auto expected = totp_code_at(secret, step, 6);
        if (sodium_memcmp(expected.data(), code.data(), 6) == 0) return step;
    }
    return std::nullopt;
}

std::vector<std::string> Credentials::new_recovery_codes() const {
    std::vector<std::string> out;
    // 16 characters of a 31-letter alphabet: about 79 bits each.
    for (int i = 0; i < 10; ++i) out.push_back(random_text(kFriendly, sizeof kFriendly - 1, 16, 4));
    return out;
}

std::optional<Bytes> Credentials::recovery_code_hash(std::string_view typed) const {
    if (typed.size() > 64) return std::nullopt;
    std::string normalized;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::string_view(kFriendly).find(lower) == std::string_view::npos) return std::nullopt;
        normalized += lower;
    }
    if (normalized.size() != 16) return std::nullopt;
    return blake2b("wardline recovery code v1", normalized);
}

Credentials::Token Credentials::new_session_token() const {
    std::uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    Token t{text, {}};
    t.hash = *session_token_hash(t.text);
    return t;
}

std::optional<Bytes> Credentials::session_token_hash(std::string_view text) const {
    std::uint8_t raw[32];
    std::size_t len = 0;
    if (text.size() != 43 ||
        sodium_base642bin(raw, sizeof raw, text.data(), text.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != 32)
        return std::nullopt;
    auto h = blake2b("wardline session token v1", std::string_view(reinterpret_cast<char*>(raw), len));
    sodium_memzero(raw, sizeof raw);
    return h;
}

// Sealed blob: version 1 (1 byte) || key id (4 bytes, big-endian) || nonce (24) || ciphertext.
Bytes Credentials::seal(std::span<const std::uint8_t> plaintext, std::string_view associated) const {
    const Keyring keys = impl_->current();
    if (!keys) throw std::logic_error("no sealing keyring loaded");
    const auto& k = keys->back();
    Bytes out(1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
              crypto_aead_xchacha20poly1305_ietf_ABYTES);
    out[0] = 1;
    for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<std::uint8_t>(k.id >> (24 - 8 * i));
    std::uint8_t* nonce = out.data() + 5;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plaintext.data(), plaintext.size(),
        reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nullptr, nonce,
        k.key.data());
    return out;
}

std::optional<Bytes> Credentials::open(std::span<const std::uint8_t> sealed, std::string_view associated) const {
    constexpr std::size_t kHeader = 1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (sealed.size() < kHeader + crypto_aead_xchacha20poly1305_ietf_ABYTES || sealed[0] != 1) return std::nullopt;
    std::uint32_t id = 0;
    for (int i = 0; i < 4; ++i) id = (id << 8) | sealed[1 + i];
    const Keyring keys = impl_->current();
    if (!keys) return std::nullopt;
    const auto it =
        std::find_if(keys->begin(), keys->end(), [id](const SealingKey& k) { return k.id == id; });
    if (it == keys->end()) return std::nullopt;
    Bytes out(sealed.size() - kHeader - crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.data(), &mlen, nullptr, sealed.data() + kHeader, sealed.size() - kHeader,
            reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), sealed.data() + 5,
            it->key.data()) != 0)
        return std::nullopt;
    return out;
}

std::uint32_t Credentials::reload_keyring() {
    if (impl_->keyring_path.empty()) throw std::runtime_error("no sealing keyring is configured");
    Keyring fresh = make_keyring(load_keyring(impl_->keyring_path));
    std::lock_guard lock(impl_->keys_mutex);
    if (impl_->keys) {
        const auto sealing = impl_->keys->back().id;
        const bool kept = std::any_of(fresh->begin(), fresh->end(),
                                      [sealing](const SealingKey& k) { return k.id == sealing; });
        if (!kept)
            throw std::runtime_error(std::string(kSetting) + ": the new keyring lacks key " +
                                     std::to_string(sealing) +
                                     ", which seals now; keeping the keys loaded before");
    }
    impl_->keys = std::move(fresh);
    return impl_->keys->back().id;
}

std::uint32_t Credentials::sealing_key_id() const {
    const Keyring keys = impl_->current();
    return keys ? keys->back().id : 0;
}

std::vector<std::uint32_t> Credentials::key_ids() const {
    const Keyring keys = impl_->current();
    std::vector<std::uint32_t> ids;
    if (keys)
        for (const auto& k : *keys) ids.push_back(k.id);
    return ids;
}

std::optional<std::uint32_t> Credentials::sealed_key_id(std::span<const std::uint8_t> sealed) {
    constexpr std::size_t kHeader = 1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (sealed.size() < kHeader + crypto_aead_xchacha20poly1305_ietf_ABYTES || sealed[0] != 1)
        return std::nullopt;
    std::uint32_t id = 0;
    for (int i = 0; i < 4; ++i) id = (id << 8) | sealed[1 + i];
    return id;
}

std::string Credentials::new_one_time_password() const {
    // 20 characters of a 31-letter alphabet: about 99 bits, typed once.
    return random_text(kFriendly, sizeof kFriendly - 1, 20, 5);
}

}  // namespace wardline::server::identity
