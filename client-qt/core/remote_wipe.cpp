// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/remote_wipe.hpp"

#include <QJsonObject>

namespace wardline::client {

RemoteWipe::RemoteWipe(ServerConnection& connection, Session& session, LocalWipeTargets targets,
                       QObject* parent)
    : QObject(parent), connection_(connection), session_(session), targets_(std::move(targets)) {
    QObject::connect(&connection_, &ServerConnection::event, this, &RemoteWipe::on_event);
}

void RemoteWipe::on_event(const ServerEvent& e) {
    if (!e.type.startsWith(QLatin1String("device."))) return;
    // Orders are about this device only; the server sends no other, but a stray one must not
    // erase anything.
    const auto& info = session_.info();
    const QString device_id = e.body.value(QStringLiteral("device_id")).toString();
    if (!info || device_id.isEmpty() || device_id != info->device_id) return;
    if (state_ == State::wiping || state_ == State::wiped) return;
    if (e.type == QLatin1String("device.wipe")) {
        wipe(device_id);
    } else if (e.type == QLatin1String("device.quarantined") && state_ != State::quarantined) {
        set_state(State::quarantined);
        emit quarantineChanged(true);
    } else if (e.type == QLatin1String("device.released") && state_ == State::quarantined) {
        set_state(State::active);
        emit quarantineChanged(false);
    }
}

void RemoteWipe::wipe(const QString& device_id) {
    const bool was_quarantined = state_ == State::quarantined;
    set_state(State::wiping);
    if (was_quarantined) emit quarantineChanged(false);
    emit wipeStarting();
    if (!wipe_local_data(targets_)) {
        // Not confirmed: the server keeps the order and sends it again after the next
        // authentication, when the erasing is tried again.
        finish(false, false);
        return;
    }
    QPointer<RemoteWipe> self(this);
    connection_.request(QStringLiteral("devices.confirm_wipe"),
                        QJsonObject{{QStringLiteral("device_id"), device_id}},
                        [self](const ServerResponse& r) {
                            if (self) self->finish(true, r.ok);
                        });
}

void RemoteWipe::finish(bool erased, bool confirmed) {
    set_state(erased && confirmed ? State::wiped : State::wipe_failed);
    emit wipedOut(erased, confirmed);
}

void RemoteWipe::set_state(State s) {
    if (s == state_) return;
    state_ = s;
    emit stateChanged(s);
}

}  // namespace wardline::client
