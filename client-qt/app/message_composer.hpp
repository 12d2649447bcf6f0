// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where a message is written (docs/client.md, "Chat views"): the text (Enter sends,
// Shift+Enter starts a new line), the priority (routine, urgent, critical; the word is shown,
// not only a colour) and the organization's templates (templates.list), which fill the text.
// It only forwards the intent (sendRequested); the chat view sends.
#include "client-qt/core/server_connection.hpp"

#include <QWidget>

class QComboBox;
class QPlainTextEdit;
class QPushButton;

namespace wardline::app {

class MessageComposer : public QWidget {
    Q_OBJECT
public:
    explicit MessageComposer(client::ServerConnection& connection, QWidget* parent = nullptr);

    /// Loads the organization's templates into the picker.
    void load_templates();
    QString text() const;
    void clear();
    QPlainTextEdit* editor() const { return editor_; }

signals:
    void sendRequested(const QString& text, const QString& priority);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void request_send();

    client::ServerConnection& connection_;
    QPlainTextEdit* editor_ = nullptr;
    QComboBox* priority_ = nullptr;
    QComboBox* templates_ = nullptr;
    QPushButton* send_ = nullptr;
};

}  // namespace wardline::app
