// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's retention policies for the retention admin view (issue #7;
// docs/admin-guide.md, "Retention and legal holds"; docs/client.md, "Retention and legal-hold
// views"): the policies per organization, conversation kind and conversation as
// retention.policies.list gives them (one row each), the shortenings waiting for a second
// administrator (pending()), and the requests that change them: retention.policies.set (a
// longer duration or forever applies at once, a shorter one becomes a pending change),
// retention.preview (the dry-run report to read before shortening), retention.changes.confirm
// and .reject (four-eyes: the server refuses the proposer). Scopes and durations are checked
// here first; the server checks retention.manage and everything else again.
#include "client-qt/core/admin_reply.hpp"
#include "client-qt/core/server_connection.hpp"

#include <QAbstractListModel>
#include <QDateTime>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace wardline::client {

/// What a policy covers: the whole organization, one conversation kind or one conversation.
struct RetentionScope {
    QString scope;            ///< organization, kind or conversation
    QString kind;             ///< scope kind only: direct, group, channel, announcement, patient
    QString conversation_id;  ///< scope conversation only

    friend bool operator==(const RetentionScope&, const RetentionScope&) = default;
};

struct RetentionPolicy {
    QString id;
    RetentionScope target;
    std::optional<int> keep_days;  ///< nullopt: kept forever
    QString updated_by;
    qint64 updated_ms = 0;
};

/// A shortening waiting for a second administrator.
struct RetentionChange {
    QString id;
    RetentionScope target;
    int keep_days = 0;
    std::optional<int> previous_keep_days;  ///< nullopt: forever or no policy before
    QString proposed_by;
    qint64 proposed_ms = 0;
};

/// retention.preview: what the job would delete now under a proposed duration.
struct RetentionPreview {
    struct Group {
        QString kind;
        QString unit;  ///< an announcement's unit; empty for other kinds
        qint64 messages = 0;
        qint64 oldest_ms = 0;
        qint64 newest_ms = 0;
    };
    qint64 as_of_ms = 0;
    qint64 messages = 0;
    std::vector<Group> groups;
};

/// The conversation kinds a kind policy may name, in the order views offer them.
const QStringList& retention_kinds();
/// Why `target` is not a scope the server accepts, in words; nullopt when it is.
std::optional<QString> retention_scope_problem(const RetentionScope& target);
/// The longest duration a policy may have, in days.
inline constexpr int kMaxRetentionDays = 36500;

class RetentionPolicyModel : public QAbstractListModel {
    Q_OBJECT
public:
    using Done = std::function<void(const AdminReply&)>;
    using PreviewDone = std::function<void(const AdminReply&, const RetentionPreview&)>;
    enum Roles {
        PolicyIdRole = Qt::UserRole + 1,
        ScopeRole,
        KindRole,
        ConversationIdRole,
        KeepDaysRole,  ///< int; invalid QVariant when forever
        ForeverRole,
        UpdatedByRole,
        UpdatedRole,  ///< QDateTime, UTC
    };
    Q_ENUM(Roles)

    explicit RetentionPolicyModel(ServerConnection& connection, QObject* parent = nullptr);
    ~RetentionPolicyModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Lists the policies and pending changes again (retention.policies.list).
    void load(Done done = {});
    /// Sets `target`'s duration (nullopt: forever); then lists again. The reply's status is
    /// "applied" (id: the policy) or "pending" (id: the change a second administrator decides).
    void set(const RetentionScope& target, std::optional<int> keep_days, Done done);
    /// The dry-run report for `target` kept `keep_days` days; changes nothing.
    void preview(const RetentionScope& target, int keep_days, PreviewDone done);
    /// A second administrator confirms or rejects a pending change; then lists again.
    void confirm(const QString& change_id, Done done);
    void reject(const QString& change_id, Done done);

    const std::vector<RetentionPolicy>& policies() const noexcept { return rows_; }
    const std::vector<RetentionChange>& pending() const noexcept { return pending_; }
    /// The policy set for exactly `target`, if there is one.
    const RetentionPolicy* policy_for(const RetentionScope& target) const;
    /// Whether `keep_days` for `target` is shorter than what that scope keeps now (no policy
    /// of its own counts as forever), so the server makes it a pending change.
    bool shortens(const RetentionScope& target, std::optional<int> keep_days) const;
    bool loaded() const noexcept { return loaded_; }

    /// "Organization", "Kind: group", "Conversation 0d1c…" for lists and reports.
    static QString scope_text(const RetentionScope& target);
    /// "90 days", "1 day", "forever".
    static QString duration_text(std::optional<int> keep_days);

    /// Names users in row texts (e.g. ColleagueDirectory::display_name); ids without it.
    void set_name_lookup(std::function<QString(const QString& user_id)> lookup);
    QString name_of(const QString& user_id) const;

signals:
    /// The policies or the pending changes were listed again.
    void listed();

private:
    void take(const QJsonObject& body);
    void decide(const QString& type, const QString& change_id, Done done);
    void reload_then(const AdminReply& reply, Done done);

    ServerConnection& connection_;
    std::vector<RetentionPolicy> rows_;
    std::vector<RetentionChange> pending_;
    std::function<QString(const QString&)> lookup_;
    bool loaded_ = false;
    int generation_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
