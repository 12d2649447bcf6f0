// SPDX-License-Identifier: Apache-2.0
#pragma once
// The set of migrations a binary knows: migrations/NNNN_title.sql, embedded or from a
// directory, validated and checksummed.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::storage {

/// Any refusal of the migrator; the message names the file or version concerned.
class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One migration file.
struct MigrationFile {
    int version = 0;        ///< NNNN
    std::string name;       ///< the title part, e.g. "baseline"
    std::string file_name;  ///< e.g. "0001_baseline.sql"
    std::string sql;
    std::string checksum;   ///< lower-case hex SHA-256 of the file's bytes
};

/// Lower-case hex SHA-256 (libsodium crypto_hash_sha256).
std::string sha256_hex(std::string_view data);

/// Parses, checksums and validates files given as (file name, contents): names must be
/// NNNN_title.sql, versions must run 1, 2, 3, … without gaps or duplicates. Throws
/// MigrationError naming the offending file.
std::vector<MigrationFile> make_migrations(
    const std::vector<std::pair<std::string, std::string>>& files);

/// The migrations compiled into this binary.
std::vector<MigrationFile> embedded_migrations();

/// The *.sql files of `dir` (other files are ignored). Throws MigrationError.
std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir);

}  // namespace wardline::server::storage
