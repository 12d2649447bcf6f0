// SPDX-License-Identifier: Apache-2.0
#include "common/mls/key_package.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

namespace {

// KeyPackageTBS (RFC 9420 §10): every KeyPackage field but the signature.
Result<void> encode_key_package_tbs(Writer& w, const KeyPackage& v) {
    w.u16(static_cast<std::uint16_t>(v.version));
    w.u16(v.cipher_suite);
    if (Result<void> r = w.vector(v.init_key); !r) return r;
    if (Result<void> r = encode(w, v.leaf_node); !r) return r;
    return encode_extensions(w, v.extensions);
}

}  // namespace

Result<void> encode(Writer& w, const KeyPackage& v) {
    if (Result<void> r = encode_key_package_tbs(w, v); !r) return r;
    return w.vector(v.signature);
}

Result<KeyPackage> decode_key_package(Reader& r) {
    KeyPackage v;
    if (auto e = assign(v.version, decode_protocol_version(r)); !e) return e.error();
    if (auto e = assign(v.cipher_suite, r.u16()); !e) return e.error();
    if (auto e = assign(v.init_key, decode_opaque(r)); !e) return e.error();
    if (auto e = assign(v.leaf_node, decode_leaf_node(r)); !e) return e.error();
    if (auto e = assign(v.extensions, decode_extensions(r)); !e) return e.error();
    if (auto e = assign(v.signature, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<KeyPackage> deserialize_key_package(ByteView data) {
    return deserialize_with(data, decode_key_package);
}

Result<Bytes> key_package_tbs(const KeyPackage& v) {
    Writer w;
    if (Result<void> r = encode_key_package_tbs(w, v); !r) return r.error();
    return w.take();
}

}  // namespace wardline::mls
