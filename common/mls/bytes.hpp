// SPDX-License-Identifier: Apache-2.0
// The byte buffer of the MLS library. Every buffer is wiped (sodium_memzero) when its memory is
// released, including the old block a growing vector leaves behind, so secrets (epoch secrets,
// private keys, plaintexts, serialized GroupSecrets) never linger in freed memory whichever
// path they took. Comparisons of secrets go through equal_constant_time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace wardline::mls {

/// Overwrites n bytes at p with zeros in a way the compiler cannot elide (sodium_memzero).
void secure_wipe(void* p, std::size_t n) noexcept;

/// std::allocator that wipes every block before returning it.
template <class T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        secure_wipe(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    bool operator==(const WipingAllocator<U>& /*other*/) const noexcept {
        return true;
    }
};

using Bytes = std::vector<std::uint8_t, WipingAllocator<std::uint8_t>>;
using ByteView = std::span<const std::uint8_t>;

/// True if a and b have the same length and contents; the time taken depends only on the
/// length (sodium_memcmp). For MACs, tags and secrets.
bool equal_constant_time(ByteView a, ByteView b) noexcept;

/// The bytes of a string, e.g. a label or a test identity.
inline Bytes to_bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

/// Concatenation a || b.
inline Bytes concat(ByteView a, ByteView b) {
    Bytes out;
    out.reserve(a.size() + b.size());
    out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace wardline::mls
