// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/template_admin_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace wardline::app {
namespace {

TemplateAdminView::Template from_json(const QJsonObject& t) {
    return {t.value(QLatin1String("id")).toString(), t.value(QLatin1String("title")).toString(),
            t.value(QLatin1String("body")).toString()};
}

}  // namespace

TemplateAdminView::TemplateAdminView(client::ServerConnection& connection, QWidget* parent)
    : QWidget(parent), connection_(connection) {
    setObjectName(QStringLiteral("templateAdminView"));
    auto* layout = new QVBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    list_ = new QListWidget(split);
    list_->setObjectName(QStringLiteral("templateList"));
    list_->setAccessibleName(tr("Message templates by title"));
    auto* editor = new QWidget(split);
    auto* form = new QFormLayout(editor);
    title_ = named_field(editor, "templateTitleField", tr("Template title"));
    title_->setMaxLength(100);
    body_ = new QPlainTextEdit(editor);
    body_->setObjectName(QStringLiteral("templateBodyField"));
    body_->setAccessibleName(tr("Template text"));
    body_->setTabChangesFocus(true);
    form->addRow(tr("Title"), title_);
    form->addRow(tr("Text"), body_);
    split->addWidget(list_);
    split->addWidget(editor);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    auto* buttons = new QHBoxLayout;
    new_ = named_button(this, "newTemplateButton", tr("&New template"));
    save_ = named_button(this, "saveTemplateButton", tr("Sa&ve template"));
    delete_ = named_button(this, "deleteTemplateButton", tr("De&lete template"));
    for (auto* b : {new_, save_, delete_}) buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("templateStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connect(new_, &QPushButton::clicked, this, &TemplateAdminView::start_new);
    connect(save_, &QPushButton::clicked, this, &TemplateAdminView::save);
    connect(delete_, &QPushButton::clicked, this, &TemplateAdminView::remove);
    connect(list_, &QListWidget::currentRowChanged, this, &TemplateAdminView::select);
    reload();
}

void TemplateAdminView::reload() {
    loaded_ = false;
    QPointer<TemplateAdminView> self(this);
    connection_.request(QStringLiteral("templates.list"), {},
                        [self](const client::ServerResponse& r) {
                            if (!self) return;
                            if (!r.ok) {
                                self->show_status(admin_message_for(r.error_code, r.error_message));
                                return;
                            }
                            self->templates_.clear();
                            for (const auto& t : r.body.value(QLatin1String("templates")).toArray())
                                self->templates_.push_back(from_json(t.toObject()));
                            self->show_list(QString());
                            self->loaded_ = true;
                        });
}

void TemplateAdminView::show_list(const QString& select_id) {
    const QSignalBlocker quiet(list_);
    list_->clear();
    int selected_row = -1;
    for (std::size_t i = 0; i < templates_.size(); ++i) {
        list_->addItem(templates_[i].title);
        if (templates_[i].id == select_id) selected_row = static_cast<int>(i);
    }
    list_->setCurrentRow(selected_row);
    delete_->setEnabled(selected_row >= 0);
    if (selected_row < 0) start_new();
}

const TemplateAdminView::Template* TemplateAdminView::selected() const {
    const int row = list_->currentRow();
    if (row < 0 || static_cast<std::size_t>(row) >= templates_.size()) return nullptr;
    return &templates_[static_cast<std::size_t>(row)];
}

void TemplateAdminView::select(int row) {
    if (list_->currentRow() != row) {
        list_->setCurrentRow(row);  // comes back here through currentRowChanged
        return;
    }
    const Template* t = selected();
    delete_->setEnabled(t != nullptr);
    if (!t) return;
    title_->setText(t->title);
    body_->setPlainText(t->body);
}

void TemplateAdminView::start_new() {
    {
        const QSignalBlocker quiet(list_);
        list_->setCurrentRow(-1);
    }
    delete_->setEnabled(false);
    title_->clear();
    body_->clear();
    title_->setFocus();
}

void TemplateAdminView::save() {
    const QString title = title_->text().trimmed();
    const QString body = body_->toPlainText();
    if (title.isEmpty() || body.trimmed().isEmpty()) {
        show_status(tr("A template needs a title and a text."));
        return;
    }
    const Template* t = selected();
    QJsonObject request{{QStringLiteral("title"), title}, {QStringLiteral("body"), body}};
    if (t) request.insert(QStringLiteral("template_id"), t->id);
    const QString type =
        t ? QStringLiteral("templates.update") : QStringLiteral("templates.create");
    QPointer<TemplateAdminView> self(this);
    connection_.request(type, request, [self](const client::ServerResponse& r) {
        if (!self) return;
        if (!r.ok) {
            self->show_status(admin_message_for(r.error_code, r.error_message));
            return;
        }
        const Template saved = from_json(r.body.value(QLatin1String("template")).toObject());
        auto it = std::find_if(self->templates_.begin(), self->templates_.end(),
                               [&](const Template& x) { return x.id == saved.id; });
        if (it == self->templates_.end())
            self->templates_.push_back(saved);
        else
            *it = saved;
        std::sort(self->templates_.begin(), self->templates_.end(),
                  [](const Template& a, const Template& b) {
                      return QString::localeAwareCompare(a.title, b.title) < 0;
                  });
        self->show_list(saved.id);
        self->show_status(
            tr("\"%1\" is saved; clinicians see it in the composer.").arg(saved.title));
    });
}

void TemplateAdminView::remove() {
    const Template* t = selected();
    if (!t) return;
    const QString id = t->id;
    const QString title = t->title;
    QPointer<TemplateAdminView> self(this);
    connection_.request(QStringLiteral("templates.delete"), {{QStringLiteral("template_id"), id}},
                        [self, id, title](const client::ServerResponse& r) {
                            if (!self) return;
                            if (!r.ok) {
                                self->show_status(admin_message_for(r.error_code, r.error_message));
                                return;
                            }
                            std::erase_if(self->templates_,
                                          [&](const Template& x) { return x.id == id; });
                            self->show_list(QString());
                            self->show_status(tr("\"%1\" is deleted.").arg(title));
                        });
}

void TemplateAdminView::show_status(const QString& text) {
    status_->setText(text);
}

QString TemplateAdminView::status() const {
    return status_->text();
}

}  // namespace wardline::app
