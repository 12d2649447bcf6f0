// SPDX-License-Identifier: Apache-2.0
#pragma once
// Buttons and fields made the way every view of the application makes them: an object name
// for tests and an accessible name for screen readers (issue #6, "Accessibility").
#include <QString>

class QLineEdit;
class QPushButton;
class QWidget;

namespace wardline::app {

/// A button whose accessible name is its text without the mnemonic's '&'.
QPushButton* named_button(QWidget* parent, const char* object_name, const QString& text);
QLineEdit* named_field(QWidget* parent, const char* object_name, const QString& accessible_name);

}  // namespace wardline::app
