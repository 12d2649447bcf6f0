// SPDX-License-Identifier: Apache-2.0
#include "common/mls/welcome.hpp"

#include "common/mls/hpke.hpp"
#include "common/mls/struct_codec.hpp"

namespace wardline::mls {

namespace {
constexpr std::string_view kWelcomeLabel = "Welcome";
}  // namespace

Result<Bytes> key_package_ref(const CipherSuite& cs, const KeyPackage& key_package) {
    auto encoded = serialize(key_package);
    if (!encoded) return encoded.error();
    return ref_hash(cs, "MLS 1.0 KeyPackage Reference", *encoded);
}

Result<GroupSecrets> open_group_secrets(const CipherSuite& cs, const Welcome& welcome, ByteView ref,
                                        ByteView init_private_key) {
    for (const EncryptedGroupSecrets& entry : welcome.secrets) {
        if (!equal_constant_time(entry.new_member, ref)) continue;
        auto plain =
            decrypt_with_label(cs, init_private_key, kWelcomeLabel, welcome.encrypted_group_info,
                               entry.encrypted_group_secrets);
        if (!plain) return plain.error();
        return deserialize_group_secrets(*plain);
    }
    return Error::not_for_us;
}

Result<GroupInfo> open_group_info(const CipherSuite& cs, const Welcome& welcome,
                                  ByteView welcome_secret) {
    auto key = welcome_key(cs, welcome_secret);
    if (!key) return key.error();
    auto plain = cs.aead().open(key->key, key->nonce, {}, welcome.encrypted_group_info);
    if (!plain) return plain.error();
    return deserialize_group_info(*plain);
}

bool verify_group_info_signature(const CipherSuite& cs, const GroupInfo& info,
                                 ByteView signer_public_key) {
    const auto tbs = group_info_tbs(info);
    return tbs && verify_with_label(cs, signer_public_key, "GroupInfoTBS", *tbs, info.signature);
}

Result<void> sign_group_info(const CipherSuite& cs, GroupInfo& info,
                             ByteView signature_private_key) {
    auto tbs = group_info_tbs(info);
    if (!tbs) return tbs.error();
    auto signature = sign_with_label(cs, signature_private_key, "GroupInfoTBS", *tbs);
    if (!signature) return signature.error();
    info.signature = std::move(*signature);
    return {};
}

Result<Welcome> seal_welcome(const CipherSuite& cs, const GroupInfo& info, ByteView welcome_secret,
                             std::span<const WelcomeRecipient> recipients) {
    Welcome welcome;
    welcome.cipher_suite = cs.id();
    auto encoded_info = serialize(info);
    if (!encoded_info) return encoded_info.error();
    auto key = welcome_key(cs, welcome_secret);
    if (!key) return key.error();
    auto sealed = cs.aead().seal(key->key, key->nonce, {}, *encoded_info);
    if (!sealed) return sealed.error();
    welcome.encrypted_group_info = std::move(*sealed);
    for (const WelcomeRecipient& r : recipients) {
        auto ref = key_package_ref(cs, *r.key_package);
        if (!ref) return ref.error();
        auto secrets = serialize(r.secrets);
        if (!secrets) return secrets.error();
        auto ct = encrypt_with_label(cs, r.key_package->init_key, kWelcomeLabel,
                                     welcome.encrypted_group_info, *secrets);
        if (!ct) return ct.error();
        welcome.secrets.push_back(EncryptedGroupSecrets{std::move(*ref), std::move(*ct)});
    }
    return welcome;
}

}  // namespace wardline::mls
