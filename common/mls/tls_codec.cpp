// SPDX-License-Identifier: Apache-2.0
#include "common/mls/tls_codec.hpp"

#include <array>
#include <iterator>

namespace wardline::mls {

namespace {

// RFC 9420 §2.1.2: the two most significant bits of the first byte give the length of the
// integer: 0b00 one byte (6 bits), 0b01 two bytes (14 bits), 0b10 four bytes (30 bits).
constexpr std::uint32_t kMax1 = (std::uint32_t{1} << 6) - 1;
constexpr std::uint32_t kMax2 = (std::uint32_t{1} << 14) - 1;

// Big-endian encoding of the low `size` bytes of `value` with the prefix in the top two bits.
struct Encoded {
    std::array<std::uint8_t, 4> bytes{};
    std::size_t size = 0;
};

Result<Encoded> encode_varint(std::uint64_t value) noexcept {
    const Result<std::size_t> size = varint_size(value);
    if (!size) return size.error();
    Encoded out;
    out.size = *size;
    for (std::size_t i = 0; i < out.size; ++i) {
        out.bytes[out.size - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
    const std::uint8_t prefix = out.size == 1 ? 0x00 : out.size == 2 ? 0x40 : 0x80;
    out.bytes[0] = static_cast<std::uint8_t>(out.bytes[0] | prefix);
    return out;
}

}  // namespace

Result<std::size_t> varint_size(std::uint64_t value) noexcept {
    if (value <= kMax1) return std::size_t{1};
    if (value <= kMax2) return std::size_t{2};
    if (value <= kMaxVarint) return std::size_t{4};
    return Error::value_too_large;
}

// ---- Writer ----------------------------------------------------------------------------------

void Writer::u8(std::uint8_t v) {
    buf_.push_back(v);
}

void Writer::u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
}

void Writer::u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
}

void Writer::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
}

void Writer::bytes(std::span<const std::uint8_t> data) {
    buf_.insert(buf_.end(), data.begin(), data.end());
}

Result<void> Writer::varint(std::uint64_t value) {
    const Result<Encoded> enc = encode_varint(value);
    if (!enc) return enc.error();
    bytes(std::span(enc->bytes).first(enc->size));
    return {};
}

Result<void> Writer::vector(std::span<const std::uint8_t> data) {
    if (Result<void> r = varint(data.size()); !r) return r;
    bytes(data);
    return {};
}

Bytes Writer::take() noexcept {
    Bytes out;
    out.swap(buf_);
    return out;
}

Result<void> Writer::prefix_length_from(std::size_t start) {
    const Result<Encoded> enc = encode_varint(buf_.size() - start);
    if (!enc) {
        buf_.resize(start);
        return enc.error();
    }
    const auto at = buf_.begin() + static_cast<std::ptrdiff_t>(start);
    buf_.insert(at, enc->bytes.begin(),
                enc->bytes.begin() + static_cast<std::ptrdiff_t>(enc->size));
    return {};
}

// ---- Reader ----------------------------------------------------------------------------------

template <class T>
Result<T> Reader::read_uint() noexcept {
    if (remaining() < sizeof(T)) return Error::truncated;
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        v = static_cast<T>((v << 8) | data_[pos_ + i]);
    }
    pos_ += sizeof(T);
    return v;
}

Result<std::uint8_t> Reader::u8() noexcept {
    return read_uint<std::uint8_t>();
}
Result<std::uint16_t> Reader::u16() noexcept {
    return read_uint<std::uint16_t>();
}
Result<std::uint32_t> Reader::u32() noexcept {
    return read_uint<std::uint32_t>();
}
Result<std::uint64_t> Reader::u64() noexcept {
    return read_uint<std::uint64_t>();
}

Result<std::span<const std::uint8_t>> Reader::bytes(std::size_t n) noexcept {
    if (remaining() < n) return Error::truncated;
    const auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
}

Result<std::uint32_t> Reader::varint() noexcept {
    if (at_end()) return Error::truncated;
    const std::uint8_t first = data_[pos_];
    const unsigned prefix = first >> 6;
    // RFC 9420 §2.1.2: "the prefix 11 is invalid" (the 8-byte QUIC form is not used).
    if (prefix == 3) return Error::invalid_varint;
    const std::size_t size = std::size_t{1} << prefix;
    if (remaining() < size) return Error::truncated;
    std::uint32_t v = first & 0x3fu;
    for (std::size_t i = 1; i < size; ++i) v = (v << 8) | data_[pos_ + i];
    // Minimal encoding only: a value that fits a shorter form must use it.
    if (*varint_size(v) != size) return Error::non_minimal_varint;
    pos_ += size;
    return v;
}

Result<std::span<const std::uint8_t>> Reader::vector() noexcept {
    const std::size_t start = pos_;
    const Result<std::uint32_t> length = varint();
    if (!length) return length.error();
    if (remaining() < *length) {
        pos_ = start;
        return Error::length_too_large;
    }
    return bytes(*length);
}

Result<Reader> Reader::vector_reader() noexcept {
    const Result<std::span<const std::uint8_t>> body = vector();
    if (!body) return body.error();
    return Reader(*body);
}

Result<void> Reader::expect_end() const noexcept {
    if (!at_end()) return Error::trailing_data;
    return {};
}

}  // namespace wardline::mls
