// SPDX-License-Identifier: Apache-2.0
#pragma once
// Obeying the administrator's orders about this device (issue #7; docs/client.md, "Remote wipe
// and quarantine"). On device.wipe for this device it asks whoever holds the local stores to
// close them (wipeStarting, delivered directly), erases the local data (wipe_local_data: the
// stores, the key file, the local key and the device's private key), and only when nothing is
// left confirms with devices.confirm_wipe, which makes the server revoke the device. Then it
// reports wipedOut, and the application goes back to the sign-in screen. The server sends the
// order again after every authentication until it is confirmed, so a wipe that could not finish
// is retried at the next sign-in. device.quarantined and device.released are reported as
// quarantineChanged: while quarantined the server refuses every read and write (the data stays).
#include "client-qt/core/local_wipe.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <QObject>
#include <QString>

namespace wardline::client {

class RemoteWipe : public QObject {
    Q_OBJECT
public:
    enum class State {
        active,       ///< no order from the administrator
        quarantined,  ///< reads and writes are refused until released
        wiping,       ///< the order came; erasing and confirming
        wiped,        ///< erased and confirmed: the device is revoked
        wipe_failed,  ///< something could not be erased; not confirmed
    };
    Q_ENUM(State)

    /// `targets` name what to erase; the pointers must outlive this object.
    RemoteWipe(ServerConnection& connection, Session& session, LocalWipeTargets targets,
               QObject* parent = nullptr);

    State state() const noexcept { return state_; }
    bool quarantined() const noexcept { return state_ == State::quarantined; }

signals:
    /// Close every LocalStore now (connected directly: they must be closed when this returns).
    void wipeStarting();
    /// The wipe ended: `erased` when no store or key file is left, `confirmed` when the server
    /// recorded it. Go back to the sign-in screen either way.
    void wipedOut(bool erased, bool confirmed);
    void quarantineChanged(bool quarantined);
    void stateChanged(wardline::client::RemoteWipe::State state);

private:
    void on_event(const ServerEvent& e);
    void wipe(const QString& device_id);
    void finish(bool erased, bool confirmed);
    void set_state(State s);

    ServerConnection& connection_;
    Session& session_;
    LocalWipeTargets targets_;
    State state_ = State::active;
};

}  // namespace wardline::client
