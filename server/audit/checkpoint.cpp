// SPDX-License-Identifier: Apache-2.0
#include "server/audit/checkpoint.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace wardline::server::audit {
namespace {

constexpr std::string_view kLabel = "wardline-audit-checkpoint-v1";

std::vector<std::uint8_t> message(std::int64_t seq, const Hash& hash, std::int64_t signed_at_us) {
    std::vector<std::uint8_t> m(kLabel.begin(), kLabel.end());
    for (std::int64_t v : {seq, signed_at_us})
        for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
    m.insert(m.end(), hash.begin(), hash.end());
    return m;
}

std::string b64(const std::uint8_t* data, std::size_t n) {
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

}  // namespace

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }
SigningKey::SigningKey(SigningKey&& o) noexcept : secret_(o.secret_), public_(o.public_) {
    sodium_memzero(o.secret_.data(), o.secret_.size());
}

SigningKey SigningKey::load(const std::string& path, const std::string& what) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    std::ifstream in(path);
    std::string line;
    while (in && std::getline(in, line))
        if (!line.empty() && line[0] != '#') break;
    SigningKey k;
    std::size_t len = 0;
    if (line.empty() || sodium_base642bin(k.secret_.data(), k.secret_.size(), line.data(), line.size(), nullptr,
                                          &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != k.secret_.size()) {
        sodium_memzero(line.data(), line.size());
        throw std::runtime_error(what + ": cannot read an audit signing key from the file it names "
                                        "(create one with `wardlinectl audit keygen`)");
    }
    sodium_memzero(line.data(), line.size());
    crypto_sign_ed25519_sk_to_pk(k.public_.data(), k.secret_.data());
    return k;
}

SigningKey SigningKey::write_new(const std::string& path) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    if (std::filesystem::exists(path)) throw std::runtime_error(path + " exists; refusing to overwrite a key");
    SigningKey k;
    crypto_sign_keypair(k.public_.data(), k.secret_.data());
    const auto old_mask = ::umask(077);
    {
        std::ofstream out(path);
        out << "# Wardline audit signing key (Ed25519). Keep it out of the database and its backups.\n";
        std::string text = b64(k.secret_.data(), k.secret_.size());
        out << text << "\n";
        sodium_memzero(text.data(), text.size());
        if (!out) {
            ::umask(old_mask);
            throw std::runtime_error("cannot write " + path);
        }
    }
    ::umask(old_mask);
    return k;
}

Checkpoint SigningKey::sign(std::int64_t seq, const Hash& hash, std::int64_t signed_at_us) const {
    Checkpoint c{seq, hash, signed_at_us, key_id(public_), {}};
    const auto m = message(seq, hash, signed_at_us);
    crypto_sign_detached(c.signature.data(), nullptr, m.data(), m.size(), secret_.data());
    return c;
}

std::string key_id(const PublicKey& key) {
    std::uint8_t h[8];
    crypto_generichash(h, sizeof h, key.data(), key.size(), nullptr, 0);
    return to_hex(h);
}

std::string public_key_text(const PublicKey& key) { return b64(key.data(), key.size()); }

std::optional<PublicKey> parse_public_key(const std::string& text) {
    PublicKey k{};
    std::size_t len = 0;
    if (sodium_base642bin(k.data(), k.size(), text.data(), text.size(), " \n", &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != k.size())
        return std::nullopt;
    return k;
}

bool verify_checkpoint(const Checkpoint& c, const PublicKey& key) {
    if (c.key_id != key_id(key)) return false;
    const auto m = message(c.seq, c.hash, c.signed_at_us);
    return crypto_sign_verify_detached(c.signature.data(), m.data(), m.size(), key.data()) == 0;
}

}  // namespace wardline::server::audit
