// SPDX-License-Identifier: Apache-2.0
#include "common/mls/hpke.hpp"

#include "common/mls/tls_codec.hpp"

namespace wardline::mls {
namespace {

constexpr std::uint8_t kModeBase = 0x00;

// suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2) (§5.1).
Bytes hpke_suite_id(const CipherSuite& cs) {
    Writer w;
    w.bytes(to_bytes("HPKE"));
    w.u16(cs.kem().id());
    w.u16(cs.kdf().id());
    w.u16(cs.aead().id());
    return w.take();
}

// KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "") (§5.1).
Result<HpkeContext> key_schedule(const CipherSuite& cs, ByteView shared_secret, ByteView info,
                                 Bytes enc) {
    const Kdf& kdf = cs.kdf();
    const Bytes suite_id = hpke_suite_id(cs);
    const Bytes psk_id_hash = labeled_extract(kdf, suite_id, "psk_id_hash", {}, {});
    const Bytes info_hash = labeled_extract(kdf, suite_id, "info_hash", {}, info);
    Bytes context{kModeBase};
    context.insert(context.end(), psk_id_hash.begin(), psk_id_hash.end());
    context.insert(context.end(), info_hash.begin(), info_hash.end());
    const Bytes secret = labeled_extract(kdf, suite_id, "secret", shared_secret, {});
    auto key = labeled_expand(kdf, suite_id, "key", secret, context, cs.aead().key_length());
    auto nonce =
        labeled_expand(kdf, suite_id, "base_nonce", secret, context, cs.aead().nonce_length());
    auto exporter = labeled_expand(kdf, suite_id, "exp", secret, context, kdf.hash_length());
    if (!key) return key.error();
    if (!nonce) return nonce.error();
    if (!exporter) return exporter.error();
    return HpkeContext{std::move(enc), std::move(*key), std::move(*nonce), std::move(*exporter)};
}

Result<Bytes> encrypt_context(std::string_view label, ByteView context) {
    Writer w;
    if (auto r = w.vector(to_bytes("MLS 1.0 " + std::string(label))); !r) return r.error();
    if (auto r = w.vector(context); !r) return r.error();
    return w.take();
}

}  // namespace

Result<HpkeContext> hpke_setup_base_sender(const CipherSuite& cs, ByteView public_key,
                                           ByteView info) {
    auto encapsulated = cs.kem().encap(public_key);
    if (!encapsulated) return encapsulated.error();
    return key_schedule(cs, encapsulated->shared_secret, info, std::move(encapsulated->enc));
}

Result<HpkeContext> hpke_setup_base_receiver(const CipherSuite& cs, ByteView enc,
                                             ByteView private_key, ByteView info) {
    auto shared_secret = cs.kem().decap(enc, private_key);
    if (!shared_secret) return shared_secret.error();
    return key_schedule(cs, *shared_secret, info, Bytes(enc.begin(), enc.end()));
}

Result<Bytes> hpke_export(const CipherSuite& cs, ByteView exporter_secret,
                          ByteView exporter_context, std::size_t length) {
    return labeled_expand(cs.kdf(), hpke_suite_id(cs), "sec", exporter_secret, exporter_context,
                          length);
}

Result<HPKECiphertext> hpke_seal_base(const CipherSuite& cs, ByteView public_key, ByteView info,
                                      ByteView aad, ByteView plaintext) {
    auto ctx = hpke_setup_base_sender(cs, public_key, info);
    if (!ctx) return ctx.error();
    // The first message of a context uses the base nonce as it is (sequence number 0).
    auto ct = cs.aead().seal(ctx->key, ctx->base_nonce, aad, plaintext);
    if (!ct) return ct.error();
    return HPKECiphertext{std::move(ctx->enc), std::move(*ct)};
}

Result<Bytes> hpke_open_base(const CipherSuite& cs, ByteView private_key, ByteView info,
                             ByteView aad, const HPKECiphertext& ct) {
    auto ctx = hpke_setup_base_receiver(cs, ct.kem_output, private_key, info);
    if (!ctx) return ctx.error();
    return cs.aead().open(ctx->key, ctx->base_nonce, aad, ct.ciphertext);
}

Result<HPKECiphertext> encrypt_with_label(const CipherSuite& cs, ByteView public_key,
                                          std::string_view label, ByteView context,
                                          ByteView plaintext) {
    auto info = encrypt_context(label, context);
    if (!info) return info.error();
    return hpke_seal_base(cs, public_key, *info, {}, plaintext);
}

Result<Bytes> decrypt_with_label(const CipherSuite& cs, ByteView private_key,
                                 std::string_view label, ByteView context,
                                 const HPKECiphertext& ct) {
    auto info = encrypt_context(label, context);
    if (!info) return info.error();
    return hpke_open_base(cs, private_key, *info, {}, ct);
}

}  // namespace wardline::mls
