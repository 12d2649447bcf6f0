// SPDX-License-Identifier: Apache-2.0
#pragma once
// In-memory implementations of the MLS engine's storage interfaces
// (client-qt/core/group_state_store.hpp) for tests: the engine's own interfaces, not a
// stand-in for the server or the database. A test can read the records, copy them (a device
// "restarting" with or without them), or make writes fail.
#include "client-qt/core/group_state_store.hpp"

#include <map>

namespace wardline::test {

class MemoryGroupStore : public client::GroupStateStore {
public:
    bool save(const QString& id, const QByteArray& record) override {
        if (fail_writes) return false;
        records[id] = record;
        ++saves;
        return true;
    }
    std::optional<QByteArray> load(const QString& id) override {
        const auto it = records.find(id);
        if (it == records.end()) return std::nullopt;
        return it->second;
    }
    bool erase(const QString& id) override {
        if (fail_writes) return false;
        records.erase(id);
        return true;
    }

    std::map<QString, QByteArray> records;
    int saves = 0;
    bool fail_writes = false;
};

class MemoryKeyPackageStore : public client::KeyPackageSecretStore {
public:
    bool save(const QByteArray& ref, const QByteArray& secrets) override {
        records[ref] = secrets;
        return true;
    }
    std::optional<QByteArray> load(const QByteArray& ref) override {
        const auto it = records.find(ref);
        if (it == records.end()) return std::nullopt;
        return it->second;
    }
    bool erase(const QByteArray& ref) override {
        records.erase(ref);
        return true;
    }

    std::map<QByteArray, QByteArray> records;
};

}  // namespace wardline::test
