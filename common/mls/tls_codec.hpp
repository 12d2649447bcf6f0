// SPDX-License-Identifier: Apache-2.0
// The TLS presentation language as MLS uses it (RFC 9420 §2.1.2, RFC 8446 §3): big-endian
// fixed-width integers, fixed-size byte arrays, and variable-length vectors whose length prefix
// is the MLS variable-length integer (the QUIC varint of RFC 9000 §16 without its 8-byte form).
#pragma once
#include "common/mls/bytes.hpp"
#include "common/mls/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace wardline::mls {

/// Largest value of an MLS variable-length integer, 2^30 - 1 (RFC 9420 §2.1.2: 4-byte form
/// with prefix 0b10; the prefix 0b11 is invalid).
inline constexpr std::uint32_t kMaxVarint = (std::uint32_t{1} << 30) - 1;

/// Number of bytes of the minimal encoding of `value` (1, 2 or 4), or value_too_large above
/// kMaxVarint. RFC 9420 §2.1.2.
Result<std::size_t> varint_size(std::uint64_t value) noexcept;

/// Serializes MLS structures into a growing byte buffer. Fixed-width writes cannot fail; writes
/// with a varint length return a Result and leave the buffer unchanged when they fail.
class Writer {
public:
    void u8(std::uint8_t v);
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    /// Appends bytes as they are: a fixed-size array `opaque x[N]`, no length prefix.
    void bytes(std::span<const std::uint8_t> data);

    /// Appends a variable-length integer in its minimal encoding (RFC 9420 §2.1.2).
    /// value_too_large above kMaxVarint.
    Result<void> varint(std::uint64_t value);

    /// Appends a variable-length vector `opaque x<V>`: minimal varint length, then the bytes.
    /// value_too_large if data is longer than kMaxVarint.
    Result<void> vector(std::span<const std::uint8_t> data);

    /// Appends a variable-length vector whose body `fill(*this)` writes, e.g. a vector of
    /// structs or a nested vector; the length prefix is computed afterwards. `fill` returns
    /// void or Result<void>. If it fails, or the body is longer than kMaxVarint, the buffer is
    /// restored to its state before the call and the error is returned.
    template <class Fill>
    requires std::is_invocable_v<Fill&, Writer&> Result<void> vector_of(Fill&& fill) {
        const std::size_t start = buf_.size();
        if constexpr (std::is_void_v<std::invoke_result_t<Fill&, Writer&>>) {
            fill(*this);
        } else {
            if (Result<void> r = fill(*this); !r) {
                buf_.resize(start);
                return r;
            }
        }
        return prefix_length_from(start);
    }

    /// The bytes written so far.
    [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return buf_; }
    /// Hands over the buffer; the writer is empty afterwards.
    [[nodiscard]] Bytes take() noexcept;

private:
    // Inserts the varint length of buf_[start..] at `start`, or truncates back to `start`.
    Result<void> prefix_length_from(std::size_t start);

    Bytes buf_;
};

/// Reads MLS structures from a byte span it does not own. Every read checks the remaining
/// length first: the reader never looks past the end of its span, and a failed read leaves the
/// position where it was. Spans it returns point into the original input.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) noexcept : data_(data) {}

    Result<std::uint8_t> u8() noexcept;
    Result<std::uint16_t> u16() noexcept;
    Result<std::uint32_t> u32() noexcept;
    Result<std::uint64_t> u64() noexcept;
    /// A fixed-size array of n bytes; truncated if fewer remain.
    Result<std::span<const std::uint8_t>> bytes(std::size_t n) noexcept;

    /// A variable-length integer (RFC 9420 §2.1.2): invalid_varint for prefix 0b11,
    /// non_minimal_varint if a shorter encoding exists, truncated if the input ends inside it.
    Result<std::uint32_t> varint() noexcept;

    /// A variable-length vector `opaque x<V>`: its body, without the length prefix.
    /// Errors of varint(), or length_too_large if the length exceeds the remaining bytes.
    Result<std::span<const std::uint8_t>> vector() noexcept;

    /// Like vector(), but returns a Reader over the body to decode the elements in it. The
    /// caller should end with expect_end() on the sub-reader.
    Result<Reader> vector_reader() noexcept;

    /// trailing_data if any byte remains: a structure must use its whole input.
    [[nodiscard]] Result<void> expect_end() const noexcept;

    [[nodiscard]] std::size_t position() const noexcept { return pos_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
    [[nodiscard]] bool at_end() const noexcept { return pos_ == data_.size(); }

private:
    template <class T>
    Result<T> read_uint() noexcept;

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

}  // namespace wardline::mls
