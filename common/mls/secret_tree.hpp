// SPDX-License-Identifier: Apache-2.0
// The secret tree and its hash ratchets (RFC 9420 §9): the encryption secret of an epoch is
// split down the tree into one secret per leaf, each starting a handshake and an application
// ratchet that yield one key and nonce per generation. Secrets are deleted as soon as they have
// been used to derive what follows them (§9.2), so a compromise later in the epoch does not
// reveal the keys of messages already read.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/tls_codec.hpp"
#include "common/mls/tree_math.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace wardline::mls {

/// Which of a leaf's two ratchets (§9.1): handshake for proposals and commits, application for
/// application messages.
enum class RatchetKind { handshake, application };

/// The AEAD key and nonce of one generation of a ratchet.
struct RatchetKey {
    std::uint32_t generation = 0;
    Bytes key;
    Bytes nonce;
};

/// How far a receiver follows a sender out of order (§9.4 leaves the bound to the application).
struct RatchetLimits {
    /// A message may be at most this many generations ahead of the next expected one.
    std::uint32_t max_forward = 1024;
    /// Keys of skipped generations kept for late messages; the oldest go first.
    std::size_t max_skipped_keys = 1024;
};

/// One hash ratchet (§9.1): secret_0 from the leaf, then per generation j
/// key_j = DeriveTreeSecret(secret_j, "key", j, Nk), nonce_j = DeriveTreeSecret(..., "nonce",
/// j, Nn), secret_j+1 = DeriveTreeSecret(secret_j, "secret", j, Nh).
class HashRatchet {
public:
    HashRatchet(const CipherSuite& cs, Bytes secret, RatchetLimits limits = {});

    /// The sender's side: the key of the next generation; the ratchet moves past it.
    Result<RatchetKey> next();
    /// The receiver's side: the key of `generation`, kept until erase(generation). Moving
    /// forward keeps the skipped keys within the limits. generation_expired for a generation
    /// whose key was erased or dropped, generation_too_far beyond max_forward.
    Result<RatchetKey> get(std::uint32_t generation);
    /// Forgets the key of `generation`, once a message under it has been read (§9.2).
    void erase(std::uint32_t generation);

    /// The generation next() would use.
    [[nodiscard]] std::uint32_t next_generation() const noexcept { return generation_; }

    /// The ratchet's state, secrets included, for a member's stored group state:
    /// uint32 generation; opaque secret<V>; {uint32 generation; opaque key<V>; opaque nonce<V>}
    /// skipped<V>. decode_state checks sizes and order (invalid_value).
    Result<void> encode_state(Writer& w) const;
    static Result<HashRatchet> decode_state(const CipherSuite& cs, Reader& r, RatchetLimits limits);

private:
    Result<RatchetKey> derive_current() const;
    Result<void> advance();

    const CipherSuite* cs_;
    Bytes secret_;  // secret_j for j = generation_
    std::uint32_t generation_ = 0;
    RatchetLimits limits_;
    std::map<std::uint32_t, RatchetKey> skipped_;
};

/// The secret tree of one epoch.
class SecretTree {
public:
    /// invalid_leaf for an empty tree.
    static Result<SecretTree> create(const CipherSuite& cs, ByteView encryption_secret,
                                     tree_math::LeafCount leaves, RatchetLimits limits = {});

    /// The ratchet of that leaf and kind, derived on first use. invalid_leaf for a leaf outside
    /// the tree. The pointer stays valid as long as the tree.
    Result<HashRatchet*> ratchet(tree_math::LeafIndex leaf, RatchetKind kind);

    [[nodiscard]] tree_math::LeafCount leaf_count() const noexcept { return leaves_; }

    /// The tree's state, secrets included, for a member's stored group state: uint32 leaves;
    /// {uint32 node; opaque secret<V>} secrets<V>; {uint32 leaf; HashRatchet handshake;
    /// HashRatchet application} ratchets<V>. decode_state checks indices and sizes, and that
    /// the tree has `leaves` leaves (invalid_value) before it allocates anything for them.
    Result<void> encode_state(Writer& w) const;
    static Result<SecretTree> decode_state(const CipherSuite& cs, Reader& r, RatchetLimits limits,
                                           tree_math::LeafCount leaves);

private:
    struct LeafRatchets {
        HashRatchet handshake;
        HashRatchet application;
    };

    SecretTree(const CipherSuite& cs, tree_math::LeafCount leaves, RatchetLimits limits)
        : cs_(&cs), leaves_(leaves), limits_(limits) {}
    Result<void> derive_leaf(tree_math::NodeIndex leaf_node);

    const CipherSuite* cs_;
    tree_math::LeafCount leaves_;
    RatchetLimits limits_;
    std::vector<std::optional<Bytes>> node_secrets_;  // indexed by node; emptied as derived
    std::map<std::uint32_t, LeafRatchets> ratchets_;  // by leaf index
};

/// The key and nonce that protect a PrivateMessage's sender data (§6.3.2): ExpandWithLabel of
/// sender_data_secret with labels "key" and "nonce" over the first Nh bytes of the ciphertext.
Result<RatchetKey> sender_data_key(const CipherSuite& cs, ByteView sender_data_secret,
                                   ByteView ciphertext);

}  // namespace wardline::mls
