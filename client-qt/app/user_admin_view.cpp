// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/user_admin_view.hpp"

#include "client-qt/app/admin_text.hpp"
#include "client-qt/app/named_widgets.hpp"
#include "client-qt/app/user_detail_panel.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace wardline::app {

UserAdminView::UserAdminView(client::ServerConnection& connection, const QStringList& permissions,
                             QWidget* parent)
    : QWidget(parent),
      connection_(connection),
      model_(new UserTableModel(connection, this)),
      can_manage_(permissions.contains(kUsersManage)),
      can_reset_(permissions.contains(kUsersCredentials)) {
    setObjectName(QStringLiteral("userAdminView"));
    auto* layout = new QVBoxLayout(this);

    auto* search_row = new QHBoxLayout;
    search_ = named_field(this, "userSearchField", tr("Search users by username or name"));
    search_->setPlaceholderText(tr("Search by username or name"));
    auto* search_button = named_button(this, "userSearchButton", tr("Searc&h"));
    search_row->addWidget(search_);
    search_row->addWidget(search_button);
    layout->addLayout(search_row);

    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("userTable"));
    table_->setAccessibleName(tr("Users of the organization"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setTabKeyNavigation(false);  // Tab leaves the table; arrows move inside it
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    detail_ = new UserDetailPanel(connection, permissions, this);
    // The details scroll when the window is short (a laptop screen, a large font) instead of
    // squeezing their boxes; the window's smallest size stays that of a laptop screen.
    auto* detail_scroll = new QScrollArea(this);
    detail_scroll->setObjectName(QStringLiteral("userDetailScroll"));
    detail_scroll->setAccessibleName(tr("The selected user's details"));
    detail_scroll->setWidget(detail_);
    detail_scroll->setWidgetResizable(true);
    detail_scroll->setFrameShape(QFrame::NoFrame);
    detail_scroll->setFocusPolicy(Qt::NoFocus);  // its fields take focus, it scrolls to them
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(table_);
    split->addWidget(detail_scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setMinimumHeight(220);  // a few users and the top of their details, at least
    layout->addWidget(split, 1);

    auto* paging = new QHBoxLayout;
    previous_ = named_button(this, "previousPageButton", tr("&Previous page"));
    next_ = named_button(this, "nextPageButton", tr("Ne&xt page"));
    page_ = new QLabel(this);
    page_->setObjectName(QStringLiteral("pageLabel"));
    paging->addWidget(previous_);
    paging->addWidget(page_);
    paging->addWidget(next_);
    paging->addStretch();
    layout->addLayout(paging);

    auto* actions = new QHBoxLayout;
    suspend_ = named_button(this, "suspendButton", tr("Suspe&nd"));
    reactivate_ = named_button(this, "reactivateButton", tr("Reac&tivate"));
    reset_password_ = named_button(this, "resetPasswordButton", tr("Reset pass&word"));
    reset_mfa_ = named_button(this, "resetMfaButton", tr("Reset &authenticator"));
    unlock_ = named_button(this, "unlockButton", tr("Unloc&k account"));
    for (auto* b : {suspend_, reactivate_, reset_password_, reset_mfa_, unlock_})
        actions->addWidget(b);
    actions->addStretch();
    layout->addLayout(actions);
    suspend_->setVisible(can_manage_);
    reactivate_->setVisible(can_manage_);
    reset_password_->setVisible(can_reset_);
    reset_mfa_->setVisible(can_reset_);
    unlock_->setVisible(can_reset_);

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("adminStatusLabel"));
    status_->setAccessibleName(tr("Result of the last action"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);
    layout->addWidget(make_one_time_password_panel());
    layout->addWidget(make_create_form());

    connect(search_button, &QPushButton::clicked, this,
            [this] { model_->search(search_->text()); });
    connect(search_, &QLineEdit::returnPressed, this, [this] { model_->search(search_->text()); });
    connect(previous_, &QPushButton::clicked, model_, &UserTableModel::previous_page);
    connect(next_, &QPushButton::clicked, model_, &UserTableModel::next_page);
    connect(model_, &UserTableModel::loaded, this, &UserAdminView::update_buttons);
    connect(model_, &UserTableModel::failed, this, &UserAdminView::show_status);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UserAdminView::update_buttons);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { detail_->show_user(selected()); });
    connect(model_, &UserTableModel::modelReset, this, [this] { detail_->show_user(nullptr); });
    connect(detail_, &UserDetailPanel::userChanged, model_, &UserTableModel::update_user);
    connect(suspend_, &QPushButton::clicked, this, [this] {
        run_action(QStringLiteral("users.suspend"), tr("%1 is suspended; their sessions ended."));
    });
    connect(reactivate_, &QPushButton::clicked, this,
            [this] { run_action(QStringLiteral("users.reactivate"), tr("%1 is active again.")); });
    connect(reset_mfa_, &QPushButton::clicked, this, [this] {
        run_action(QStringLiteral("users.reset_mfa"),
                   tr("%1's authenticator was removed; they enroll a new one at their next "
                      "sign-in."));
    });
    connect(unlock_, &QPushButton::clicked, this,
            [this] { run_action(QStringLiteral("users.unlock"), tr("%1 is unlocked.")); });
    connect(reset_password_, &QPushButton::clicked, this, &UserAdminView::reset_password);
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] { search_->setFocus(); });
    auto* create = new QShortcut(QKeySequence::New, this);
    connect(create, &QShortcut::activated, this, &UserAdminView::start_create);

    update_buttons();
    model_->search(QString());
}

