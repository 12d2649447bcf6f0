// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/presence_icon.hpp"

#include "client-qt/app/palette_colors.hpp"

#include <QPainter>
#include <QPixmap>

namespace wardline::app {

QIcon presence_icon(const QString& presence, const QPalette& palette) {
    constexpr int size = 16;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF disc(1.5, 1.5, size - 3.0, size - 3.0);
    if (presence == QLatin1String("available")) {
        p.setPen(QPen(QColor(0x1b, 0x5e, 0x20), 1.5));
        p.setBrush(QColor(0x2e, 0x7d, 0x32));
        p.drawEllipse(disc);
        p.setPen(QPen(Qt::white, 2.0));
        p.drawPolyline(QPolygonF({QPointF(4.5, 8.0), QPointF(7.0, 10.5), QPointF(11.5, 5.5)}));
    } else if (presence == QLatin1String("busy")) {
        p.setPen(QPen(QColor(0xb7, 0x1c, 0x1c), 1.5));
        p.setBrush(QColor(0xc6, 0x28, 0x28));
        p.drawEllipse(disc);
        p.setPen(QPen(Qt::white, 2.0));
        p.drawLine(QPointF(4.5, 8.0), QPointF(11.5, 8.0));
    } else if (presence == QLatin1String("away")) {
        p.setPen(QPen(QColor(0xe6, 0x51, 0x00), 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(disc);
        p.drawLine(QPointF(8.0, 8.0), QPointF(8.0, 4.5));
        p.drawLine(QPointF(8.0, 8.0), QPointF(10.5, 9.5));
    } else {
        // The text colour, a fifth of the way to the background: muted, yet readable.
        p.setPen(QPen(blend(palette.color(QPalette::Active, QPalette::Text),
                            palette.color(QPalette::Active, QPalette::Base), 0.2),
                      1.5));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(disc);
    }
    return QIcon(pixmap);
}

}  // namespace wardline::app
