// SPDX-License-Identifier: Apache-2.0
// Building blocks of the codecs of the RFC 9420 wire structures (credential.hpp, extension.hpp,
// tree_nodes.hpp, key_package.hpp, proposal.hpp, group_info.hpp, framing.hpp): opaque<V>
// fields, vectors of structures, optional<T> (RFC 9420 §2.1.1), enumerations, and whole-input
// serialize / deserialize.
//
// Every structure T of the library has the same codec functions:
//   Result<void> encode(Writer&, const T&);       appends T (found by ADL)
//   Result<T> decode_<name>(Reader&);             reads one T from the reader's position
//   Result<T> deserialize_<name>(ByteView);       one T filling the whole input
//   Result<Bytes> serialize(const T&);            the template below
// A failed encode leaves the writer with a partial structure (serialize() discards it); a
// failed decode leaves the reader's position unspecified. Decoding never reads past its input
// (the Reader checks every read) and its memory is linear in the input length: every element
// of a vector consumes at least one input byte. The factor is the in-memory size of the densest
// element: a blank ratchet tree node (1 input byte) is an optional<Node> of about 340 bytes on
// x86-64, a ProposalOrRef (2 input bytes) about 420; with vector growth, expect up to about
// 1 KiB per input byte at peak. Callers bound the input length before decoding.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/tls_codec.hpp"

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace wardline::mls {

/// The value type of the Result a decoder returns, e.g. LeafNode for decode_leaf_node.
template <class Decode>
using decoded_t = typename std::invoke_result_t<Decode&, Reader&>::value_type;

/// Copies an `opaque x<V>` field out of the input.
inline Result<Bytes> decode_opaque(Reader& r) {
    const Result<ByteView> body = r.vector();
    if (!body) return body.error();
    return Bytes(body->begin(), body->end());
}

/// Moves a decoded value into a structure field, so that a decoder reads one field per line:
/// `if (auto e = assign(v.epoch, r.u64()); !e) return e.error();`
template <class T>
Result<void> assign(T& field, Result<T> decoded) {
    if (!decoded) return decoded.error();
    field = std::move(*decoded);
    return {};
}

/// Writes `T items<V>` with `encode_item(Writer&, const T&) -> Result<void>` per element.
template <class T, class EncodeItem>
Result<void> encode_vector(Writer& w, const std::vector<T>& items, EncodeItem&& encode_item) {
    return w.vector_of([&](Writer& out) -> Result<void> {
        for (const T& item : items) {
            if (Result<void> r = encode_item(out, item); !r) return r;
        }
        return {};
    });
}

/// Writes `T items<V>` with the encode() overload of T.
template <class T>
Result<void> encode_vector(Writer& w, const std::vector<T>& items) {
    return encode_vector(w, items, [](Writer& out, const T& item) { return encode(out, item); });
}

/// Reads `T items<V>`: the elements must fill the vector's body exactly (a partial element at
/// its end is an error of the element decoder, never read from outside the body).
template <class DecodeItem>
Result<std::vector<decoded_t<DecodeItem>>> decode_vector(Reader& r, DecodeItem&& decode_item) {
    Result<Reader> body = r.vector_reader();
    if (!body) return body.error();
    std::vector<decoded_t<DecodeItem>> items;
    while (!body->at_end()) {
        Result<decoded_t<DecodeItem>> item = decode_item(*body);
        if (!item) return item.error();
        items.push_back(std::move(*item));
    }
    return items;
}

/// `uint16 items<V>` (Capabilities' lists).
Result<void> encode_u16_vector(Writer& w, const std::vector<std::uint16_t>& items);
Result<std::vector<std::uint16_t>> decode_u16_vector(Reader& r);
/// `uint32 items<V>` (ParentNode.unmerged_leaves).
Result<void> encode_u32_vector(Writer& w, const std::vector<std::uint32_t>& items);
Result<std::vector<std::uint32_t>> decode_u32_vector(Reader& r);
/// A vector of `opaque x<V>` (e.g. the certificates of an x509 credential).
Result<void> encode_opaque_vector(Writer& w, const std::vector<Bytes>& items);
Result<std::vector<Bytes>> decode_opaque_vector(Reader& r);

/// `optional<T>` (RFC 9420 §2.1.1): a presence byte 0 or 1, then T if 1.
template <class T, class EncodeItem>
Result<void> encode_optional(Writer& w, const std::optional<T>& value, EncodeItem&& encode_item) {
    if (!value) {
        w.u8(0);
        return {};
    }
    w.u8(1);
    return encode_item(w, *value);
}

/// Reads `optional<T>`; invalid_optional for a presence byte other than 0 and 1.
template <class DecodeItem>
Result<std::optional<decoded_t<DecodeItem>>> decode_optional(Reader& r, DecodeItem&& decode_item) {
    const Result<std::uint8_t> present = r.u8();
    if (!present) return present.error();
    if (*present == 0) return std::optional<decoded_t<DecodeItem>>();
    if (*present != 1) return Error::invalid_optional;
    Result<decoded_t<DecodeItem>> item = decode_item(r);
    if (!item) return item.error();
    return std::optional<decoded_t<DecodeItem>>(std::move(*item));
}

/// True if `value` is one of the values 1..last of an RFC 9420 enumeration (all of those the
/// library selects on number their values from 1, with 0 reserved).
template <class E>
requires std::is_enum_v<E>
constexpr bool in_range(E value, E last) noexcept {
    using U = std::underlying_type_t<E>;
    return static_cast<U>(value) >= 1 && static_cast<U>(value) <= static_cast<U>(last);
}

/// Writes an enumeration as its uint8 or uint16 wire type; invalid_value outside 1..last.
template <class E>
requires std::is_enum_v<E> Result<void> encode_enum(Writer& w, E value, E last) {
    if (!in_range(value, last)) return Error::invalid_value;
    using U = std::underlying_type_t<E>;
    static_assert(std::is_same_v<U, std::uint8_t> || std::is_same_v<U, std::uint16_t>);
    if constexpr (std::is_same_v<U, std::uint8_t>) {
        w.u8(static_cast<U>(value));
    } else {
        w.u16(static_cast<U>(value));
    }
    return {};
}

/// Reads an enumeration from its uint8 or uint16 wire type; invalid_value outside 1..last.
template <class E>
requires std::is_enum_v<E> Result<E> decode_enum(Reader& r, E last) {
    using U = std::underlying_type_t<E>;
    static_assert(std::is_same_v<U, std::uint8_t> || std::is_same_v<U, std::uint16_t>);
    Result<U> raw = Error::truncated;
    if constexpr (std::is_same_v<U, std::uint8_t>) {
        raw = r.u8();
    } else {
        raw = r.u16();
    }
    if (!raw) return raw.error();
    const E value = static_cast<E>(*raw);
    if (!in_range(value, last)) return Error::invalid_value;
    return value;
}

/// Encodes a structure alone, e.g. for a signature's or a hash's input.
template <class T>
Result<Bytes> serialize(const T& value) {
    Writer w;
    if (Result<void> r = encode(w, value); !r) return r.error();
    return w.take();
}

/// Decodes one structure that must fill `data` exactly (trailing_data otherwise).
template <class Decode>
Result<decoded_t<Decode>> deserialize_with(ByteView data, Decode&& decode) {
    Reader r(data);
    Result<decoded_t<Decode>> value = decode(r);
    if (!value) return value.error();
    if (Result<void> end = r.expect_end(); !end) return end.error();
    return value;
}

}  // namespace wardline::mls
