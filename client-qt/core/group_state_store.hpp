// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where the MLS engine (group_engine.hpp) keeps what it must not lose across restarts: each
// conversation's group state (private keys and epoch secrets included) and the private keys of
// the KeyPackages this device uploaded, so that a Welcome can be opened after a restart. The
// engine defines these interfaces and the local store implements them; every byte handed over
// is secret and must be kept encrypted at rest (docs/client.md, "End-to-end encryption").
// Each call is synchronous and the engine treats a false return as a failed write: it keeps
// working from memory and reports storageFailed.
#include <QByteArray>
#include <QString>

#include <optional>

namespace wardline::client {

/// One record per conversation: the engine's own encoding (group_record.hpp) of the MLS state
/// and the stream position it belongs to. save() replaces the previous record.
class GroupStateStore {
public:
    virtual ~GroupStateStore() = default;
    virtual bool save(const QString& conversation_id, const QByteArray& record) = 0;
    virtual std::optional<QByteArray> load(const QString& conversation_id) = 0;
    virtual bool erase(const QString& conversation_id) = 0;
};

/// The private half of uploaded KeyPackages, by KeyPackageRef (RFC 9420 §5.2, raw bytes).
/// A regular KeyPackage's entry is erased once a Welcome used it; the last-resort one stays.
class KeyPackageSecretStore {
public:
    virtual ~KeyPackageSecretStore() = default;
    virtual bool save(const QByteArray& key_package_ref, const QByteArray& secrets) = 0;
    virtual std::optional<QByteArray> load(const QByteArray& key_package_ref) = 0;
    virtual bool erase(const QByteArray& key_package_ref) = 0;
};

}  // namespace wardline::client
