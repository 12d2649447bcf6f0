// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's legal holds for the legal-hold admin view (issue #7; docs/admin-guide.md,
// "Legal holds"; docs/client.md, "Retention and legal-hold views"): the holds as
// legal_holds.list gives them, newest first (active and release-pending ones, and released ones
// on request), and the requests that change them: legal_holds.place (on a user, a conversation
// or a patient thread, with a case name and a date range), legal_holds.release (asks) and
// legal_holds.confirm_release (a second compliance officer; the server refuses the one who
// asked). A draft is checked here first; the server checks legal_hold.manage and everything
// else again. Case names may name a patient or a matter: they are shown, never logged.
#include "client-qt/core/admin_reply.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QAbstractListModel>
#include <QDateTime>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace wardline::client {

struct LegalHold {
    QString id;
    QString scope;            ///< user, conversation or patient_thread
    QString user_id;          ///< scope user only
    QString conversation_id;  ///< scopes conversation and patient_thread only
    QString case_name;
    qint64 from_ms = 0;
    std::optional<qint64> until_ms;  ///< exclusive; nullopt: open-ended
    QString placed_by;
    qint64 placed_ms = 0;
    QString release_requested_by;  ///< empty unless a release was asked for
    QString released_by;           ///< empty unless released
    QString state;                 ///< active, release_pending or released
};

/// What legal_holds.place needs.
struct LegalHoldDraft {
    QString scope;            ///< user, conversation or patient_thread
    QString user_id;          ///< scope user
    QString conversation_id;  ///< scopes conversation and patient_thread
    QString case_name;        ///< 1 to 200 bytes of UTF-8 after trimming
    qint64 from_ms = 0;
    std::optional<qint64> until_ms;  ///< after from_ms; nullopt: open-ended
};

/// Why the server would refuse `draft`, in words; nullopt when it looks right.
std::optional<QString> legal_hold_draft_problem(const LegalHoldDraft& draft);

class LegalHoldModel : public QAbstractListModel {
    Q_OBJECT
public:
    using Done = std::function<void(const AdminReply&)>;
    enum Roles {
        HoldIdRole = Qt::UserRole + 1,
        ScopeRole,
        TargetIdRole,  ///< the user or conversation held
        CaseNameRole,
        FromRole,   ///< QDateTime, UTC
        UntilRole,  ///< QDateTime, UTC; invalid when open-ended
        StateRole,
        PlacedByRole,
        ReleaseRequestedByRole,
    };
    Q_ENUM(Roles)

    explicit LegalHoldModel(ServerConnection& connection, QObject* parent = nullptr);
    ~LegalHoldModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Lists the holds again (legal_holds.list); released ones too with include_released.
    void load(bool include_released, Done done = {});
    /// Places a hold (the reply's id is the new hold), then lists again.
    void place(const LegalHoldDraft& draft, Done done);
    /// Asks for the release of a hold; it keeps holding until another officer confirms.
    void release(const QString& hold_id, Done done);
    /// A second officer confirms the release another asked for.
    void confirm_release(const QString& hold_id, Done done);

    const std::vector<LegalHold>& holds() const noexcept { return rows_; }
    const LegalHold* hold(const QString& hold_id) const;
    bool loaded() const noexcept { return loaded_; }
    bool include_released() const noexcept { return include_released_; }

    /// Names users in row texts (e.g. ColleagueDirectory::display_name); ids without it.
    void set_name_lookup(std::function<QString(const QString& user_id)> lookup);
    /// "active", "release asked for", "released".
    static QString state_text(const QString& state);

signals:
    void listed();

private:
    void take(const QJsonObject& body);
    void act(const QString& type, const QString& hold_id, Done done);
    QString name_of(const QString& user_id) const;

    ServerConnection& connection_;
    std::vector<LegalHold> rows_;
    std::function<QString(const QString&)> lookup_;
    bool include_released_ = false;
    bool loaded_ = false;
    int generation_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
