// SPDX-License-Identifier: Apache-2.0
// tree-validation.json (§4.1.1 resolutions, §7.8 tree hashes, §7.9.2 parent hashes, §7.2 leaf
// signatures) and tree-operations.json (§12.1: Add, Update and Remove applied to a tree).
#include "common/mls/group_info.hpp"
#include "common/mls/group_tree.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/treekem.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/unit/mls/mls_vectors.hpp"

namespace wardline::mls::conformance {

namespace tm = tree_math;

FileReport check_tree_validation(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const GroupTree tree =
            GroupTree::from_nodes(deserialize_ratchet_tree(hex_field(v, "tree")).value()).value();
        const Json& hashes = v.at("tree_hashes");
        const Json& resolutions = v.at("resolutions");
        c.expect_true("one tree hash per node", hashes.size() == tree.node_count());
        c.expect_true("one resolution per node", resolutions.size() == tree.node_count());
        for (std::uint32_t i = 0; i < tree.node_count() && i < hashes.size(); ++i) {
            const tm::NodeIndex node{i};
            c.expect_eq("tree hash of node " + std::to_string(i), tree.tree_hash(*cs, node).value(),
                        test::from_hex(hashes[i].get<std::string>()));
            std::vector<std::uint32_t> got;
            for (const tm::NodeIndex r : tree.resolution(node)) got.push_back(r.value);
            if (got != resolutions.at(i).get<std::vector<std::uint32_t>>()) {
                c.fail("resolution of node " + std::to_string(i));
            }
        }
        c.expect_true("every parent node is parent-hash valid",
                      tree.verify_parent_hashes(*cs).has_value());
        const Bytes group_id = hex_field(v, "group_id");
        for (std::uint32_t l = 0; l < tree.leaf_count().value(); ++l) {
            if (tree.leaf(tm::LeafIndex{l}) == nullptr) continue;
            c.expect_true("signature of leaf " + std::to_string(l),
                          tree.verify_leaf_signature(*cs, tm::LeafIndex{l}, group_id));
        }
    });
}

FileReport check_tree_operations(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        GroupTree tree =
            GroupTree::from_nodes(deserialize_ratchet_tree(hex_field(v, "tree_before")).value())
                .value();
        c.expect_eq("tree_hash_before", tree.root_tree_hash(*cs).value(),
                    hex_field(v, "tree_hash_before"));
        const Proposal proposal = deserialize_proposal(hex_field(v, "proposal")).value();
        const tm::LeafIndex sender{v.at("proposal_sender").get<std::uint32_t>()};
        if (const auto* add = std::get_if<Add>(&proposal.body)) {
            tree.add_leaf(add->key_package.leaf_node);
        } else if (const auto* update = std::get_if<Update>(&proposal.body)) {
            c.expect_true("update applies",
                          tree.update_leaf(sender, update->leaf_node).has_value());
        } else if (const auto* remove = std::get_if<Remove>(&proposal.body)) {
            c.expect_true("remove applies",
                          tree.remove_leaf(tm::LeafIndex{remove->removed}).has_value());
        } else {
            c.fail("unexpected proposal type");
        }
        c.expect_eq("tree_after", serialize(tree.to_nodes()).value(), hex_field(v, "tree_after"));
        c.expect_eq("tree_hash_after", tree.root_tree_hash(*cs).value(),
                    hex_field(v, "tree_hash_after"));
    });
}

}  // namespace wardline::mls::conformance

