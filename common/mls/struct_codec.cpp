// SPDX-License-Identifier: Apache-2.0
#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

Result<void> encode_u16_vector(Writer& w, const std::vector<std::uint16_t>& items) {
    return w.vector_of([&](Writer& out) {
        for (const std::uint16_t item : items) out.u16(item);
    });
}

Result<std::vector<std::uint16_t>> decode_u16_vector(Reader& r) {
    return decode_vector(r, [](Reader& in) { return in.u16(); });
}

Result<void> encode_u32_vector(Writer& w, const std::vector<std::uint32_t>& items) {
    return w.vector_of([&](Writer& out) {
        for (const std::uint32_t item : items) out.u32(item);
    });
}

Result<std::vector<std::uint32_t>> decode_u32_vector(Reader& r) {
    return decode_vector(r, [](Reader& in) { return in.u32(); });
}

Result<void> encode_opaque_vector(Writer& w, const std::vector<Bytes>& items) {
    return encode_vector(w, items, [](Writer& out, const Bytes& item) { return out.vector(item); });
}

Result<std::vector<Bytes>> decode_opaque_vector(Reader& r) {
    return decode_vector(r, decode_opaque);
}

}  // namespace wardline::mls
