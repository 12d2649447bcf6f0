// SPDX-License-Identifier: Apache-2.0
// Welcome messages (RFC 9420 §12.4.3.1): the committer encrypts the GroupSecrets to each new
// member's KeyPackage init key and the GroupInfo under the welcome secret; a new member finds
// its entry by KeyPackageRef, decrypts both, and checks the GroupInfo's signature and
// confirmation tag before trusting the group it describes.
#pragma once
#include "common/mls/group_info.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/key_schedule.hpp"
#include "common/mls/transcript.hpp"

#include <span>

namespace wardline::mls {

/// KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) (§5.2).
Result<Bytes> key_package_ref(const CipherSuite& cs, const KeyPackage& key_package);

/// The GroupSecrets addressed to the KeyPackage with reference `ref`: DecryptWithLabel(init_priv,
/// "Welcome", encrypted_group_info, ...). not_for_us if the Welcome has no entry for it.
Result<GroupSecrets> open_group_secrets(const CipherSuite& cs, const Welcome& welcome, ByteView ref,
                                        ByteView init_private_key);

/// The GroupInfo, decrypted with the key and nonce derived from the welcome secret.
Result<GroupInfo> open_group_info(const CipherSuite& cs, const Welcome& welcome,
                                  ByteView welcome_secret);

/// SignWithLabel(signer, "GroupInfoTBS", GroupInfoTBS) verifies (§12.4.3).
bool verify_group_info_signature(const CipherSuite& cs, const GroupInfo& info,
                                 ByteView signer_public_key);

/// Signs a GroupInfo in place as member `info.signer`.
Result<void> sign_group_info(const CipherSuite& cs, GroupInfo& info,
                             ByteView signature_private_key);

/// One new member of a Welcome and what the committer tells it.
struct WelcomeRecipient {
    const KeyPackage* key_package;
    GroupSecrets secrets;
};

/// The committer's side: GroupSecrets encrypted to each recipient's init key, the GroupInfo
/// encrypted under the welcome secret.
Result<Welcome> seal_welcome(const CipherSuite& cs, const GroupInfo& info, ByteView welcome_secret,
                             std::span<const WelcomeRecipient> recipients);

}  // namespace wardline::mls
