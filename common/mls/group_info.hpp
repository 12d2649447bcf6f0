// SPDX-License-Identifier: Apache-2.0
// GroupContext (RFC 9420 §8.1), GroupInfo (§12.4.3) and Welcome with its GroupSecrets
// (§12.4.3.1).
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/extension.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/tls_codec.hpp"
#include "common/mls/tree_nodes.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace wardline::mls {

/// struct {
///     ProtocolVersion version = mls10;
///     CipherSuite cipher_suite;
///     opaque group_id<V>;
///     uint64 epoch;
///     opaque tree_hash<V>;
///     opaque confirmed_transcript_hash<V>;
///     Extension extensions<V>;
/// } GroupContext;                                                          (RFC 9420 §8.1)
struct GroupContext {
    ProtocolVersion version = ProtocolVersion::mls10;
    std::uint16_t cipher_suite = 0;
    Bytes group_id;
    std::uint64_t epoch = 0;
    Bytes tree_hash;
    Bytes confirmed_transcript_hash;
    std::vector<Extension> extensions;
    bool operator==(const GroupContext&) const = default;
};

Result<void> encode(Writer& w, const GroupContext& v);
Result<GroupContext> decode_group_context(Reader& r);
Result<GroupContext> deserialize_group_context(ByteView data);

/// struct {
///     GroupContext group_context;
///     Extension extensions<V>;
///     MAC confirmation_tag;
///     uint32 signer;
///     /* SignWithLabel(., "GroupInfoTBS", GroupInfoTBS) */
///     opaque signature<V>;
/// } GroupInfo;                                                          (RFC 9420 §12.4.3)
struct GroupInfo {
    GroupContext group_context;
    std::vector<Extension> extensions;
    Bytes confirmation_tag;  ///< MAC: opaque<V>
    std::uint32_t signer = 0;
    Bytes signature;
    bool operator==(const GroupInfo&) const = default;
};

Result<void> encode(Writer& w, const GroupInfo& v);
Result<GroupInfo> decode_group_info(Reader& r);
Result<GroupInfo> deserialize_group_info(ByteView data);

/// The GroupInfoTBS bytes that `signature` signs (RFC 9420 §12.4.3): the GroupInfo without
/// its signature.
Result<Bytes> group_info_tbs(const GroupInfo& v);

/// struct { opaque path_secret<V>; } PathSecret;  (RFC 9420 §12.4.3.1)
struct PathSecret {
    Bytes path_secret;
    bool operator==(const PathSecret&) const = default;
};

/// struct {
///     opaque joiner_secret<V>;
///     optional<PathSecret> path_secret;
///     PreSharedKeyID psks<V>;
/// } GroupSecrets;                                                     (RFC 9420 §12.4.3.1)
struct GroupSecrets {
    Bytes joiner_secret;
    std::optional<PathSecret> path_secret;
    std::vector<PreSharedKeyID> psks;
    bool operator==(const GroupSecrets&) const = default;
};

Result<void> encode(Writer& w, const GroupSecrets& v);
Result<GroupSecrets> decode_group_secrets(Reader& r);
Result<GroupSecrets> deserialize_group_secrets(ByteView data);

/// struct {
///     KeyPackageRef new_member;
///     HPKECiphertext encrypted_group_secrets;
/// } EncryptedGroupSecrets;                                            (RFC 9420 §12.4.3.1)
struct EncryptedGroupSecrets {
    KeyPackageRef new_member;
    HPKECiphertext encrypted_group_secrets;
    bool operator==(const EncryptedGroupSecrets&) const = default;
};

Result<void> encode(Writer& w, const EncryptedGroupSecrets& v);
Result<EncryptedGroupSecrets> decode_encrypted_group_secrets(Reader& r);
Result<EncryptedGroupSecrets> deserialize_encrypted_group_secrets(ByteView data);

/// struct {
///     CipherSuite cipher_suite;
///     EncryptedGroupSecrets secrets<V>;
///     opaque encrypted_group_info<V>;
/// } Welcome;                                                          (RFC 9420 §12.4.3.1)
struct Welcome {
    std::uint16_t cipher_suite = 0;
    std::vector<EncryptedGroupSecrets> secrets;
    Bytes encrypted_group_info;
    bool operator==(const Welcome&) const = default;
};

Result<void> encode(Writer& w, const Welcome& v);
Result<Welcome> decode_welcome(Reader& r);
Result<Welcome> deserialize_welcome(ByteView data);

}  // namespace wardline::mls
