// SPDX-License-Identifier: Apache-2.0
#include "common/mls/key_schedule.hpp"

#include "common/mls/tls_codec.hpp"

#include <limits>

namespace wardline::mls {

namespace {

Result<void> derive_into(const CipherSuite& cs, ByteView secret, std::string_view label,
                         Bytes& out) {
    auto derived = derive_secret(cs, secret, label);
    if (!derived) return derived.error();
    out = std::move(*derived);
    return {};
}

}  // namespace

Result<EpochSecrets> derive_epoch_secrets(const CipherSuite& cs, ByteView init_secret,
                                          ByteView commit_secret, ByteView psk_secret,
                                          ByteView group_context) {
    const Bytes prk = hkdf_extract(cs, init_secret, commit_secret);
    auto joiner = expand_with_label(cs, prk, "joiner", group_context,
                                    static_cast<std::uint16_t>(cs.hash_length()));
    if (!joiner) return joiner.error();
    return derive_epoch_secrets_from_joiner(cs, *joiner, psk_secret, group_context);
}

Result<EpochSecrets> derive_epoch_secrets_from_joiner(const CipherSuite& cs, ByteView joiner_secret,
                                                      ByteView psk_secret, ByteView group_context) {
    EpochSecrets s;
    s.joiner_secret.assign(joiner_secret.begin(), joiner_secret.end());
    const Bytes member_secret = hkdf_extract(cs, joiner_secret, psk_secret);
    if (auto r = derive_into(cs, member_secret, "welcome", s.welcome_secret); !r) return r.error();
    auto epoch_secret = expand_with_label(cs, member_secret, "epoch", group_context,
                                          static_cast<std::uint16_t>(cs.hash_length()));
    if (!epoch_secret) return epoch_secret.error();
    const struct {
        std::string_view label;
        Bytes EpochSecrets::*field;
    } derived[] = {
        {"sender data", &EpochSecrets::sender_data_secret},
        {"encryption", &EpochSecrets::encryption_secret},
        {"exporter", &EpochSecrets::exporter_secret},
        {"external", &EpochSecrets::external_secret},
        {"confirm", &EpochSecrets::confirmation_key},
        {"membership", &EpochSecrets::membership_key},
        {"resumption", &EpochSecrets::resumption_psk},
        {"authentication", &EpochSecrets::epoch_authenticator},
        {"init", &EpochSecrets::init_secret},
    };
    for (const auto& d : derived) {
        if (auto r = derive_into(cs, *epoch_secret, d.label, s.*(d.field)); !r) return r.error();
    }
    return s;
}

Result<Bytes> welcome_secret(const CipherSuite& cs, ByteView joiner_secret, ByteView psk_secret) {
    const Bytes member_secret = hkdf_extract(cs, joiner_secret, psk_secret);
    return derive_secret(cs, member_secret, "welcome");
}

Result<RatchetKey> welcome_key(const CipherSuite& cs, ByteView welcome_secret) {
    auto key = expand_with_label(cs, welcome_secret, "key", {},
                                 static_cast<std::uint16_t>(cs.aead().key_length()));
    if (!key) return key.error();
    auto nonce = expand_with_label(cs, welcome_secret, "nonce", {},
                                   static_cast<std::uint16_t>(cs.aead().nonce_length()));
    if (!nonce) return nonce.error();
    return RatchetKey{0, std::move(*key), std::move(*nonce)};
}

Result<Bytes> mls_export(const CipherSuite& cs, ByteView exporter_secret, std::string_view label,
                         ByteView context, std::uint16_t length) {
    auto secret = derive_secret(cs, exporter_secret, label);
    if (!secret) return secret.error();
    return expand_with_label(cs, *secret, "exported", cs.hash(context), length);
}

Result<KeyPair> external_key_pair(const CipherSuite& cs, ByteView external_secret) {
    return cs.kem().derive_key_pair(external_secret);
}

Result<Bytes> psk_secret(const CipherSuite& cs, std::span<const PskInput> psks) {
    if (psks.size() > std::numeric_limits<std::uint16_t>::max()) return Error::value_too_large;
    const Bytes zero(cs.hash_length(), 0);
    Bytes secret = zero;
    const auto count = static_cast<std::uint16_t>(psks.size());
    for (std::uint16_t i = 0; i < count; ++i) {
        // PSKLabel {PreSharedKeyID id; uint16 index; uint16 count}: the id is already encoded.
        Writer label;
        label.bytes(psks[i].id);
        label.u16(i);
        label.u16(count);
        const Bytes extracted = hkdf_extract(cs, zero, psks[i].psk);
        auto input = expand_with_label(cs, extracted, "derived psk", label.data(),
                                       static_cast<std::uint16_t>(cs.hash_length()));
        if (!input) return input.error();
        secret = hkdf_extract(cs, *input, secret);
    }
    return secret;
}

}  // namespace wardline::mls
