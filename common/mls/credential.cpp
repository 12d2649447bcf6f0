// SPDX-License-Identifier: Apache-2.0
#include "common/mls/credential.hpp"

#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

Result<void> encode(Writer& w, const Credential& v) {
    if (Result<void> r = encode_enum(w, v.credential_type, CredentialType::x509); !r) return r;
    switch (v.credential_type) {
        case CredentialType::basic:
            return w.vector(v.identity);
        case CredentialType::x509:
            return encode_opaque_vector(w, v.certificates);
    }
    return Error::invalid_value;
}

Result<Credential> decode_credential(Reader& r) {
    Credential v;
    if (auto e = assign(v.credential_type, decode_enum(r, CredentialType::x509)); !e)
        return e.error();
    switch (v.credential_type) {
        case CredentialType::basic:
            if (auto e = assign(v.identity, decode_opaque(r)); !e) return e.error();
            return v;
        case CredentialType::x509:
            if (auto e = assign(v.certificates, decode_opaque_vector(r)); !e) return e.error();
            return v;
    }
    return Error::invalid_value;
}

Result<Credential> deserialize_credential(ByteView data) {
    return deserialize_with(data, decode_credential);
}

}  // namespace wardline::mls
