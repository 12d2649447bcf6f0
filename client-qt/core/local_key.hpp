// SPDX-License-Identifier: Apache-2.0
#pragma once
// The local key (issue #6, "Local store"; docs/client.md, "Key protection"): 32 random bytes
// that seal everything the client keeps on disk. The bytes live in libsodium's guarded memory
// (sodium_malloc: guard pages, mlock where allowed, read-only between uses, zeroed on release)
// and never leave it: sealing and opening happen here, and the only other readers are
// LocalKeyFile, which wraps them for the disk, and KeychainKeyStore, which hands them to the
// operating system's keychain. The key cannot be copied, only moved.
#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <optional>
#include <span>

namespace wardline::client {

class LocalKey {
public:
    static constexpr std::size_t size = 32;
    /// Bytes seal() adds to the plaintext: the 24-byte XChaCha20 nonce and the 16-byte tag.
    static constexpr std::size_t seal_overhead = 24 + 16;

    /// No key (empty() is true).
    LocalKey() noexcept = default;
    /// A new random key.
    static LocalKey generate();
    /// A key from exactly `size` bytes (std::invalid_argument otherwise). The caller wipes its
    /// own copy.
    static LocalKey from_bytes(std::span<const unsigned char> bytes);

    LocalKey(const LocalKey&) = delete;
    LocalKey& operator=(const LocalKey&) = delete;
    LocalKey(LocalKey&& other) noexcept;
    LocalKey& operator=(LocalKey&& other) noexcept;
    ~LocalKey();

    bool empty() const noexcept { return bytes_ == nullptr; }
    /// Zeroes and releases the key; afterwards empty() is true.
    void wipe() noexcept;

    /// XChaCha20-Poly1305 with a random nonce: nonce || ciphertext || tag. `associated` is
    /// authenticated, not stored: open() must be given the same. std::logic_error when empty.
    QByteArray seal(QByteArrayView plaintext, QByteArrayView associated) const;
    /// The plaintext, or nothing when `sealed` was not made by this key with this `associated`
    /// data (altered, truncated, moved to another row, or another key).
    std::optional<QByteArray> open(QByteArrayView sealed, QByteArrayView associated) const;

private:
    friend class KeychainKeyStore;
    friend class LocalKeyFile;
    /// The key's bytes (read-only memory); nullptr when empty.
    const unsigned char* bytes() const noexcept { return bytes_; }
    /// Guarded memory of `size` bytes, writable until seal_memory().
    static unsigned char* allocate();
    void seal_memory() noexcept;

    unsigned char* bytes_ = nullptr;
};

}  // namespace wardline::client
