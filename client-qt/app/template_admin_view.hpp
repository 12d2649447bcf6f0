// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's message templates, for administrators (issue #6, "Admin views: …
// templates"): the quick texts clinicians pick in the composer, listed by title
// (templates.list) and created, changed or deleted (templates.create, .update, .delete; each
// audited by the server). Shown only to holders of org.settings.
#include <QString>
#include <QWidget>

#include <vector>

class QJsonObject;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace wardline::client {
class ServerConnection;
struct ServerResponse;
}  // namespace wardline::client

namespace wardline::app {

class TemplateAdminView : public QWidget {
    Q_OBJECT
public:
    struct Template {
        QString id;
        QString title;
        QString body;
    };

    explicit TemplateAdminView(client::ServerConnection& connection, QWidget* parent = nullptr);

    /// Loads the list again.
    void reload();
    const std::vector<Template>& templates() const { return templates_; }
    bool loaded() const { return loaded_; }
    /// Selects the template at `row` of the list for editing.
    void select(int row);
    /// The last result or refusal, in words.
    QString status() const;

private:
    void start_new();
    void save();
    void remove();
    void show_list(const QString& select_id);
    void show_status(const QString& text);
    const Template* selected() const;

    client::ServerConnection& connection_;
    std::vector<Template> templates_;
    bool loaded_ = false;
    QListWidget* list_ = nullptr;
    QLineEdit* title_ = nullptr;
    QPlainTextEdit* body_ = nullptr;
    QPushButton* new_ = nullptr;
    QPushButton* save_ = nullptr;
    QPushButton* delete_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace wardline::app
