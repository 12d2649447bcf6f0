// SPDX-License-Identifier: Apache-2.0
#include "tests/client/qt_wait.hpp"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace wardline::test {

bool qt_wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    QDeadlineTimer deadline(timeout);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        // Wake up at least every 10 ms to look at the condition again.
        QEventLoop loop;
        QTimer::singleShot(10, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

}  // namespace wardline::test
