// SPDX-License-Identifier: Apache-2.0
// The checks a member makes on a KeyPackage before adding it (RFC 9420 §10.1) and on the keys
// of a ratchet tree (§7.3): every signature key and every HPKE key is used once.
#pragma once
#include "common/mls/group_tree.hpp"
#include "common/mls/key_package.hpp"

namespace wardline::mls {

/// §10.1: version mls10 and this cipher suite, a LeafNode of source key_package whose signature
/// verifies, an init key different from the leaf's encryption key, and the KeyPackage's own
/// signature. invalid_key_package, or invalid_signature for a signature that does not verify.
Result<void> validate_key_package(const CipherSuite& cs, const KeyPackage& key_package);

/// §7.3: no two leaves share a signature key, no two nodes share an encryption key.
/// invalid_tree otherwise.
Result<void> check_unique_keys(const GroupTree& tree);

/// §7.2, §7.3, §11.1 for every leaf of the tree, given the GroupContext's extensions: a leaf
/// lists in its capabilities the mls10 version, the group's cipher suite, every credential type
/// in use in the group, the types of its own extensions, and whatever the required_capabilities
/// extension asks; the default extension types (1–5) and proposal types (1–7) count as listed
/// (§13.4). invalid_key_package otherwise; codec errors for a malformed
/// required_capabilities.
Result<void> check_capabilities(const CipherSuite& cs, const GroupTree& tree,
                                const std::vector<Extension>& group_extensions);

}  // namespace wardline::mls
