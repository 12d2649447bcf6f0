// SPDX-License-Identifier: Apache-2.0
#pragma once
// The records the MLS engine hands to its stores (group_state_store.hpp), in a versioned
// binary form so that a record written by one client version is read, or refused, by the next:
//  - GroupRecord: one conversation's MLS state (mls::Group::serialize_state) together with the
//    last stream seq that state has seen, written in one piece so the two never disagree;
//  - KeyPackageSecrets: an uploaded KeyPackage and its HPKE private keys (the signature key is
//    the device's identity key and is not repeated here).
// Decoding refuses anything malformed, truncated, of another version or with trailing bytes.
#include "common/mls/group.hpp"

#include <QByteArray>

#include <cstdint>
#include <optional>

namespace wardline::client {

struct GroupRecord {
    std::int64_t last_seq = 0;
    mls::Bytes state;
};

QByteArray encode_group_record(const GroupRecord& record);
std::optional<GroupRecord> decode_group_record(const QByteArray& bytes);

struct KeyPackageSecrets {
    bool last_resort = false;
    mls::KeyPackage key_package;
    mls::Bytes init_private_key;
    mls::Bytes encryption_private_key;
};

QByteArray encode_key_package_secrets(const KeyPackageSecrets& secrets);
std::optional<KeyPackageSecrets> decode_key_package_secrets(const QByteArray& bytes);

}  // namespace wardline::client