QWidget* UserAdminView::make_create_form() {
    create_form_ = new QGroupBox(tr("New user"), this);
    create_form_->setObjectName(QStringLiteral("createUserForm"));
    auto* form = new QGridLayout(create_form_);
    new_username_ = named_field(create_form_, "newUsernameField", tr("New user's username"));
    new_display_name_ = named_field(create_form_, "newDisplayNameField", tr("New user's name"));
    new_department_ = named_field(create_form_, "newDepartmentField", tr("New user's department"));
    new_job_title_ = named_field(create_form_, "newJobTitleField", tr("New user's job title"));
    new_role_ = new QComboBox(create_form_);
    new_role_->setObjectName(QStringLiteral("newRoleBox"));
    new_role_->setAccessibleName(tr("New user's role"));
    new_role_->addItems(default_roles());
    create_ = named_button(create_form_, "createUserButton", tr("C&reate user"));
    // Two fields a row, so the form leaves the list and the details room on a laptop screen.
    const auto labelled = [this](const QString& text, QWidget* field) {
        auto* label = new QLabel(text, create_form_);
        label->setBuddy(field);
        return label;
    };
    form->addWidget(labelled(tr("Username"), new_username_), 0, 0);
    form->addWidget(new_username_, 0, 1);
    form->addWidget(labelled(tr("Name"), new_display_name_), 0, 2);
    form->addWidget(new_display_name_, 0, 3);
    form->addWidget(labelled(tr("Department"), new_department_), 1, 0);
    form->addWidget(new_department_, 1, 1);
    form->addWidget(labelled(tr("Job title"), new_job_title_), 1, 2);
    form->addWidget(new_job_title_, 1, 3);
    form->addWidget(labelled(tr("Role"), new_role_), 2, 0);
    form->addWidget(new_role_, 2, 1);
    form->addWidget(create_, 2, 3);
    form->setColumnStretch(1, 1);
    form->setColumnStretch(3, 1);
    connect(create_, &QPushButton::clicked, this, &UserAdminView::create_user);
    create_form_->setVisible(can_manage_);
    return create_form_;
}

QWidget* UserAdminView::make_one_time_password_panel() {
    otp_panel_ = new QGroupBox(tr("One-time password"), this);
    otp_panel_->setObjectName(QStringLiteral("oneTimePasswordPanel"));
    auto* layout = new QVBoxLayout(otp_panel_);
    otp_for_ = new QLabel(otp_panel_);
    otp_for_->setWordWrap(true);
    otp_ = named_field(otp_panel_, "oneTimePasswordField", tr("One-time password"));
    otp_->setReadOnly(true);
    auto* done =
        named_button(otp_panel_, "oneTimePasswordDoneButton", tr("I gave it to them, hi&de it"));
    layout->addWidget(otp_for_);
    layout->addWidget(otp_);
    layout->addWidget(done);
    connect(done, &QPushButton::clicked, this, [this] {
        otp_->clear();
        otp_panel_->hide();
    });
    otp_panel_->hide();
    return otp_panel_;
}

