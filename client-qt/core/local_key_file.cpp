// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_key_file.hpp"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sodium.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace wardline::client {

namespace {

constexpr char magic[8] = {'W', 'L', 'L', 'O', 'C', 'K', 'E', 'Y'};
constexpr unsigned char version_1 = 1;
constexpr unsigned char algorithm_argon2id_xchacha = 1;
constexpr std::size_t salt_size = crypto_pwhash_SALTBYTES;  // 16
constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t checksum_size = 16;

constexpr std::size_t off_version = 8, off_algorithm = 9, off_reserved = 10, off_ops = 12,
                      off_mem = 16, off_salt = 20, off_nonce = 36, off_sealed = 60,
                      off_checksum = 108;
static_assert(off_nonce == off_salt + salt_size);
static_assert(off_sealed == off_nonce + nonce_size);
static_assert(off_checksum == off_sealed + LocalKey::size + tag_size);
static_assert(LocalKeyFile::file_size == off_checksum + checksum_size);
/// The associated data of the AEAD: everything before the nonce.
constexpr std::size_t header_size = off_nonce;

using FileBytes = std::array<unsigned char, LocalKeyFile::file_size>;

void put_u32(unsigned char* p, std::uint32_t v) noexcept {
    p[0] = static_cast<unsigned char>(v >> 24);
    p[1] = static_cast<unsigned char>(v >> 16);
    p[2] = static_cast<unsigned char>(v >> 8);
    p[3] = static_cast<unsigned char>(v);
}

std::uint32_t get_u32(const unsigned char* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

void checksum(const unsigned char* data, unsigned char* out) noexcept {
    crypto_generichash(out, checksum_size, data, off_checksum, nullptr, 0);
}

/// The password as UTF-8, zeroed when it goes.
class Utf8Password {
public:
    explicit Utf8Password(const QString& password) : bytes_(password.toUtf8()) {}
    ~Utf8Password() {
        if (!bytes_.isEmpty())
            sodium_memzero(bytes_.data(), static_cast<std::size_t>(bytes_.size()));
    }
    Utf8Password(const Utf8Password&) = delete;
    Utf8Password& operator=(const Utf8Password&) = delete;
    const char* data() const noexcept { return bytes_.constData(); }
    unsigned long long size() const noexcept {
        return static_cast<unsigned long long>(bytes_.size());
    }

private:
    QByteArray bytes_;
};

}  // namespace

bool KeyDerivation::within_bounds() const noexcept {
    const auto lo = minimum(), hi = maximum();
    return opslimit >= lo.opslimit && opslimit <= hi.opslimit && memlimit_kib >= lo.memlimit_kib &&
           memlimit_kib <= hi.memlimit_kib;
}

QString describe(KeyFileError error) {
    switch (error) {
        case KeyFileError::none:
            return QStringLiteral("No error.");
        case KeyFileError::not_found:
            return QStringLiteral("This computer holds no Wardline key yet.");
        case KeyFileError::unreadable:
            return QStringLiteral("Wardline cannot read its key file. Call IT.");
        case KeyFileError::too_large:
        case KeyFileError::truncated:
        case KeyFileError::corrupt:
            return QStringLiteral("Wardline's key file on this computer is damaged. Call IT.");
        case KeyFileError::not_a_key_file:
            return QStringLiteral(
                "The file in place of Wardline's key file is not a key file. Call IT.");
        case KeyFileError::unsupported_version:
            return QStringLiteral(
                "Wardline's key file was made by a newer Wardline. Update Wardline.");
        case KeyFileError::bad_parameters:
            return QStringLiteral(
                "Wardline's key file asks for settings outside the allowed range. "
                "Call IT.");
        case KeyFileError::wrong_password:
            return QStringLiteral("The password does not unlock the data on this computer.");
        case KeyFileError::empty_password:
            return QStringLiteral("A password is needed to protect the data on this computer.");
        case KeyFileError::out_of_memory:
            return QStringLiteral(
                "Not enough memory to unlock Wardline's data. Close other programs "
                "and try again.");
        case KeyFileError::write_failed:
            return QStringLiteral("Wardline cannot save its key file. Check the disk and call IT.");
    }
    return QStringLiteral("Unknown key file error.");
}

bool LocalKeyFile::exists() const {
    return QFileInfo::exists(path_);
}

KeyFileError LocalKeyFile::write(const LocalKey& key, const QString& password,
                                 KeyDerivation derivation) const {
    if (key.empty()) throw std::logic_error("writing an empty local key");
    if (!derivation.within_bounds()) return KeyFileError::bad_parameters;
    if (password.isEmpty()) return KeyFileError::empty_password;
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");

    FileBytes file{};
    std::memcpy(file.data(), magic, sizeof magic);
    file[off_version] = version_1;
    file[off_algorithm] = algorithm_argon2id_xchacha;
    put_u32(file.data() + off_ops, derivation.opslimit);
    put_u32(file.data() + off_mem, derivation.memlimit_kib);
    randombytes_buf(file.data() + off_salt, salt_size);
    randombytes_buf(file.data() + off_nonce, nonce_size);

    LocalKey wrapping;
    wrapping.bytes_ = LocalKey::allocate();
    {
        const Utf8Password pw(password);
        if (crypto_pwhash(wrapping.bytes_, LocalKey::size, pw.data(), pw.size(),
                          file.data() + off_salt, derivation.opslimit,
                          std::size_t{derivation.memlimit_kib} * 1024U,
                          crypto_pwhash_ALG_ARGON2ID13) != 0)
            return KeyFileError::out_of_memory;
    }
    wrapping.seal_memory();
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(file.data() + off_sealed, &written, key.bytes(),
                                               LocalKey::size, file.data(), header_size, nullptr,
                                               file.data() + off_nonce, wrapping.bytes());
    checksum(file.data(), file.data() + off_checksum);

    QSaveFile out(path_);
    if (!out.open(QIODevice::WriteOnly)) return KeyFileError::write_failed;
    // QSaveFile writes a temporary file and renames it over the old one on commit().
    if (!out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        out.cancelWriting();
        return KeyFileError::write_failed;
    }
    if (out.write(reinterpret_cast<const char*>(file.data()), static_cast<qint64>(file.size())) !=
            static_cast<qint64>(file.size()) ||
        !out.commit())
        return KeyFileError::write_failed;
    if (!QFile::setPermissions(path_, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return KeyFileError::write_failed;
    return KeyFileError::none;
}

KeyFileUnlock LocalKeyFile::unlock(const QString& password) const {
    KeyFileUnlock result;
    QFile in(path_);
    if (!in.exists()) {
        result.error = KeyFileError::not_found;
        return result;
    }
    if (!in.open(QIODevice::ReadOnly)) {
        result.error = KeyFileError::unreadable;
        return result;
    }
    if (in.size() > static_cast<qint64>(max_file_size)) {
        result.error = KeyFileError::too_large;
        return result;
    }
    const QByteArray raw = in.read(static_cast<qint64>(max_file_size) + 1);
    const auto n = static_cast<std::size_t>(raw.size());
    const auto* b = reinterpret_cast<const unsigned char*>(raw.constData());
    if (n > max_file_size) {
        result.error = KeyFileError::too_large;
    } else if (n < off_algorithm + 1) {
        const std::size_t m = n < sizeof magic ? n : sizeof magic;
        result.error =
            std::memcmp(b, magic, m) == 0 ? KeyFileError::truncated : KeyFileError::not_a_key_file;
    } else if (std::memcmp(b, magic, sizeof magic) != 0) {
        result.error = KeyFileError::not_a_key_file;
    } else if (b[off_version] != version_1 || b[off_algorithm] != algorithm_argon2id_xchacha) {
        result.error = KeyFileError::unsupported_version;
    } else if (n < file_size) {
        result.error = KeyFileError::truncated;
    } else if (n > file_size) {
        result.error = KeyFileError::too_large;
    }
    if (!result.ok()) return result;

    unsigned char sum[checksum_size];
    checksum(b, sum);
    if (sodium_memcmp(sum, b + off_checksum, checksum_size) != 0 || b[off_reserved] != 0 ||
        b[off_reserved + 1] != 0) {
        result.error = KeyFileError::corrupt;
        return result;
    }
    const KeyDerivation derivation{get_u32(b + off_ops), get_u32(b + off_mem)};
    if (!derivation.within_bounds()) {
        result.error = KeyFileError::bad_parameters;
        return result;
    }
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");

    LocalKey wrapping;
    wrapping.bytes_ = LocalKey::allocate();
    {
        const Utf8Password pw(password);
        if (crypto_pwhash(wrapping.bytes_, LocalKey::size, pw.data(), pw.size(), b + off_salt,
                          derivation.opslimit, std::size_t{derivation.memlimit_kib} * 1024U,
                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
            result.error = KeyFileError::out_of_memory;
            return result;
        }
    }
    wrapping.seal_memory();

    LocalKey key;
    key.bytes_ = LocalKey::allocate();
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.bytes_, &written, nullptr, b + off_sealed,
                                                   LocalKey::size + tag_size, b, header_size,
                                                   b + off_nonce, wrapping.bytes()) != 0 ||
        written != LocalKey::size) {
        result.error = KeyFileError::wrong_password;
        return result;  // `key` zeroes its memory on the way out
    }
    key.seal_memory();
    result.key = std::move(key);
    result.derivation = derivation;
    return result;
}

KeyFileError LocalKeyFile::rewrap(const QString& old_password, const QString& new_password,
                                  KeyDerivation derivation) const {
    if (new_password.isEmpty()) return KeyFileError::empty_password;
    if (!derivation.within_bounds()) return KeyFileError::bad_parameters;
    auto unlocked = unlock(old_password);
    if (!unlocked.ok()) return unlocked.error;
    return write(unlocked.key, new_password, derivation);
}

bool LocalKeyFile::remove() const {
    QFile f(path_);
    if (!f.exists()) return true;
    if (f.open(QIODevice::ReadWrite)) {
        const QByteArray zeros(f.size() > static_cast<qint64>(max_file_size)
                                   ? static_cast<qsizetype>(max_file_size)
                                   : static_cast<qsizetype>(f.size()),
                               '\0');
        f.write(zeros);
        f.flush();
        f.close();
    }
    return f.remove() || !QFileInfo::exists(path_);
}

}  // namespace wardline::client
