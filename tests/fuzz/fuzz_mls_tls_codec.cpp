// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the MLS TLS codec (RFC 9420 §2.1.2): any bytes must decode to a nested
// structure of varint vectors or a refusal, never a crash or a read past the end. What decodes
// must re-encode to the same bytes, since only minimal varints are accepted.
#include "common/mls/tls_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

using wardline::mls::Reader;
using wardline::mls::Result;
using wardline::mls::Writer;

constexpr int kMaxDepth = 16;

// Reads a vector of elements, each a tag byte then: 0 a nested vector (recursively), 1 an
// opaque vector, 2 a u16, 3 a u32, 4 a u64, 5 a varint; any other tag is the end. Re-writes
// what it read into `out`.
bool read_list(Reader& in, Writer& out, int depth) {
    while (!in.at_end()) {
        const Result<std::uint8_t> tag = in.u8();
        if (!tag) __builtin_trap();  // at_end() was false
        out.u8(*tag);
        switch (*tag) {
            case 0: {
                Result<Reader> sub = in.vector_reader();
                if (!sub || depth >= kMaxDepth) return false;
                bool ok = false;
                const Result<void> written =
                    out.vector_of([&](Writer& w) { ok = read_list(*sub, w, depth + 1); });
                if (!ok) return false;
                if (!written) __builtin_trap();  // the body re-encodes to what was read
                break;
            }
            case 1: {
                const Result<std::span<const std::uint8_t>> body = in.vector();
                if (!body) return false;
                if (!out.vector(*body)) __builtin_trap();  // a read length always fits
                break;
            }
            case 2: {
                const auto v = in.u16();
                if (!v) return false;
                out.u16(*v);
                break;
            }
            case 3: {
                const auto v = in.u32();
                if (!v) return false;
                out.u32(*v);
                break;
            }
            case 4: {
                const auto v = in.u64();
                if (!v) return false;
                out.u64(*v);
                break;
            }
            case 5: {
                const auto v = in.varint();
                if (!v) return false;
                if (*v > wardline::mls::kMaxVarint) __builtin_trap();
                if (!out.varint(*v)) __builtin_trap();
                break;
            }
            default:
                return in.expect_end().has_value();
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    Reader reader(input);
    Writer writer;
    if (!read_list(reader, writer, 0)) return 0;
    if (!reader.at_end()) __builtin_trap();
    // Accepted input: the re-encoding is byte for byte the input.
    const std::span<const std::uint8_t> again = writer.data();
    if (again.size() != input.size()) __builtin_trap();
    for (std::size_t i = 0; i < size; ++i)
        if (again[i] != input[i]) __builtin_trap();
    return 0;
}
