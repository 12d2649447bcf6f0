// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/device_order_text.hpp"

#include <QCoreApplication>

namespace wardline::app {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("DeviceOrderText", text);
}

}  // namespace

QString wiped_out_message(bool erased, bool confirmed) {
    QString message = tr("This device was wiped by your administrator.");
    message += erased ? tr(" Its local messages and keys are erased.")
                      : tr(" Some of its files could not be erased: tell IT.");
    if (!confirmed)
        message += tr(" Wardline could not tell the server that the device is erased: tell IT.");
    return message;
}

QString quarantine_notice() {
    return tr(
        "This device is quarantined by your administrator: messages cannot be read or sent "
        "until it is released.");
}

}  // namespace wardline::app
