// SPDX-License-Identifier: Apache-2.0
#pragma once
// Starting a conversation (docs/client.md, "Chat views", "New conversations"). Direct: find a
// colleague by name through directory.search, pick one, and the chat opens the conversation
// with them (an existing one is reused: the server keeps one direct conversation per pair).
// Group, patient thread and announcement: a title, several colleagues (found the same way
// and added to a list), and for a patient thread the patient's MRN, name, date of birth, unit
// and bed; for an announcement who may post (roles; everyone else reads only) and the unit
// (department) it is for, or the whole organization. Patient threads are offered only with
// patient_threads.create and announcements only with org.settings (the server checks both
// again). A draft with a problem is named in
// the dialog and not sent.
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_draft.hpp"

#include <QDialog>

#include <vector>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace wardline::app {

class NewConversationDialog : public QDialog {
    Q_OBJECT
public:
    /// `permissions` are the signed-in user's; they decide which kinds are offered.
    NewConversationDialog(client::ColleagueDirectory& colleagues, QString own_user_id,
                          const QStringList& permissions = {}, QWidget* parent = nullptr);

    /// direct, group, patient or announcement.
    QString kind() const;
    /// The kinds offered to this user, in the picker's order.
    QStringList offered_kinds() const;
    /// Direct: the chosen colleague's user id (after accepted()).
    QString chosen() const;
    /// The other kinds: what the user filled in (after accepted()).
    client::ConversationDraft draft() const;

private:
    void search();
    void kind_changed();
    void add_current();
    void try_accept();

    client::ColleagueDirectory& colleagues_;
    QString own_user_id_;
    QComboBox* kind_ = nullptr;
    QLineEdit* query_ = nullptr;
    QListWidget* results_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* start_ = nullptr;
    QWidget* group_part_ = nullptr;
    QLineEdit* title_ = nullptr;
    QListWidget* members_ = nullptr;
    QGroupBox* patient_part_ = nullptr;
    QLineEdit* mrn_ = nullptr;
    QLineEdit* patient_name_ = nullptr;
    QLineEdit* date_of_birth_ = nullptr;
    QLineEdit* unit_ = nullptr;
    QLineEdit* bed_ = nullptr;
    QGroupBox* announcement_part_ = nullptr;
    std::vector<QCheckBox*> posting_roles_;
    QLineEdit* announcement_unit_ = nullptr;
};

}  // namespace wardline::app
