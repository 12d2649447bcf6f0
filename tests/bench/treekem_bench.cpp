// SPDX-License-Identifier: Apache-2.0
// TreeKEM part of an MLS commit (RFC 9420 §7.4–§7.6) in groups of 2, 10, 100 and 1,000
// members: the committer creating an UpdatePath, and a receiver merging it (parent hashes,
// leaf signature) and decrypting its path secret. The tree is first filled by commits from
// every other leaf, the steady state of a long-lived care-team group. Medians of ROUNDS runs.
// Usage: treekem_bench [ROUNDS]. Build with the `bench` preset (optimised).
#include "common/mls/group_info.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/treekem.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using namespace wardline::mls;  // NOLINT: benchmark of the whole library
namespace tm = tree_math;
using Clock = std::chrono::steady_clock;

double median_ms(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Member {
    KeyPair signature;
    TreePrivateKeys keys;
};

LeafNode leaf_for(const CipherSuite& cs, const KeyPair& sig, ByteView encryption_key, int i) {
    LeafNode leaf;
    leaf.encryption_key.assign(encryption_key.begin(), encryption_key.end());
    leaf.signature_key = sig.public_key;
    leaf.credential.identity = to_bytes("member-" + std::to_string(i));
    leaf.capabilities.versions = {1};
    leaf.capabilities.cipher_suites = {cs.id()};
    leaf.lifetime = {0, UINT64_MAX};
    return leaf;
}

Result<Bytes> context_for(const CipherSuite& cs, ByteView tree_hash) {
    GroupContext gc;
    gc.cipher_suite = cs.id();
    gc.group_id = to_bytes("bench-group");
    gc.epoch = 1;
    gc.tree_hash.assign(tree_hash.begin(), tree_hash.end());
    return serialize(gc);
}

void run(const CipherSuite& cs, std::uint32_t n, int rounds) {
    const Bytes group_id = to_bytes("bench-group");
    std::vector<Member> members;
    std::vector<KeyPair> leaf_keys;
    for (std::uint32_t i = 0; i < n; ++i) {
        members.push_back({cs.generate_signature_key_pair(), TreePrivateKeys(tm::LeafIndex{i})});
        leaf_keys.push_back(cs.kem().generate_key_pair());
        members.back().keys.set(tm::NodeIndex{2 * i}, leaf_keys.back().private_key);
    }
    GroupTree tree =
        GroupTree::with_first_leaf(leaf_for(cs, members[0].signature, leaf_keys[0].public_key, 0));
    for (std::uint32_t i = 1; i < n; ++i) {
        tree.add_leaf(
            leaf_for(cs, members[i].signature, leaf_keys[i].public_key, static_cast<int>(i)));
    }
    const std::uint32_t receiver = n - 1;
    Bytes context;
    auto capture = [&](ByteView th) -> Result<Bytes> {
        context = context_for(cs, th).value();
        return context;
    };
    auto commit_from = [&](std::uint32_t who) {
        Member& m = members[who];
        GroupTree before = tree;
        const CreatedPath path =
            create_update_path(cs, tree, m.keys, *before.leaf(tm::LeafIndex{who}),
                               m.signature.private_key, group_id, {}, capture)
                .value();
        if (who != receiver) {
            (void)decrypt_update_path(cs, before, tm::LeafIndex{who}, path.path,
                                      members[receiver].keys, context, {})
                .value();
        }
    };
    // Fill the tree: one commit from every even leaf.
    for (std::uint32_t i = 0; i < n; i += 2) commit_from(i);

    std::vector<double> create_ms, process_ms;
    for (int r = 0; r < rounds; ++r) {
        const std::uint32_t who = static_cast<std::uint32_t>(r) % std::max<std::uint32_t>(1, n - 1);
        Member& m = members[who];
        const GroupTree before = tree;
        TreePrivateKeys committer_keys = m.keys;
        GroupTree committed = tree;
        const auto t0 = Clock::now();
        const CreatedPath path =
            create_update_path(cs, committed, committer_keys, *before.leaf(tm::LeafIndex{who}),
                               m.signature.private_key, group_id, {}, capture)
                .value();
        const auto t1 = Clock::now();
        GroupTree merged = before;
        TreePrivateKeys receiver_keys = members[receiver].keys;
        (void)merge_update_path(cs, merged, tm::LeafIndex{who}, path.path, group_id).value();
        (void)decrypt_update_path(cs, before, tm::LeafIndex{who}, path.path, receiver_keys, context,
                                  {})
            .value();
        const Bytes th = merged.root_tree_hash(cs).value();
        const auto t2 = Clock::now();
        create_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        process_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        (void)th;
    }
    std::printf(
        "suite %u  %5u members  create UpdatePath median %8.2f ms   merge+decrypt median %8.2f ms  "
        "(%d rounds)\n",
        cs.id(), n, median_ms(create_ms), median_ms(process_ms), rounds);
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 11;
    for (const std::uint16_t suite : {kSuite3, kSuite1}) {
        for (const std::uint32_t n : {2u, 10u, 100u, 1000u}) run(*suite_for(suite), n, rounds);
    }
    return 0;
}
