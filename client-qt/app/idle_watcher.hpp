// SPDX-License-Identifier: Apache-2.0
#pragma once
// Automatic logoff (issue #6): watches the whole application's keyboard, mouse, wheel and
// touch input and emits idle() once no input came for the timeout (the organization's idle
// timeout from the session, or a shorter one that tests inject). Each input also emits
// activity(), which keeps the server's session alive (client::SessionKeepAlive).
#include <QObject>
#include <QTimer>

#include <chrono>

namespace wardline::app {

class IdleWatcher : public QObject {
    Q_OBJECT
public:
    explicit IdleWatcher(QObject* parent = nullptr);
    ~IdleWatcher() override;

    /// Starts watching (again) with `timeout`; idle() fires once after that much quiet.
    void start(std::chrono::milliseconds timeout);
    void stop();
    bool running() const { return timer_.isActive(); }

    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void idle();
    /// Input came while watching (emitted for every input event: keep the receiver cheap).
    void activity();

private:
    QTimer timer_;
    bool installed_ = false;
};

}  // namespace wardline::app
