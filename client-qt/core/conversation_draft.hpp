// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the user asks for when starting a group, a patient thread or an announcement from the
// new-conversation dialog (docs/client.md, "New conversations"), checked here against the
// protocol's limits (conversations.create) so that an obvious mistake is named before it is
// sent. The server checks everything again, including who may create which kind.
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace wardline::client {

struct PatientDraft {
    QString mrn;
    QString name;
    QString date_of_birth;  ///< YYYY-MM-DD
    QString unit;           ///< optional
    QString bed;            ///< optional
};

struct ConversationDraft {
    QString kind;  ///< group, patient or announcement
    QString title;
    QStringList members;   ///< user ids, not the creator
    PatientDraft patient;  ///< patient only
    /// Announcement only: the roles whose holders may post (everyone else reads only); empty:
    /// only the creator posts.
    QStringList posting_roles;
    /// Announcement only: the unit (department) it is for; empty: the whole organization.
    QString unit;
};

/// Why a draft cannot be sent, in words for the dialog; nullopt when it can.
std::optional<QString> draft_problem(const ConversationDraft& draft);
/// The conversations.create body of a draft without problems (the engine adds mls_group_id).
QJsonObject draft_request(const ConversationDraft& draft);

}  // namespace wardline::client
