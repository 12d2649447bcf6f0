// SPDX-License-Identifier: Apache-2.0
// The MLS key schedule (RFC 9420 §8): each epoch's secrets from the previous epoch's
// init_secret, the commit secret, the PSK secret and the new GroupContext; the PSK secret
// (§8.4); the exporter (§8.5); the external key pair (§8.3) and the Welcome key (§12.4.3.1).
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/secret_tree.hpp"

#include <span>
#include <string_view>

namespace wardline::mls {

/// The secrets of one epoch. All are Nh bytes.
struct EpochSecrets {
    Bytes joiner_secret;
    Bytes welcome_secret;
    Bytes sender_data_secret;
    Bytes encryption_secret;
    Bytes exporter_secret;
    Bytes external_secret;
    Bytes confirmation_key;
    Bytes membership_key;
    Bytes resumption_psk;
    Bytes epoch_authenticator;
    /// The init_secret the next epoch starts from.
    Bytes init_secret;
};

/// A member moving to a new epoch: joiner_secret = ExpandWithLabel(Extract(init_secret,
/// commit_secret), "joiner", GroupContext, Nh), then as derive_epoch_secrets_from_joiner.
/// `group_context` is the serialized GroupContext of the new epoch.
Result<EpochSecrets> derive_epoch_secrets(const CipherSuite& cs, ByteView init_secret,
                                          ByteView commit_secret, ByteView psk_secret,
                                          ByteView group_context);

/// A new member joining from a Welcome: member_secret = Extract(joiner_secret, psk_secret),
/// welcome_secret = DeriveSecret(member_secret, "welcome"), epoch_secret =
/// ExpandWithLabel(member_secret, "epoch", GroupContext, Nh), and the secrets of §8.
Result<EpochSecrets> derive_epoch_secrets_from_joiner(const CipherSuite& cs, ByteView joiner_secret,
                                                      ByteView psk_secret, ByteView group_context);

/// The welcome_secret alone, which a joiner needs before it can read the GroupContext.
Result<Bytes> welcome_secret(const CipherSuite& cs, ByteView joiner_secret, ByteView psk_secret);

/// The AEAD key and nonce that encrypt a Welcome's GroupInfo (§12.4.3.1).
Result<RatchetKey> welcome_key(const CipherSuite& cs, ByteView welcome_secret);

/// MLS-Exporter(Label, Context, Length) = ExpandWithLabel(DeriveSecret(exporter_secret, Label),
/// "exported", Hash(Context), Length) (§8.5).
Result<Bytes> mls_export(const CipherSuite& cs, ByteView exporter_secret, std::string_view label,
                         ByteView context, std::uint16_t length);

/// The external key pair (§8.3): KEM.DeriveKeyPair(external_secret).
Result<KeyPair> external_key_pair(const CipherSuite& cs, ByteView external_secret);

/// One pre-shared key of a commit: the serialized PreSharedKeyID (with its nonce) and the key.
struct PskInput {
    ByteView id;
    ByteView psk;
};

/// psk_secret (§8.4): zero if there are none; else for each psk i of n,
/// psk_input = ExpandWithLabel(Extract(0, psk), "derived psk", PSKLabel{id, i, n}, Nh),
/// psk_secret_i = Extract(psk_input, psk_secret_i-1).
Result<Bytes> psk_secret(const CipherSuite& cs, std::span<const PskInput> psks);

}  // namespace wardline::mls
