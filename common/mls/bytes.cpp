// SPDX-License-Identifier: Apache-2.0
#include "common/mls/bytes.hpp"

#include <sodium.h>

namespace wardline::mls {

void secure_wipe(void* p, std::size_t n) noexcept {
    if (p != nullptr && n != 0) sodium_memzero(p, n);
}

bool equal_constant_time(ByteView a, ByteView b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wardline::mls