QString UserAdminView::status() const {
    return status_->text();
}

void UserAdminView::start_create() {
    if (can_manage_) new_username_->setFocus();
}

const UserRow* UserAdminView::selected() const {
    const auto rows = table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : model_->user_at(rows.first().row());
}

void UserAdminView::update_buttons() {
    previous_->setEnabled(model_->has_previous());
    next_->setEnabled(model_->has_next());
    page_->setText(tr("Page %1").arg(model_->page_number()));
    const UserRow* u = selected();
    suspend_->setEnabled(u && u->status == QLatin1String("active"));
    reactivate_->setEnabled(u && u->status == QLatin1String("suspended"));
    reset_password_->setEnabled(u != nullptr);
    reset_mfa_->setEnabled(u != nullptr && u->mfa_enrolled);
    unlock_->setEnabled(u && u->locked);
}

void UserAdminView::show_status(const QString& text) {
    status_->setText(text);
    status_->setAccessibleDescription(text);
}

void UserAdminView::run_action(const QString& type, const QString& done_text) {
    const UserRow* u = selected();
    if (!u) return;
    const QString name = u->username;
    QPointer<UserAdminView> self(this);
    connection_.request(type, {{QStringLiteral("user_id"), u->id}},
                        [self, name, done_text](const client::ServerResponse& r) {
                            if (!self) return;
                            if (!r.ok) {
                                self->show_status(admin_message_for(r.error_code, r.error_message));
                                return;
                            }
                            self->show_status(done_text.arg(name));
                            self->model_->refresh();
                        });
}

void UserAdminView::reset_password() {
    const UserRow* u = selected();
    if (!u) return;
    const QString name = u->username;
    QPointer<UserAdminView> self(this);
    connection_.request(
        QStringLiteral("users.reset_password"), {{QStringLiteral("user_id"), u->id}},
        [self, name](const client::ServerResponse& r) {
            if (!self) return;
            if (!r.ok) {
                self->show_status(admin_message_for(r.error_code, r.error_message));
                return;
            }
            self->show_status(tr("%1's password was reset; their sessions ended.").arg(name));
            self->show_one_time_password(
                name, r.body.value(QLatin1String("one_time_password")).toString());
        });
}

void UserAdminView::create_user() {
    if (new_username_->text().trimmed().isEmpty() ||
        new_display_name_->text().trimmed().isEmpty()) {
        show_status(tr("A new user needs a username and a name."));
        return;
    }
    QJsonObject body{{QStringLiteral("username"), new_username_->text().trimmed()},
                     {QStringLiteral("display_name"), new_display_name_->text().trimmed()},
                     {QStringLiteral("roles"), QJsonArray{new_role_->currentText()}}};
    if (!new_department_->text().trimmed().isEmpty())
        body.insert(QStringLiteral("department"), new_department_->text().trimmed());
    if (!new_job_title_->text().trimmed().isEmpty())
        body.insert(QStringLiteral("job_title"), new_job_title_->text().trimmed());
    create_->setEnabled(false);
    QPointer<UserAdminView> self(this);
    connection_.request(
        QStringLiteral("users.create"), body, [self](const client::ServerResponse& r) {
            if (!self) return;
            self->create_->setEnabled(true);
            if (!r.ok) {
                self->show_status(admin_message_for(r.error_code, r.error_message));
                return;
            }
            const UserRow user = UserRow::from_json(r.body.value(QLatin1String("user")).toObject());
            for (auto* e : {self->new_username_, self->new_display_name_, self->new_department_,
                            self->new_job_title_})
                e->clear();
            self->show_status(tr("%1 was created.").arg(user.username));
            self->show_one_time_password(
                user.username, r.body.value(QLatin1String("one_time_password")).toString());
            self->model_->refresh();
        });
}

void UserAdminView::show_one_time_password(const QString& username, const QString& password) {
    otp_for_->setText(tr("Give this one-time password to %1 in person or by phone. It is shown "
                         "only now; they choose their own password at their first sign-in.")
                          .arg(username));
    otp_->setText(password);
    otp_panel_->show();
    otp_->setFocus();
    otp_->selectAll();
}

}  // namespace wardline::app
