// SPDX-License-Identifier: Apache-2.0
// KeyPackage (RFC 9420 §10): a client's published offer to be added to groups.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/extension.hpp"
#include "common/mls/tls_codec.hpp"
#include "common/mls/tree_nodes.hpp"

#include <cstdint>
#include <vector>

namespace wardline::mls {

/// opaque HashReference<V>; HashReference KeyPackageRef; HashReference ProposalRef;  (§5.2)
using KeyPackageRef = Bytes;
using ProposalRef = Bytes;

/// struct {
///     ProtocolVersion version;
///     CipherSuite cipher_suite;
///     HPKEPublicKey init_key;
///     LeafNode leaf_node;
///     Extension extensions<V>;
///     /* SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) */
///     opaque signature<V>;
/// } KeyPackage;                                                            (RFC 9420 §10)
/// version and cipher_suite are kept as they are (checking them is validation).
struct KeyPackage {
    ProtocolVersion version = ProtocolVersion::mls10;
    std::uint16_t cipher_suite = 0;
    HPKEPublicKey init_key;
    LeafNode leaf_node;
    std::vector<Extension> extensions;
    Bytes signature;
    bool operator==(const KeyPackage&) const = default;
};

Result<void> encode(Writer& w, const KeyPackage& v);
Result<KeyPackage> decode_key_package(Reader& r);
Result<KeyPackage> deserialize_key_package(ByteView data);

/// The KeyPackageTBS bytes that `signature` signs (RFC 9420 §10): the KeyPackage without its
/// signature.
Result<Bytes> key_package_tbs(const KeyPackage& v);

}  // namespace wardline::mls
