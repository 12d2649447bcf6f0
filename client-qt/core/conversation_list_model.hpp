// SPDX-License-Identifier: Apache-2.0
#pragma once
// The user's conversations as a list model (docs/client.md, "Chat views"), read from the local
// store and kept live by the MessageRecorder's signals: title, kind, last activity, unread
// count and the badge of urgent or critical messages still waiting for the user's
// acknowledgement, newest activity first. A patient thread also shows its patient's name, MRN,
// unit and bed (PatientRole): inside the signed-in app only, never in a notification or a
// window title. A conversation whose activity changes moves (a row
// move, so a view keeps its selection).
#include "client-qt/core/local_store.hpp"
#include "client-qt/core/message_recorder.hpp"

#include <QAbstractListModel>
#include <QDateTime>

#include <vector>

namespace wardline::client {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        KindRole,
        LastActivityRole,  ///< QDateTime (local time), invalid when nothing happened yet
        UnreadRole,        ///< messages from others the user has not read
        BadgeRole,         ///< urgent or critical messages waiting for the user's acknowledgement
        PatientRole,       ///< patient threads: "name · MRN … · unit, bed …"; empty otherwise
    };
    Q_ENUM(Roles)

    ConversationListModel(LocalStore& store, MessageRecorder& recorder, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The row of a conversation, or -1.
    int row_of(const QString& conversation_id) const;
    QString id_at(int row) const;
    /// Reads every conversation from the store again.
    void reload();

private:
    struct Row {
        QString id;
        QString title;
        QString kind;
        qint64 updated_ms = 0;
        qint64 unread = 0;
        qint64 badge = 0;
        QString patient;
    };
    std::optional<Row> read(const QString& conversation_id) const;
    Row read_row(const StoredConversation& c) const;
    void update(const QString& conversation_id);
    /// Where a row with this activity belongs (newest first, then by id).
    int position_for(const Row& r, int skip) const;
    QString shown_title(const Row& r) const;

    LocalStore& store_;
    MessageRecorder& recorder_;
    std::vector<Row> rows_;
};

}  // namespace wardline::client
