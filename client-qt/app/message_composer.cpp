// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/message_composer.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace wardline::app {

MessageComposer::MessageComposer(client::ServerConnection& connection, QWidget* parent)
    : QWidget(parent), connection_(connection) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    editor_ = new QPlainTextEdit(this);
    editor_->setObjectName(QStringLiteral("composerField"));
    editor_->setAccessibleName(tr("Message"));
    editor_->setPlaceholderText(tr("Write a message (Enter sends, Shift+Enter for a new line)"));
    editor_->setTabChangesFocus(true);
    editor_->setMaximumHeight(90);
    editor_->installEventFilter(this);

    auto* row = new QHBoxLayout;
    priority_ = new QComboBox(this);
    priority_->setObjectName(QStringLiteral("priorityPicker"));
    priority_->setAccessibleName(tr("Priority"));
    priority_->addItem(tr("Routine"), QStringLiteral("routine"));
    priority_->addItem(tr("Urgent (needs acknowledgement)"), QStringLiteral("urgent"));
    priority_->addItem(tr("Critical (needs acknowledgement, escalates)"),
                       QStringLiteral("critical"));
    templates_ = new QComboBox(this);
    templates_->setObjectName(QStringLiteral("templatePicker"));
    templates_->setAccessibleName(tr("Insert a template"));
    templates_->addItem(tr("Templates…"));
    templates_->setEnabled(false);
    send_ = new QPushButton(tr("&Send"), this);
    send_->setObjectName(QStringLiteral("sendButton"));
    send_->setAccessibleName(tr("Send message"));
    row->addWidget(priority_);
    row->addWidget(templates_, 1);
    row->addWidget(send_);
    layout->addWidget(editor_);
    layout->addLayout(row);

    connect(send_, &QPushButton::clicked, this, &MessageComposer::request_send);
    connect(templates_, &QComboBox::activated, this, [this](int index) {
        if (index <= 0) return;
        editor_->setPlainText(templates_->itemData(index).toString());
        editor_->moveCursor(QTextCursor::End);
        templates_->setCurrentIndex(0);
        editor_->setFocus();
    });
}

void MessageComposer::load_templates() {
    QPointer<MessageComposer> self(this);
    connection_.request(
        QStringLiteral("templates.list"), {}, [self](const client::ServerResponse& r) {
            if (!self || !r.ok) return;
            while (self->templates_->count() > 1) self->templates_->removeItem(1);
            for (const auto& v : r.body.value(QLatin1String("templates")).toArray()) {
                const auto t = v.toObject();
                const QString title = t.value(QLatin1String("title")).toString();
                const QString body = t.value(QLatin1String("body")).toString();
                if (!title.isEmpty() && !body.isEmpty()) self->templates_->addItem(title, body);
            }
            self->templates_->setEnabled(self->templates_->count() > 1);
        });
}

QString MessageComposer::text() const {
    return editor_->toPlainText();
}

void MessageComposer::clear() {
    editor_->clear();
    priority_->setCurrentIndex(0);
}

void MessageComposer::request_send() {
    const QString t = text().trimmed();
    if (t.isEmpty()) return;
    emit sendRequested(t, priority_->currentData().toString());
}

bool MessageComposer::eventFilter(QObject* watched, QEvent* event) {
    if (watched == editor_ && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            !(key->modifiers() & Qt::ShiftModifier)) {
            request_send();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace wardline::app
