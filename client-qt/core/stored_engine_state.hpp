// SPDX-License-Identifier: Apache-2.0
#pragma once
// The MLS engine's storage interfaces (group_state_store.hpp) kept in the account's encrypted
// LocalStore, so that a restart finds every conversation's group state and the private keys of
// the KeyPackages this device uploaded (docs/client.md, "Account storage"):
//  - StoredGroupStates: the group_states table, one sealed record per conversation;
//  - StoredKeyPackageSecrets: the secrets table, one sealed entry per KeyPackageRef, named
//    "key_package/<hex of the ref>".
// Both seal with the store's local key. A write the store refuses (disk full, closed or wiped
// store) returns false, a record that cannot be read (tampered) loads as nothing; the log
// names the error code and the conversation, never a byte of the record.
#include "client-qt/core/group_state_store.hpp"
#include "client-qt/core/local_store.hpp"

namespace wardline::client {

class StoredGroupStates : public GroupStateStore {
public:
    /// `store` must outlive this object.
    explicit StoredGroupStates(LocalStore& store) : store_(store) {}

    bool save(const QString& conversation_id, const QByteArray& record) override;
    std::optional<QByteArray> load(const QString& conversation_id) override;
    bool erase(const QString& conversation_id) override;

private:
    LocalStore& store_;
};

class StoredKeyPackageSecrets : public KeyPackageSecretStore {
public:
    /// `store` must outlive this object.
    explicit StoredKeyPackageSecrets(LocalStore& store) : store_(store) {}

    bool save(const QByteArray& key_package_ref, const QByteArray& secrets) override;
    std::optional<QByteArray> load(const QByteArray& key_package_ref) override;
    bool erase(const QByteArray& key_package_ref) override;

    /// The secrets-table name of a KeyPackageRef's entry (empty for an empty ref).
    static QString secret_name(const QByteArray& key_package_ref);

private:
    LocalStore& store_;
};

}  // namespace wardline::client
