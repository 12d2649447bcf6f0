// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string_view>

namespace wardline::mls {

/// Errors of the MLS library (RFC 9420). Each value is raised in exactly the situation its line
/// describes, so a caller (and a test) can tell one refusal from another.
enum class Error {
    /// Reader: a fixed-size read (u8..u64, fixed bytes, a varint's continuation bytes) needs
    /// more bytes than remain in the input.
    truncated = 1,
    /// Reader: a variable-length integer starts with the reserved prefix 0b11
    /// (RFC 9420 §2.1.2: "the prefix 11 is invalid").
    invalid_varint,
    /// Reader: a variable-length integer is not in its shortest encoding, e.g. 0x4001 for 1
    /// (RFC 9420 §2.1.2 requires the minimum number of bytes).
    non_minimal_varint,
    /// Reader: a vector's length prefix announces more bytes than remain in the input.
    length_too_large,
    /// Reader::expect_end(): bytes remain after a structure that must fill its input exactly.
    trailing_data,
    /// Writer: a variable-length integer or vector length is above 2^30 - 1, the largest
    /// value the MLS varint can encode (RFC 9420 §2.1.2).
    value_too_large,
    /// Crypto: a key of the wrong size or form for the cipher suite.
    invalid_key,
};

/// Stable name of an error value, e.g. "non_minimal_varint"; "unknown" for out-of-range values.
std::string_view to_string(Error e) noexcept;

/// The library's return type for operations that can fail on their input: a value or an Error.
/// Expected failures (malformed bytes) are results, never exceptions. Calling value() on a
/// failed Result is a bug and throws std::logic_error (see throw_exception_from_error below).
template <class T>
using Result = boost::system::result<T, Error>;

/// Found by boost::system::result through ADL when value() is called on a failed Result.
[[noreturn]] void throw_exception_from_error(Error e, const boost::source_location& loc);

}  // namespace wardline::mls
