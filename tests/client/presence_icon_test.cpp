// SPDX-License-Identifier: Apache-2.0
// Presence icons (docs/client.md, "Directory and on call") differ by shape, not by colour
// alone: every pair of statuses still differs once the icons are turned to grey.
#include "client-qt/app/presence_icon.hpp"

#include <QImage>

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

QImage grey(const QString& presence) {
    return app::presence_icon(presence).pixmap(16, 16).toImage().convertToFormat(
        QImage::Format_Grayscale8);
}

TEST(PresenceIcon, EachStatusHasItsOwnShapeEvenWithoutColour) {
    const QStringList statuses{"available", "busy", "away", "offline"};
    for (int a = 0; a < statuses.size(); ++a) {
        ASSERT_FALSE(grey(statuses[a]).isNull()) << statuses[a].toStdString();
        for (int b = a + 1; b < statuses.size(); ++b)
            EXPECT_NE(grey(statuses[a]), grey(statuses[b]))
                << statuses[a].toStdString() << " and " << statuses[b].toStdString();
    }
    EXPECT_EQ(grey("something else"), grey("offline")) << "an unknown status shows as offline";
}

}  // namespace
}  // namespace wardline::test
