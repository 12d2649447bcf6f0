// SPDX-License-Identifier: Apache-2.0
// HPKE base mode (RFC 9180 §5.1.1) single-shot encryption and the exporter, over a cipher
// suite's KEM, KDF and AEAD; and MLS's EncryptWithLabel / DecryptWithLabel (RFC 9420 §5.1.3).
#pragma once
#include "common/mls/cipher_suite.hpp"

namespace wardline::mls {

/// struct { opaque kem_output<V>; opaque ciphertext<V>; } HPKECiphertext (RFC 9420 §5.1.3,
/// §7.6); its codec is in tree_nodes.hpp.
struct HPKECiphertext {
    Bytes kem_output;
    Bytes ciphertext;
    bool operator==(const HPKECiphertext&) const = default;
};

/// An HPKE context after SetupBaseS or SetupBaseR: the encapsulation and the derived secrets.
struct HpkeContext {
    Bytes enc;
    Bytes key;
    Bytes base_nonce;
    Bytes exporter_secret;
};

/// SetupBaseS(pkR, info) (§5.1.1). invalid_key for a malformed public key.
Result<HpkeContext> hpke_setup_base_sender(const CipherSuite& cs, ByteView public_key,
                                           ByteView info);
/// SetupBaseR(enc, skR, info): the same secrets, from the receiver's side.
Result<HpkeContext> hpke_setup_base_receiver(const CipherSuite& cs, ByteView enc,
                                             ByteView private_key, ByteView info);
/// Context.Export(exporter_context, L) (§5.3).
Result<Bytes> hpke_export(const CipherSuite& cs, ByteView exporter_secret,
                          ByteView exporter_context, std::size_t length);

/// SealBase / OpenBase: one message under a fresh context (sequence number 0).
Result<HPKECiphertext> hpke_seal_base(const CipherSuite& cs, ByteView public_key, ByteView info,
                                      ByteView aad, ByteView plaintext);
/// decryption_failed if the ciphertext was not sealed to this key with this info and aad.
Result<Bytes> hpke_open_base(const CipherSuite& cs, ByteView private_key, ByteView info,
                             ByteView aad, const HPKECiphertext& ct);

/// EncryptWithLabel(PublicKey, Label, Context, Plaintext) = SealBase(PublicKey, EncryptContext,
/// "", Plaintext), EncryptContext = {opaque label<V> = "MLS 1.0 " + Label; opaque context<V>}.
Result<HPKECiphertext> encrypt_with_label(const CipherSuite& cs, ByteView public_key,
                                          std::string_view label, ByteView context,
                                          ByteView plaintext);
Result<Bytes> decrypt_with_label(const CipherSuite& cs, ByteView private_key,
                                 std::string_view label, ByteView context,
                                 const HPKECiphertext& ct);

}  // namespace wardline::mls
