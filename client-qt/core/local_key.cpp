// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <utility>

namespace wardline::client {

static_assert(LocalKey::size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(LocalKey::seal_overhead == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                             crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {
constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

const unsigned char* u8(const char* p) noexcept {
    return reinterpret_cast<const unsigned char*>(p);
}
unsigned char* u8(char* p) noexcept {
    return reinterpret_cast<unsigned char*>(p);
}
}  // namespace

unsigned char* LocalKey::allocate() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
    auto* p = static_cast<unsigned char*>(sodium_malloc(size));
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void LocalKey::seal_memory() noexcept {
    sodium_mprotect_readonly(bytes_);
}

LocalKey LocalKey::generate() {
    LocalKey k;
    k.bytes_ = allocate();
    randombytes_buf(k.bytes_, size);
    k.seal_memory();
    return k;
}

LocalKey LocalKey::from_bytes(std::span<const unsigned char> bytes) {
    if (bytes.size() != size) throw std::invalid_argument("a local key is 32 bytes");
    LocalKey k;
    k.bytes_ = allocate();
    std::copy(bytes.begin(), bytes.end(), k.bytes_);
    k.seal_memory();
    return k;
}

LocalKey::LocalKey(LocalKey&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}

LocalKey& LocalKey::operator=(LocalKey&& other) noexcept {
    if (this != &other) {
        wipe();
        bytes_ = std::exchange(other.bytes_, nullptr);
    }
    return *this;
}

LocalKey::~LocalKey() {
    wipe();
}

void LocalKey::wipe() noexcept {
    if (bytes_ == nullptr) return;
    sodium_mprotect_readwrite(bytes_);
    sodium_memzero(bytes_, size);
    sodium_free(bytes_);  // checks the canary, zeroes again, unlocks and unmaps
    bytes_ = nullptr;
}

QByteArray LocalKey::seal(QByteArrayView plaintext, QByteArrayView associated) const {
    if (empty()) throw std::logic_error("sealing with an empty local key");
    QByteArray out(
        static_cast<qsizetype>(static_cast<std::size_t>(plaintext.size()) + seal_overhead),
        Qt::Uninitialized);
    randombytes_buf(out.data(), nonce_size);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        u8(out.data()) + nonce_size, &written, u8(plaintext.data()),
        static_cast<unsigned long long>(plaintext.size()), u8(associated.data()),
        static_cast<unsigned long long>(associated.size()), nullptr, u8(out.data()), bytes_);
    out.resize(static_cast<qsizetype>(nonce_size + written));
    return out;
}

std::optional<QByteArray> LocalKey::open(QByteArrayView sealed, QByteArrayView associated) const {
    if (empty()) throw std::logic_error("opening with an empty local key");
    if (static_cast<std::size_t>(sealed.size()) < seal_overhead) return std::nullopt;
    QByteArray out(static_cast<qsizetype>(static_cast<std::size_t>(sealed.size()) - seal_overhead),
                   Qt::Uninitialized);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            u8(out.data()), &written, nullptr, u8(sealed.data()) + nonce_size,
            static_cast<unsigned long long>(sealed.size()) - nonce_size, u8(associated.data()),
            static_cast<unsigned long long>(associated.size()), u8(sealed.data()), bytes_) != 0)
        return std::nullopt;
    out.resize(static_cast<qsizetype>(written));
    return out;
}

}  // namespace wardline::client
