// SPDX-License-Identifier: Apache-2.0
#pragma once
// This device's stock of KeyPackages on the server (docs/e2ee.md, "KeyPackages"): others
// claim one to add the device to a group while it is offline. After sign-in (check()) and
// whenever the server says the stock is low (key_packages.low), the device makes a batch of
// fresh KeyPackages, keeps their private keys in its KeyPackageSecretStore first, then uploads
// them (key_packages.upload), with a last-resort KeyPackage when the server holds none. A
// Welcome names the KeyPackage it was made for by KeyPackageRef: bundle_for() finds the keys,
// and consumed() forgets a regular KeyPackage's keys once it has been used.
#include "client-qt/core/group_state_store.hpp"
#include "client-qt/core/mls_device.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QObject>

namespace wardline::client {

struct KeyPackageStockOptions {
    int batch = 30;                               ///< uploaded when the server says low
    std::uint64_t lifetime_seconds = 60 * 86400;  ///< the server allows at most 93 days
};

class KeyPackageStock : public QObject {
    Q_OBJECT
public:
    KeyPackageStock(ServerConnection& connection, KeyPackageSecretStore& secrets,
                    KeyPackageStockOptions options, QObject* parent = nullptr);

    /// The device to make KeyPackages for; nothing is uploaded before it is set.
    void set_device(const MlsDevice& device);
    /// Asks the server how many are left and uploads a batch if it is low.
    void check();

    /// The keys of the KeyPackage this Welcome was made for, if this device holds them.
    struct Found {
        QByteArray ref;
        bool last_resort = false;
        mls::KeyPackageBundle bundle;
    };
    std::optional<Found> bundle_for(const mls::Welcome& welcome);
    /// A Welcome used this KeyPackage: a regular one's keys are erased.
    void consumed(const Found& found);

    [[nodiscard]] int uploads() const noexcept { return uploads_; }
    /// Checks (status, and the upload if one was needed) that have come to an end.
    [[nodiscard]] int checks() const noexcept { return checks_; }
    [[nodiscard]] bool busy() const noexcept { return busy_; }

signals:
    /// An upload went through: `stored` new ones, `available` on the server now.
    void uploaded(int stored, int available);
    /// An upload or status request failed (protocol or local error code).
    void failed(const QString& code);
    /// A key could not be written to or erased from the KeyPackageSecretStore.
    void storageFailed();

private:
    void on_event(const ServerEvent& e);
    void upload(bool with_last_resort);

    ServerConnection& connection_;
    KeyPackageSecretStore& secrets_;
    KeyPackageStockOptions options_;
    std::optional<MlsDevice> device_;
    bool busy_ = false;
    bool again_ = false;  ///< the server said low while an upload was under way
    int uploads_ = 0;
    int checks_ = 0;
};

}  // namespace wardline::client
