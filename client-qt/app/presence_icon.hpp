// SPDX-License-Identifier: Apache-2.0
#pragma once
// Presence as an icon whose shape says it as well as its colour (docs/client.md, "Directory
// and on call"): a filled disc with a tick for available, a disc with a bar for busy, a ring
// with a clock hand for away, an empty ring for offline. The word is always shown beside it.
// The offline ring takes the palette's text colour (toned down), so it shows on light and
// dark palettes; the other three are coloured discs and rings that show on both.
#include <QIcon>
#include <QPalette>
#include <QString>

namespace wardline::app {

/// `palette`: the palette of the view that shows it (the application's by default).
QIcon presence_icon(const QString& presence, const QPalette& palette = QPalette());

}  // namespace wardline::app
