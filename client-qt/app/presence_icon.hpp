// SPDX-License-Identifier: Apache-2.0
#pragma once
// Presence as an icon whose shape says it as well as its colour (docs/client.md, "Directory
// and on call"): a filled disc with a tick for available, a disc with a bar for busy, a ring
// with a clock hand for away, an empty ring for offline. The word is always shown beside it.
#include <QIcon>
#include <QString>

namespace wardline::app {

QIcon presence_icon(const QString& presence);

}  // namespace wardline::app
