// SPDX-License-Identifier: Apache-2.0
// Small structures shared by leaf nodes, key packages and groups: ProtocolVersion,
// Extension (RFC 9420 §13), Capabilities (§7.2) and Lifetime (§7.2).
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/tls_codec.hpp"

#include <cstdint>
#include <vector>

namespace wardline::mls {

/// ProtocolVersion (RFC 9420 §6), uint16. Decoding keeps any value: refusing a version other
/// than mls10 is validation, not decoding.
enum class ProtocolVersion : std::uint16_t { reserved = 0, mls10 = 1 };

/// Reads a ProtocolVersion, any value.
Result<ProtocolVersion> decode_protocol_version(Reader& r);

/// ExtensionType values of RFC 9420 §17.3 (uint16). Extension types are kept as plain numbers:
/// unknown ones (and GREASE, §13.5) must pass through decoding untouched.
inline constexpr std::uint16_t kExtensionApplicationId = 0x0001;
inline constexpr std::uint16_t kExtensionRatchetTree = 0x0002;
inline constexpr std::uint16_t kExtensionRequiredCapabilities = 0x0003;
inline constexpr std::uint16_t kExtensionExternalPub = 0x0004;
inline constexpr std::uint16_t kExtensionExternalSenders = 0x0005;

/// struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;  (§13)
struct Extension {
    std::uint16_t extension_type = 0;
    Bytes extension_data;
    bool operator==(const Extension&) const = default;
};

/// struct {
///     ProtocolVersion versions<V>;
///     CipherSuite cipher_suites<V>;
///     ExtensionType extensions<V>;
///     ProposalType proposals<V>;
///     CredentialType credentials<V>;
/// } Capabilities;                                                          (RFC 9420 §7.2)
/// All uint16 lists; values are kept as they are, known or not (§13.5 GREASE).
struct Capabilities {
    std::vector<std::uint16_t> versions;
    std::vector<std::uint16_t> cipher_suites;
    std::vector<std::uint16_t> extensions;
    std::vector<std::uint16_t> proposals;
    std::vector<std::uint16_t> credentials;
    bool operator==(const Capabilities&) const = default;
};

/// struct { uint64 not_before; uint64 not_after; } Lifetime;  (§7.2, seconds since the epoch)
struct Lifetime {
    std::uint64_t not_before = 0;
    std::uint64_t not_after = 0;
    bool operator==(const Lifetime&) const = default;
};

Result<void> encode(Writer& w, const Extension& v);
Result<Extension> decode_extension(Reader& r);
Result<Extension> deserialize_extension(ByteView data);

/// `Extension extensions<V>`, the list in LeafNode, KeyPackage, GroupContext, GroupInfo, ...
Result<void> encode_extensions(Writer& w, const std::vector<Extension>& v);
Result<std::vector<Extension>> decode_extensions(Reader& r);

Result<void> encode(Writer& w, const Capabilities& v);
Result<Capabilities> decode_capabilities(Reader& r);
Result<Capabilities> deserialize_capabilities(ByteView data);

Result<void> encode(Writer& w, const Lifetime& v);
Result<Lifetime> decode_lifetime(Reader& r);
Result<Lifetime> deserialize_lifetime(ByteView data);

/// The first extension of that type in the list, or nullptr.
const Extension* find_extension(const std::vector<Extension>& extensions,
                                std::uint16_t extension_type) noexcept;

}  // namespace wardline::mls
