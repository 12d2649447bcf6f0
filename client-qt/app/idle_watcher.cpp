// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/idle_watcher.hpp"

#include <QCoreApplication>
#include <QEvent>

namespace wardline::app {
namespace {

bool is_input(QEvent::Type t) {
    switch (t) {
        case QEvent::KeyPress:
        case QEvent::KeyRelease:
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
        case QEvent::MouseMove:
        case QEvent::Wheel:
        case QEvent::TouchBegin:
        case QEvent::TouchUpdate:
        case QEvent::TabletPress:
        case QEvent::InputMethod:
            return true;
        default:
            return false;
    }
}

}  // namespace

IdleWatcher::IdleWatcher(QObject* parent) : QObject(parent) {
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &IdleWatcher::idle);
}

IdleWatcher::~IdleWatcher() {
    stop();
}

void IdleWatcher::start(std::chrono::milliseconds timeout) {
    if (!installed_ && QCoreApplication::instance()) {
        QCoreApplication::instance()->installEventFilter(this);
        installed_ = true;
    }
    timer_.start(timeout);
}

void IdleWatcher::stop() {
    timer_.stop();
    if (installed_ && QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
    installed_ = false;
}

bool IdleWatcher::eventFilter(QObject* watched, QEvent* event) {
    // Every input event passes here once per receiver; restarting the timer is cheap.
    if (timer_.isActive() && is_input(event->type())) {
        timer_.start();
        emit activity();
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace wardline::app
