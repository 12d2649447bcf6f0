// SPDX-License-Identifier: Apache-2.0
#include "common/mls/extension.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

Result<ProtocolVersion> decode_protocol_version(Reader& r) {
    const Result<std::uint16_t> version = r.u16();
    if (!version) return version.error();
    return static_cast<ProtocolVersion>(*version);
}

Result<void> encode(Writer& w, const Extension& v) {
    w.u16(v.extension_type);
    return w.vector(v.extension_data);
}

Result<Extension> decode_extension(Reader& r) {
    Extension v;
    if (auto e = assign(v.extension_type, r.u16()); !e) return e.error();
    if (auto e = assign(v.extension_data, decode_opaque(r)); !e) return e.error();
    return v;
}

Result<Extension> deserialize_extension(ByteView data) {
    return deserialize_with(data, decode_extension);
}

Result<void> encode_extensions(Writer& w, const std::vector<Extension>& v) {
    return encode_vector(w, v);
}

Result<std::vector<Extension>> decode_extensions(Reader& r) {
    return decode_vector(r, decode_extension);
}

Result<void> encode(Writer& w, const Capabilities& v) {
    for (const auto* list :
         {&v.versions, &v.cipher_suites, &v.extensions, &v.proposals, &v.credentials}) {
        if (Result<void> r = encode_u16_vector(w, *list); !r) return r;
    }
    return {};
}

Result<Capabilities> decode_capabilities(Reader& r) {
    Capabilities v;
    for (auto* list :
         {&v.versions, &v.cipher_suites, &v.extensions, &v.proposals, &v.credentials}) {
        if (auto e = assign(*list, decode_u16_vector(r)); !e) return e.error();
    }
    return v;
}

Result<Capabilities> deserialize_capabilities(ByteView data) {
    return deserialize_with(data, decode_capabilities);
}

Result<void> encode(Writer& w, const Lifetime& v) {
    w.u64(v.not_before);
    w.u64(v.not_after);
    return {};
}

Result<Lifetime> decode_lifetime(Reader& r) {
    Lifetime v;
    if (auto e = assign(v.not_before, r.u64()); !e) return e.error();
    if (auto e = assign(v.not_after, r.u64()); !e) return e.error();
    return v;
}

Result<Lifetime> deserialize_lifetime(ByteView data) {
    return deserialize_with(data, decode_lifetime);
}

const Extension* find_extension(const std::vector<Extension>& extensions,
                                std::uint16_t extension_type) noexcept {
    for (const Extension& e : extensions) {
        if (e.extension_type == extension_type) return &e;
    }
    return nullptr;
}

}  // namespace wardline::mls
