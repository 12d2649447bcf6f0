// SPDX-License-Identifier: Apache-2.0
// welcome.json (§12.4.3.1): the joiner finds its GroupSecrets by KeyPackageRef, decrypts them
// with its init key, derives the welcome secret, decrypts the GroupInfo and checks its
// signature and confirmation tag. Then a Welcome of ours for the same KeyPackage must open the
// same way.
#include "common/mls/framing.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/welcome.hpp"
#include "tests/conformance/conformance.hpp"

namespace wardline::mls::conformance {

FileReport check_welcome(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const MLSMessage kp_msg = deserialize_mls_message(hex_field(v, "key_package")).value();
        const MLSMessage welcome_msg = deserialize_mls_message(hex_field(v, "welcome")).value();
        const KeyPackage& kp = std::get<KeyPackage>(kp_msg.body);
        const Welcome& welcome = std::get<Welcome>(welcome_msg.body);
        const Bytes init_priv = hex_field(v, "init_priv");
        const Bytes signer_pub = hex_field(v, "signer_pub");
        c.expect_eq("init key", cs->kem().public_key_of(init_priv).value(), kp.init_key);

        const Bytes ref = key_package_ref(*cs, kp).value();
        const GroupSecrets secrets = open_group_secrets(*cs, welcome, ref, init_priv).value();
        c.expect_true("no PSKs in the vector", secrets.psks.empty());
        const Bytes psk = psk_secret(*cs, {}).value();
        const Bytes welcome_key_secret = welcome_secret(*cs, secrets.joiner_secret, psk).value();
        const GroupInfo info = open_group_info(*cs, welcome, welcome_key_secret).value();
        c.expect_true("GroupInfo signature", verify_group_info_signature(*cs, info, signer_pub));
        const Bytes context = serialize(info.group_context).value();
        const EpochSecrets epoch =
            derive_epoch_secrets_from_joiner(*cs, secrets.joiner_secret, psk, context).value();
        c.expect_eq("confirmation tag",
                    confirmation_tag(*cs, epoch.confirmation_key,
                                     info.group_context.confirmed_transcript_hash),
                    info.confirmation_tag);

        // Ours: the same GroupInfo and secrets sealed again, opened by the same key package.
        const WelcomeRecipient recipient{&kp, secrets};
        const Welcome ours =
            seal_welcome(*cs, info, welcome_key_secret, std::span(&recipient, 1)).value();
        c.expect_true("our GroupSecrets open",
                      open_group_secrets(*cs, ours, ref, init_priv).value() == secrets);
        c.expect_true("our GroupInfo opens",
                      open_group_info(*cs, ours, welcome_key_secret).value() == info);
        Bytes other_ref = ref;
        other_ref[0] ^= 1;
        c.expect_true(
            "a Welcome for someone else is refused",
            open_group_secrets(*cs, ours, other_ref, init_priv).error() == Error::not_for_us);
    });
}

}  // namespace wardline::mls::conformance
