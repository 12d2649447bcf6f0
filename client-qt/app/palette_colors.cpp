// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/palette_colors.hpp"

#include <algorithm>
#include <cmath>

namespace wardline::app {
namespace {

double linear(double channel) {
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

QColor accent_of(Tint tint) {
    switch (tint) {
        case Tint::critical:
            return {0xd3, 0x2f, 0x2f};
        case Tint::urgent:
            return {0xf9, 0xa8, 0x25};
        case Tint::own:
            return {0x1e, 0x88, 0xe5};
    }
    return {0x80, 0x80, 0x80};
}

/// `accent` moved toward `text` until it reads on `background` (text itself at worst).
QColor readable(const QColor& accent, const QColor& background, const QColor& text) {
    for (int step = 0; step <= 10; ++step) {
        const QColor c = blend(accent, text, step / 10.0);
        if (contrast_ratio(c, background) >= kMinimumTextContrast) return c;
    }
    return text;
}

}  // namespace

double relative_luminance(const QColor& c) {
    const QColor rgb = c.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) +
           0.0722 * linear(rgb.blueF());
}

double contrast_ratio(const QColor& a, const QColor& b) {
    const double la = relative_luminance(a);
    const double lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor blend(const QColor& from, const QColor& to, double t) {
    t = std::clamp(t, 0.0, 1.0);
    const QColor a = from.toRgb();
    const QColor b = to.toRgb();
    const auto mix = [t](float x, float y) { return static_cast<float>(x + (y - x) * t); };
    return QColor::fromRgbF(mix(a.redF(), b.redF()), mix(a.greenF(), b.greenF()),
                            mix(a.blueF(), b.blueF()));
}

QColor tinted_base(const QPalette& palette, Tint tint) {
    const QColor base = palette.color(QPalette::Active, QPalette::Base);
    const QColor text = palette.color(QPalette::Active, QPalette::Text);
    // A quarter of the accent shows on white and on near-black alike; less where the text
    // would no longer read (a palette whose text barely contrasts with its base already).
    for (double t = 0.25; t > 0.0; t -= 0.05) {
        const QColor tinted = blend(base, accent_of(tint), t);
        if (contrast_ratio(text, tinted) >= kMinimumTextContrast) return tinted;
    }
    return base;
}

QColor warning_text(const QPalette& palette) {
    return readable(QColor(0xd3, 0x2f, 0x2f), palette.color(QPalette::Active, QPalette::Window),
                    palette.color(QPalette::Active, QPalette::WindowText));
}

}  // namespace wardline::app
