// SPDX-License-Identifier: Apache-2.0
#include "server/storage/migration_files.hpp"

#include "common/core/embedded.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

namespace wardline::server::storage {

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

std::vector<MigrationFile> make_migrations(
    const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<MigrationFile> out;
    for (const auto& [file_name, contents] : files) {
        // NNNN_title.sql: four digits, underscore, a non-empty title of [a-z0-9_].
        const std::string_view n = file_name;
        const bool shape_ok =
            n.size() > 9 && n.ends_with(".sql") && n[4] == '_' &&
            std::all_of(n.begin(), n.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
            std::all_of(n.begin() + 5, n.end() - 4, [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            });
        if (!shape_ok)
            throw MigrationError("migration file name must look like NNNN_title.sql "
                                 "(lower-case title): " + file_name);
        MigrationFile m;
        std::from_chars(n.data(), n.data() + 4, m.version);
        m.name = std::string(n.substr(5, n.size() - 9));
        m.file_name = file_name;
        m.sql = contents;
        m.checksum = sha256_hex(contents);
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.file_name < b.file_name; });
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int expected = static_cast<int>(i) + 1;
        if (out[i].version == expected) continue;
        if (i > 0 && out[i].version == out[i - 1].version)
            throw MigrationError("duplicate migration version " + std::to_string(out[i].version) +
                                 ": " + out[i - 1].file_name + " and " + out[i].file_name);
        throw MigrationError("migration numbering has a gap: expected version " +
                             std::to_string(expected) + ", found " + out[i].file_name);
    }
    return out;
}

std::vector<MigrationFile> embedded_migrations() {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : embedded::migrations())
        files.emplace_back(std::string(f.name), std::string(f.contents));
    return make_migrations(files);
}

std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw MigrationError("migrations directory not found: " + dir.string());
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        if (!in) throw MigrationError("cannot read migration " + entry.path().string());
        std::ostringstream buffer;
        buffer << in.rdbuf();
        files.emplace_back(entry.path().filename().string(), buffer.str());
    }
    return make_migrations(files);
}

}  // namespace wardline::server::storage
