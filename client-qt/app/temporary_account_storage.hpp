// SPDX-License-Identifier: Apache-2.0
#pragma once
// TEMPORARY (replaced by the persist branch at merge): the MLS engine's stores kept in memory
// for as long as the signed-in shell, so that the chat views can be built and tested before
// group state and KeyPackage secrets move into the local store. Consequence while this file
// exists: after a restart or a lock the engine joins its conversations again by external
// commit, and Welcomes for KeyPackages uploaded by an earlier run cannot be opened.
#include "client-qt/core/group_state_store.hpp"

#include <map>

namespace wardline::app {

class TemporaryGroupStateStore : public client::GroupStateStore {
public:
    bool save(const QString& id, const QByteArray& record) override {
        records_[id] = record;
        return true;
    }
    std::optional<QByteArray> load(const QString& id) override {
        const auto it = records_.find(id);
        return it == records_.end() ? std::nullopt : std::optional<QByteArray>(it->second);
    }
    bool erase(const QString& id) override {
        records_.erase(id);
        return true;
    }

private:
    std::map<QString, QByteArray> records_;
};

class TemporaryKeyPackageSecretStore : public client::KeyPackageSecretStore {
public:
    bool save(const QByteArray& ref, const QByteArray& secrets) override {
        records_[ref] = secrets;
        return true;
    }
    std::optional<QByteArray> load(const QByteArray& ref) override {
        const auto it = records_.find(ref);
        return it == records_.end() ? std::nullopt : std::optional<QByteArray>(it->second);
    }
    bool erase(const QByteArray& ref) override {
        records_.erase(ref);
        return true;
    }

private:
    std::map<QByteArray, QByteArray> records_;
};

}  // namespace wardline::app
