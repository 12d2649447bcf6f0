// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/stored_engine_state.hpp"

#include <QLoggingCategory>

namespace wardline::client {

namespace {

Q_LOGGING_CATEGORY(lcStoredState, "wardline.store")

const char* code_name(LocalStoreError::Code code) {
    using Code = LocalStoreError::Code;
    switch (code) {
        case Code::driver_missing:
            return "driver_missing";
        case Code::open_failed:
            return "open_failed";
        case Code::newer_schema:
            return "newer_schema";
        case Code::wrong_key:
            return "wrong_key";
        case Code::tampered:
            return "tampered";
        case Code::bad_input:
            return "bad_input";
        case Code::query_failed:
            return "query_failed";
        case Code::closed:
            return "closed";
    }
    return "unknown";
}

/// Runs a store write; false (logged by code, never by content) when the store refuses it.
template <class F>
bool write(const char* what, const QString& target, F&& f) {
    try {
        f();
        return true;
    } catch (const LocalStoreError& e) {
        qCWarning(lcStoredState) << what << "failed for" << target << ":" << code_name(e.code());
        return false;
    }
}

}  // namespace

// The group_states table's plain epoch column stays 0: the epoch is inside the sealed record,
// the record is opaque here, and a plain epoch would only tell a disk thief more.
bool StoredGroupStates::save(const QString& conversation_id, const QByteArray& record) {
    return write("saving a group state", conversation_id, [&] {
        store_.save_group_state(conversation_id, StoredGroupState{0, record});
    });
}

std::optional<QByteArray> StoredGroupStates::load(const QString& conversation_id) {
    try {
        auto state = store_.group_state(conversation_id);
        if (!state) return std::nullopt;
        return std::move(state->state);
    } catch (const LocalStoreError& e) {
        qCWarning(lcStoredState) << "reading the group state of" << conversation_id
                                 << "failed:" << code_name(e.code());
        return std::nullopt;
    }
}

bool StoredGroupStates::erase(const QString& conversation_id) {
    return write("erasing a group state", conversation_id,
                 [&] { store_.remove_group_state(conversation_id); });
}

QString StoredKeyPackageSecrets::secret_name(const QByteArray& key_package_ref) {
    if (key_package_ref.isEmpty()) return {};
    return QStringLiteral("key_package/") + QString::fromLatin1(key_package_ref.toHex());
}

bool StoredKeyPackageSecrets::save(const QByteArray& key_package_ref, const QByteArray& secrets) {
    const QString name = secret_name(key_package_ref);
    return write("saving KeyPackage keys", name, [&] { store_.save_secret(name, secrets); });
}

std::optional<QByteArray> StoredKeyPackageSecrets::load(const QByteArray& key_package_ref) {
    const QString name = secret_name(key_package_ref);
    if (name.isEmpty()) return std::nullopt;
    try {
        return store_.secret(name);
    } catch (const LocalStoreError& e) {
        qCWarning(lcStoredState) << "reading" << name << "failed:" << code_name(e.code());
        return std::nullopt;
    }
}

bool StoredKeyPackageSecrets::erase(const QByteArray& key_package_ref) {
    const QString name = secret_name(key_package_ref);
    return write("erasing KeyPackage keys", name, [&] {
        if (name.isEmpty()) throw LocalStoreError(LocalStoreError::Code::bad_input, "empty ref");
        store_.remove_secret(name);
    });
}

}  // namespace wardline::client
