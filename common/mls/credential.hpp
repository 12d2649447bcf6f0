// SPDX-License-Identifier: Apache-2.0
// Credential (RFC 9420 §5.3): the identity a member presents, bound to its signature key.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/tls_codec.hpp"

#include <cstdint>
#include <vector>

namespace wardline::mls {

/// CredentialType (RFC 9420 §5.3, registry §17.5), uint16 on the wire.
enum class CredentialType : std::uint16_t { basic = 1, x509 = 2 };

/// struct {
///     CredentialType credential_type;
///     select (Credential.credential_type) {
///         case basic: opaque identity<V>;
///         case x509:  Certificate certificates<V>;   // Certificate {opaque cert_data<V>;}
///     };
/// } Credential;                                                            (RFC 9420 §5.3)
/// Only the field that credential_type selects is encoded; the other one is ignored. Other
/// credential types have no layout in RFC 9420 and are refused (invalid_value).
struct Credential {
    CredentialType credential_type = CredentialType::basic;
    Bytes identity;                   ///< basic
    std::vector<Bytes> certificates;  ///< x509: each cert_data, DER, leaf first
    bool operator==(const Credential&) const = default;
};

Result<void> encode(Writer& w, const Credential& v);
Result<Credential> decode_credential(Reader& r);
Result<Credential> deserialize_credential(ByteView data);

}  // namespace wardline::mls
