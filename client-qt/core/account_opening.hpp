// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opens a signed-in account on this computer without blocking the calling (UI) thread
// (docs/client.md, "Device identity across restarts"): the keychain is asked on the calling
// thread (DeviceKeeper::key_from_keychain); DeviceKeeper::secure, which runs Argon2id to make
// the key file on the first sign-in (or to unlock it), runs on a QThread worker;
// DeviceKeeper::open then opens the account's storage back on the calling thread, which owns
// its database connection, and `done` gets the outcome there. The worker touches only the
// keeper (and through it the account's files) and its own copies of the identity and
// password, which it wipes.
#include "client-qt/core/device_keeper.hpp"

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace wardline::client {

class AccountOpening : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(KeptAccount)>;

    /// Starts at once. `done` is called once, on this object's thread, unless this object is
    /// destroyed first. Nothing else may use `keeper` until then.
    AccountOpening(std::shared_ptr<DeviceKeeper> keeper, const DeviceIdentity& identity,
                   const SessionInfo& info, const QString& password, Done done,
                   QObject* parent = nullptr);
    /// Waits for the worker if it still runs (it uses the keeper and its keychain); `done` is
    /// then not called and the key it obtained is wiped with the keeper.
    ~AccountOpening() override;
    AccountOpening(const AccountOpening&) = delete;
    AccountOpening& operator=(const AccountOpening&) = delete;

    [[nodiscard]] bool running() const;

private:
    struct Work;
    void on_secured();

    std::shared_ptr<DeviceKeeper> keeper_;
    std::shared_ptr<Work> work_;
    Done done_;
    QThread* worker_ = nullptr;
};

}  // namespace wardline::client
