// SPDX-License-Identifier: Apache-2.0
#include "common/mls/leaf_validation.hpp"

#include "common/mls/struct_codec.hpp"

#include <algorithm>
#include <set>

namespace wardline::mls {

namespace tm = tree_math;

Result<void> validate_key_package(const CipherSuite& cs, const KeyPackage& key_package) {
    const LeafNode& leaf = key_package.leaf_node;
    if (key_package.version != ProtocolVersion::mls10 || key_package.cipher_suite != cs.id() ||
        leaf.leaf_node_source != LeafNodeSource::key_package ||
        equal_constant_time(key_package.init_key, leaf.encryption_key)) {
        return Error::invalid_key_package;
    }
    const auto leaf_tbs = leaf_node_tbs(leaf, {}, 0);
    if (!leaf_tbs) return leaf_tbs.error();
    if (!verify_with_label(cs, leaf.signature_key, "LeafNodeTBS", *leaf_tbs, leaf.signature)) {
        return Error::invalid_signature;
    }
    const auto tbs = key_package_tbs(key_package);
    if (!tbs) return tbs.error();
    if (!verify_with_label(cs, leaf.signature_key, "KeyPackageTBS", *tbs, key_package.signature)) {
        return Error::invalid_signature;
    }
    return {};
}

Result<void> check_unique_keys(const GroupTree& tree) {
    std::set<Bytes> signature_keys;
    std::set<Bytes> encryption_keys;
    for (std::uint32_t i = 0; i < tree.node_count(); ++i) {
        const tm::NodeIndex node{i};
        if (tm::is_leaf(node)) {
            const LeafNode* leaf = tree.leaf(tm::LeafIndex{i / 2});
            if (leaf == nullptr) continue;
            if (!signature_keys.insert(leaf->signature_key).second ||
                !encryption_keys.insert(leaf->encryption_key).second) {
                return Error::invalid_tree;
            }
        } else if (const ParentNode* parent = tree.parent_node(node); parent != nullptr) {
            if (!encryption_keys.insert(parent->encryption_key).second) return Error::invalid_tree;
        }
    }
    return {};
}

namespace {

// struct { ExtensionType extension_types<V>; ProposalType proposal_types<V>;
//          CredentialType credential_types<V>; } RequiredCapabilities;    (RFC 9420 §11.1)
struct RequiredCapabilities {
    std::vector<std::uint16_t> extension_types;
    std::vector<std::uint16_t> proposal_types;
    std::vector<std::uint16_t> credential_types;
};

Result<RequiredCapabilities> required_capabilities(const std::vector<Extension>& extensions) {
    const Extension* ext = find_extension(extensions, kExtensionRequiredCapabilities);
    if (ext == nullptr) return RequiredCapabilities{};
    return deserialize_with(ext->extension_data, [](Reader& r) -> Result<RequiredCapabilities> {
        RequiredCapabilities v;
        if (auto e = assign(v.extension_types, decode_u16_vector(r)); !e) return e.error();
        if (auto e = assign(v.proposal_types, decode_u16_vector(r)); !e) return e.error();
        if (auto e = assign(v.credential_types, decode_u16_vector(r)); !e) return e.error();
        return v;
    });
}

bool listed(const std::vector<std::uint16_t>& list, std::uint16_t value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// §13.4: the extension types and proposal types of RFC 9420 itself need not be listed.
bool supports_extension(const Capabilities& c, std::uint16_t type) {
    return (type >= kExtensionApplicationId && type <= kExtensionExternalSenders) ||
           listed(c.extensions, type);
}
bool supports_proposal(const Capabilities& c, std::uint16_t type) {
    return (type >= 1 && type <= 7) || listed(c.proposals, type);
}

}  // namespace

Result<void> check_capabilities(const CipherSuite& cs, const GroupTree& tree,
                                const std::vector<Extension>& group_extensions) {
    auto required = required_capabilities(group_extensions);
    if (!required) return required.error();
    std::set<std::uint16_t> credential_types = {required->credential_types.begin(),
                                                required->credential_types.end()};
    std::vector<const LeafNode*> leaves;
    for (std::uint32_t i = 0; i < tree.leaf_count().value(); ++i) {
        if (const LeafNode* leaf = tree.leaf(tm::LeafIndex{i})) {
            leaves.push_back(leaf);
            credential_types.insert(static_cast<std::uint16_t>(leaf->credential.credential_type));
        }
    }
    for (const LeafNode* leaf : leaves) {
        const Capabilities& c = leaf->capabilities;
        bool ok = listed(c.versions, static_cast<std::uint16_t>(ProtocolVersion::mls10)) &&
                  listed(c.cipher_suites, cs.id());
        for (const std::uint16_t type : credential_types) ok = ok && listed(c.credentials, type);
        for (const Extension& e : leaf->extensions) {
            ok = ok && supports_extension(c, e.extension_type);
        }
        for (const std::uint16_t type : required->extension_types) {
            ok = ok && supports_extension(c, type);
        }
        for (const std::uint16_t type : required->proposal_types) {
            ok = ok && supports_proposal(c, type);
        }
        if (!ok) return Error::invalid_key_package;
    }
    return {};
}

}  // namespace wardline::mls