namespace wardline::mls::conformance {

namespace {

Bytes context_bytes(const CipherSuite& cs, const Json& v, ByteView tree_hash) {
    GroupContext gc;
    gc.cipher_suite = cs.id();
    gc.group_id = hex_field(v, "group_id");
    gc.epoch = v.at("epoch").get<std::uint64_t>();
    gc.tree_hash.assign(tree_hash.begin(), tree_hash.end());
    gc.confirmed_transcript_hash = hex_field(v, "confirmed_transcript_hash");
    return serialize(gc).value();
}

}  // namespace

// treekem.json (§7.4–§7.6, §7.9, §12.4.2): every private leaf checks its keys against the tree,
// processes every UpdatePath of the file (path secret, commit secret, tree hash after), and
// every private leaf also commits a fresh UpdatePath of ours that the others must process to
// the same commit secret and tree.
FileReport check_treekem(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const GroupTree tree =
            GroupTree::from_nodes(deserialize_ratchet_tree(hex_field(v, "ratchet_tree")).value())
                .value();
        const Bytes group_id = hex_field(v, "group_id");
        struct Member {
            tm::LeafIndex leaf;
            TreePrivateKeys keys;
            Bytes signature_priv;
        };
        std::vector<Member> members;
        for (const Json& p : v.at("leaves_private")) {
            const tm::LeafIndex leaf{p.at("index").get<std::uint32_t>()};
            Member m{leaf, TreePrivateKeys(leaf), hex_field(p, "signature_priv")};
            const Bytes leaf_priv = hex_field(p, "encryption_priv");
            c.expect_eq("leaf " + std::to_string(leaf.value) + " encryption key",
                        cs->kem().public_key_of(leaf_priv).value(),
                        tree.leaf(leaf)->encryption_key);
            m.keys.set(tm::NodeIndex{2 * leaf.value}, leaf_priv);
            for (const Json& ps : p.at("path_secrets")) {
                const tm::NodeIndex node{ps.at("node").get<std::uint32_t>()};
                const Bytes pub =
                    m.keys.set_from_path_secret(*cs, node, hex_field(ps, "path_secret")).value();
                c.expect_eq("node " + std::to_string(node.value) + " key of leaf " +
                                std::to_string(leaf.value),
                            pub, tree.parent_node(node)->encryption_key);
            }
            members.push_back(std::move(m));
        }

        std::size_t k = 0;
        for (const Json& u : v.at("update_paths")) {
            const std::string at = "update path " + std::to_string(k++) + " ";
            const tm::LeafIndex sender{u.at("sender").get<std::uint32_t>()};
            const UpdatePath path = deserialize_update_path(hex_field(u, "update_path")).value();
            GroupTree after = tree;
            const auto merged = merge_update_path(*cs, after, sender, path, group_id);
            c.expect_true(at + "merges", merged.has_value());
            c.expect_eq(at + "tree_hash_after", after.root_tree_hash(*cs).value(),
                        hex_field(u, "tree_hash_after"));
            const Bytes context = context_bytes(*cs, v, hex_field(u, "tree_hash_after"));
            for (const Member& m : members) {
                const Json& expected = u.at("path_secrets").at(m.leaf.value);
                if (m.leaf == sender || expected.is_null()) continue;
                TreePrivateKeys keys = m.keys;
                const PathSecrets got =
                    decrypt_update_path(*cs, tree, sender, path, keys, context, {}).value();
                c.expect_eq(at + "path secret of leaf " + std::to_string(m.leaf.value),
                            got.path_secret, test::from_hex(expected.get<std::string>()));
                c.expect_eq(at + "commit secret at leaf " + std::to_string(m.leaf.value),
                            got.commit_secret, hex_field(u, "commit_secret"));
            }
        }

        // Our own UpdatePath from each private leaf, processed by the others.
        for (const Member& sender : members) {
            const std::string at = "our path from leaf " + std::to_string(sender.leaf.value) + " ";
            GroupTree committed = tree;
            TreePrivateKeys keys = sender.keys;
            Bytes context;
            const CreatedPath created =
                create_update_path(*cs, committed, keys, *tree.leaf(sender.leaf),
                                   sender.signature_priv, group_id, {},
                                   [&](ByteView tree_hash) -> Result<Bytes> {
                                       context = context_bytes(*cs, v, tree_hash);
                                       return context;
                                   })
                    .value();
            GroupTree merged = tree;
            c.expect_true(
                at + "merges",
                merge_update_path(*cs, merged, sender.leaf, created.path, group_id).has_value());
            c.expect_eq(at + "tree hash", merged.root_tree_hash(*cs).value(),
                        committed.root_tree_hash(*cs).value());
            c.expect_true(at + "keeps the parent hashes valid",
                          merged.verify_parent_hashes(*cs).has_value());
            for (const Member& m : members) {
                if (m.leaf == sender.leaf) continue;
                TreePrivateKeys receiver = m.keys;
                const auto got = decrypt_update_path(*cs, tree, sender.leaf, created.path, receiver,
                                                     context, {});
                c.expect_true(at + "decrypts at leaf " + std::to_string(m.leaf.value),
                              got.has_value());
                if (got)
                    c.expect_eq(at + "commit secret at leaf " + std::to_string(m.leaf.value),
                                got->commit_secret, created.commit_secret);
            }
        }
    });
}

}  // namespace wardline::mls::conformance
