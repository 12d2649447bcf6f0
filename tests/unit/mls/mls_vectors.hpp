// SPDX-License-Identifier: Apache-2.0
// Loads the IETF MLS test vectors (tests/data/mls, see ORIGIN.md there). The environment
// variable MLS_TEST_VECTORS_DIR overrides the compiled-in folder at run time.
#pragma once
#include "common/mls/bytes.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::mls::test {

inline std::filesystem::path vectors_dir() {
    if (const char* dir = std::getenv("MLS_TEST_VECTORS_DIR"); dir != nullptr && *dir != '\0')
        return dir;
    return WARDLINE_MLS_VECTORS_DIR;
}

/// Parses one vector file; throws (failing the test) if it is missing or not JSON.
inline nlohmann::json load_vectors(std::string_view file) {
    const std::filesystem::path path = vectors_dir() / file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open MLS test vectors " + path.string());
    return nlohmann::json::parse(in);
}

/// Decodes a lowercase or uppercase hex string; throws on odd length or a non-hex digit.
inline Bytes from_hex(std::string_view hex) {
    auto nibble = [](char c) -> unsigned {
        if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
        throw std::invalid_argument("not a hex digit");
    };
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd-length hex");
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return out;
}

}  // namespace wardline::mls::test
