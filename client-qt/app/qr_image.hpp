// SPDX-License-Identifier: Apache-2.0
#pragma once
// The QR code of a text (the otpauth:// URI of MFA enrollment), drawn with libqrencode. Dark
// modules on a light background with the four-module quiet zone, as authenticator apps expect
// whatever the application's palette.
#include <QImage>
#include <QString>

namespace wardline::app {

/// The QR code of `text` (error correction M), `scale` pixels per module; a null image when the
/// text cannot be encoded (too long).
QImage qr_image(const QString& text, int scale = 6);

}  // namespace wardline::app
