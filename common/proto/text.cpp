// SPDX-License-Identifier: Apache-2.0
#include "common/proto/text.hpp"

#include <cstdint>

namespace wardline::proto {
namespace {

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0U) == 0x80U; }

bool is_printable(unsigned char byte) noexcept { return byte >= 0x20U && byte <= 0x7EU; }

}  // namespace

std::optional<std::size_t> utf8_code_points(std::string_view text) noexcept {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        std::uint32_t smallest = 0;  // smallest code point this length may encode (no overlongs)
        if (lead < 0x80U) {
            length = 1;
            code = lead;
        } else if ((lead & 0xE0U) == 0xC0U) {
            length = 2;
            code = lead & 0x1FU;
            smallest = 0x80U;
        } else if ((lead & 0xF0U) == 0xE0U) {
            length = 3;
            code = lead & 0x0FU;
            smallest = 0x800U;
        } else if ((lead & 0xF8U) == 0xF0U) {
            length = 4;
            code = lead & 0x07U;
            smallest = 0x10000U;
        } else {
            return std::nullopt;
        }
        if (text.size() - i < length) return std::nullopt;
        for (std::size_t k = 1; k < length; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if (!is_continuation(byte)) return std::nullopt;
            code = (code << 6U) | (byte & 0x3FU);
        }
        if (code < smallest || code > 0x10FFFFU || (code >= 0xD800U && code <= 0xDFFFU))
            return std::nullopt;
        i += length;
        ++count;
    }
    return count;
}

bool is_printable_ascii(std::string_view text) noexcept {
    for (const char c : text)
        if (!is_printable(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace wardline::proto
