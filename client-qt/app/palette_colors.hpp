// SPDX-License-Identifier: Apache-2.0
#pragma once
// Colours that follow the system's palette, light or dark (issue #6, "Accessibility"): the
// tints behind critical, urgent and own messages are the palette's Base mixed with an accent,
// so the palette's own Text stays readable on them; a warning's text colour is an accent moved
// toward the palette's text until it is readable. Contrast is measured as WCAG 2 defines it
// (relative luminance, ratio from 1 to 21; 4.5 is the minimum for body text).
#include <QColor>
#include <QPalette>

namespace wardline::app {

/// The smallest contrast the application allows between text and what is behind it.
inline constexpr double kMinimumTextContrast = 4.5;

/// WCAG 2 relative luminance of `c`, 0 (black) to 1 (white).
double relative_luminance(const QColor& c);
/// WCAG 2 contrast ratio of two colours, 1 to 21, the same whichever comes first.
double contrast_ratio(const QColor& a, const QColor& b);
/// `from` moved a fraction `t` (0 to 1) of the way to `to`, channel by channel.
QColor blend(const QColor& from, const QColor& to, double t);

/// The accents of the chat's rows (their words say the same: CRITICAL, URGENT, own).
enum class Tint { critical, urgent, own };
/// The background of a row tinted by `tint` on `palette`: its Base mixed with the accent,
/// visibly different from Base, with the palette's Text readable on it.
QColor tinted_base(const QPalette& palette, Tint tint);
/// A warning's text colour (a broken audit chain): red, moved toward the palette's WindowText
/// until it is readable on the palette's Window.
QColor warning_text(const QPalette& palette);

}  // namespace wardline::app
