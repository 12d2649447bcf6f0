// SPDX-License-Identifier: Apache-2.0
#pragma once
// The local key wrapped in a file (issue #6, "Device identity" and "Local store";
// docs/client.md, "Key protection"), for computers without an operating system keychain.
// Argon2id (libsodium crypto_pwhash) derives a wrapping key from the user's password and a
// random salt; XChaCha20-Poly1305 seals the local key with the file's header (magic, format
// version, algorithm, Argon2id parameters, salt: bytes 0..35) as associated data. The parameters
// travel in the file, so they can be raised later: unlock() reports those used and rewrap() stores
// new ones.
//
// File format, version 1 (124 bytes, integers big-endian):
//   0  8  magic "WLLOCKEY"        20 16 salt
//   8  1  version (1)             36 24 nonce
//   9  1  algorithm (1)           60 48 sealed key (32 bytes + 16-byte tag)
//  10  2  reserved (0)           108 16 BLAKE2b-128 of bytes 0..107, unkeyed: tells accidental
//  12  4  Argon2id opslimit              damage from a wrong password without the slow
//  16  4  Argon2id memlimit, KiB         derivation (it proves nothing against an attacker;
//                                        the AEAD does)
// Written atomically (QSaveFile) with permissions 0600. Nothing here logs.
#include "client-qt/core/local_key.hpp"

#include <QString>

#include <cstdint>

namespace wardline::client {

/// Argon2id cost (libsodium uses one lane: p = 1).
struct KeyDerivation {
    std::uint32_t opslimit = 0;      ///< passes over memory (t)
    std::uint32_t memlimit_kib = 0;  ///< memory in KiB (m)

    /// What new files get: t = 3, m = 64 MiB (about a quarter second on a workstation).
    static KeyDerivation recommended() noexcept { return {3, 64 * 1024}; }
    /// The floor: OWASP's minimum for Argon2id, t = 2, m = 19 MiB, p = 1. Files below it are
    /// refused, so nobody can downgrade one quietly.
    static KeyDerivation minimum() noexcept { return {2, 19 * 1024}; }
    /// The ceiling a file may ask for (t = 16, m = 1 GiB), so a damaged or hostile file cannot
    /// make unlocking take hours or all the memory.
    static KeyDerivation maximum() noexcept { return {16, 1024 * 1024}; }

    bool within_bounds() const noexcept;
    /// True when this is weaker than `other` in either dimension (time to rewrap).
    bool weaker_than(const KeyDerivation& other) const noexcept {
        return opslimit < other.opslimit || memlimit_kib < other.memlimit_kib;
    }
    friend bool operator==(const KeyDerivation&, const KeyDerivation&) = default;
};

enum class KeyFileError {
    none,
    not_found,            ///< no file at the path
    unreadable,           ///< the file exists but cannot be read
    too_large,            ///< longer than a key file of its version (or than 4 KiB)
    truncated,            ///< shorter than a key file of its version
    not_a_key_file,       ///< the magic is wrong
    unsupported_version,  ///< a version or algorithm this client does not know
    corrupt,              ///< damaged: checksum or reserved bytes wrong
    bad_parameters,       ///< Argon2id parameters below the floor or above the ceiling
    wrong_password,       ///< the password is wrong, or the file was deliberately altered
    empty_password,       ///< refused when wrapping
    out_of_memory,        ///< Argon2id could not get its memory
    write_failed,         ///< the file could not be written (the old one, if any, is intact)
};

/// A sentence for the user about `error`; it never contains the password or key.
QString describe(KeyFileError error);

/// What unlock() found.
struct KeyFileUnlock {
    KeyFileError error = KeyFileError::none;
    LocalKey key;              ///< set when error is none
    KeyDerivation derivation;  ///< the parameters the file used (when error is none)
    bool ok() const noexcept { return error == KeyFileError::none; }
};

class LocalKeyFile {
public:
    static constexpr std::size_t file_size = 124;
    /// Larger files are refused without being read.
    static constexpr std::size_t max_file_size = 4096;

    explicit LocalKeyFile(QString path) : path_(std::move(path)) {}
    const QString& path() const noexcept { return path_; }
    bool exists() const;

    /// Wraps `key` under `password` and writes the file (replacing one that is there).
    KeyFileError write(const LocalKey& key, const QString& password,
                       KeyDerivation derivation = KeyDerivation::recommended()) const;
    /// Reads the file and unwraps the key with `password`.
    KeyFileUnlock unlock(const QString& password) const;
    /// Unwraps with `old_password` and writes the same key under `new_password` (new salt, new
    /// nonce, `derivation`). Also the way to raise the Argon2id parameters.
    KeyFileError rewrap(const QString& old_password, const QString& new_password,
                        KeyDerivation derivation = KeyDerivation::recommended()) const;
    /// Overwrites the file with zeros and deletes it; true when no file is left.
    bool remove() const;

private:
    QString path_;
};

}  // namespace wardline::client
