// SPDX-License-Identifier: Apache-2.0
// HKDF-Expand and the HPKE labelled KDF calls, generic over a Kdf. The primitives themselves
// are in crypto_sodium.cpp and crypto_openssl.cpp.
#include "common/mls/crypto_primitives.hpp"

#include <limits>

namespace wardline::mls {

namespace {
constexpr std::string_view kHpkeVersion = "HPKE-v1";

void append(Bytes& out, ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
}
void append(Bytes& out, std::string_view s) {
    out.insert(out.end(), s.begin(), s.end());
}
}  // namespace

// RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i), output the first L bytes of T(1)|T(2)...
Result<Bytes> Kdf::expand(ByteView prk, ByteView info, std::size_t length) const {
    const std::size_t nh = hash_length();
    if (length > 255 * nh) return Error::value_too_large;
    Bytes out;
    out.reserve(length + nh);
    Bytes t;
    for (unsigned i = 1; out.size() < length; ++i) {
        Bytes input = std::move(t);
        append(input, info);
        input.push_back(static_cast<std::uint8_t>(i));
        t = hmac(prk, input);
        append(out, t);
    }
    out.resize(length);
    return out;
}

Bytes labeled_extract(const Kdf& kdf, ByteView suite_id, std::string_view label, ByteView salt,
                      ByteView ikm) {
    Bytes labeled_ikm;
    labeled_ikm.reserve(kHpkeVersion.size() + suite_id.size() + label.size() + ikm.size());
    append(labeled_ikm, kHpkeVersion);
    append(labeled_ikm, suite_id);
    append(labeled_ikm, label);
    append(labeled_ikm, ikm);
    return kdf.extract(salt, labeled_ikm);
}

Result<Bytes> labeled_expand(const Kdf& kdf, ByteView suite_id, std::string_view label,
                             ByteView prk, ByteView info, std::size_t length) {
    if (length > std::numeric_limits<std::uint16_t>::max()) return Error::value_too_large;
    Bytes labeled_info;
    labeled_info.push_back(static_cast<std::uint8_t>(length >> 8));
    labeled_info.push_back(static_cast<std::uint8_t>(length));
    append(labeled_info, kHpkeVersion);
    append(labeled_info, suite_id);
    append(labeled_info, label);
    append(labeled_info, info);
    return kdf.expand(prk, labeled_info, length);
}

}  // namespace wardline::mls
