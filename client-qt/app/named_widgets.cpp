// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/named_widgets.hpp"

#include <QLineEdit>
#include <QPushButton>

namespace wardline::app {

QPushButton* named_button(QWidget* parent, const char* object_name, const QString& text) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(object_name));
    b->setAccessibleName(QString(text).remove(QLatin1Char('&')));
    return b;
}

QLineEdit* named_field(QWidget* parent, const char* object_name, const QString& accessible_name) {
    auto* e = new QLineEdit(parent);
    e->setObjectName(QLatin1String(object_name));
    e->setAccessibleName(accessible_name);
    return e;
}

}  // namespace wardline::app
