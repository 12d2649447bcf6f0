// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/retention_policy_model.hpp"

#include <QJsonArray>
#include <QJsonObject>

namespace wardline::client {
namespace {

QString text(const QJsonObject& o, const char* name) {
    const auto v = o.value(QLatin1String(name));
    return v.isString() ? v.toString() : QString();
}

/// An integer field, or nullopt (absent or not a whole number).
std::optional<qint64> integer(const QJsonObject& o, const char* name) {
    const auto v = o.value(QLatin1String(name));
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d != static_cast<double>(v.toInteger())) return std::nullopt;
    return v.toInteger();
}

std::optional<int> days(const QJsonObject& o, const char* name) {
    const auto d = integer(o, name);
    if (!d || *d < 1 || *d > kMaxRetentionDays) return std::nullopt;
    return static_cast<int>(*d);
}

RetentionScope scope_of(const QJsonObject& o) {
    return {text(o, "scope"), text(o, "kind"), text(o, "conversation_id")};
}

QJsonObject scope_body(const RetentionScope& target) {
    QJsonObject body{{QStringLiteral("scope"), target.scope}};
    if (target.scope == QLatin1String("kind"))
        body.insert(QStringLiteral("kind"), target.kind);
    else if (target.scope == QLatin1String("conversation"))
        body.insert(QStringLiteral("conversation_id"), target.conversation_id);
    return body;
}

AdminReply reply_of(const ServerResponse& r) {
    if (!r.ok) return AdminReply::refused(r.error_code, r.error_message);
    AdminReply ok;
    ok.ok = true;
    ok.status = text(r.body, "status");
    ok.id = text(r.body, "policy_id");
    if (ok.id.isEmpty()) ok.id = text(r.body, "change_id");
    return ok;
}

std::optional<QString> days_problem(int keep_days) {
    if (keep_days < 1 || keep_days > kMaxRetentionDays)
        return QObject::tr("Keep messages between 1 and %1 days, or forever.")
            .arg(kMaxRetentionDays);
    return std::nullopt;
}

}  // namespace

const QStringList& retention_kinds() {
    static const QStringList kinds{QStringLiteral("direct"), QStringLiteral("group"),
                                   QStringLiteral("channel"), QStringLiteral("announcement"),
                                   QStringLiteral("patient")};
    return kinds;
}

std::optional<QString> retention_scope_problem(const RetentionScope& target) {
    if (target.scope == QLatin1String("organization")) return std::nullopt;
    if (target.scope == QLatin1String("kind")) {
        if (retention_kinds().contains(target.kind)) return std::nullopt;
        return QObject::tr("Choose a conversation kind.");
    }
    if (target.scope == QLatin1String("conversation")) {
        // The server checks that it is a conversation of the organization.
        if (target.conversation_id.size() == 36) return std::nullopt;
        return QObject::tr("Enter the conversation's id (36 characters, from the audit trail).");
    }
    return QObject::tr(
        "Choose what the policy covers: the organization, a kind or a conversation.");
}

RetentionPolicyModel::RetentionPolicyModel(ServerConnection& connection, QObject* parent)
    : QAbstractListModel(parent), connection_(connection) {}

RetentionPolicyModel::~RetentionPolicyModel() {
    *alive_ = false;
}

int RetentionPolicyModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QString RetentionPolicyModel::scope_text(const RetentionScope& target) {
    if (target.scope == QLatin1String("organization")) return tr("Organization");
    if (target.scope == QLatin1String("kind")) return tr("Kind: %1").arg(target.kind);
    return tr("Conversation %1").arg(target.conversation_id);
}

QString RetentionPolicyModel::duration_text(std::optional<int> keep_days) {
    if (!keep_days) return tr("forever");
    return *keep_days == 1 ? tr("1 day") : tr("%1 days").arg(*keep_days);
}

void RetentionPolicyModel::set_name_lookup(std::function<QString(const QString&)> lookup) {
    lookup_ = std::move(lookup);
}

QString RetentionPolicyModel::name_of(const QString& user_id) const {
    const QString name = lookup_ ? lookup_(user_id) : QString();
    return name.isEmpty() ? user_id : name;
}

QVariant RetentionPolicyModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RetentionPolicy& p = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole:
            return tr("%1: keep %2 (set by %3)")
                .arg(scope_text(p.target), duration_text(p.keep_days), name_of(p.updated_by));
        case PolicyIdRole:
            return p.id;
        case ScopeRole:
            return p.target.scope;
        case KindRole:
            return p.target.kind;
        case ConversationIdRole:
            return p.target.conversation_id;
        case KeepDaysRole:
            return p.keep_days ? QVariant(*p.keep_days) : QVariant();
        case ForeverRole:
            return !p.keep_days.has_value();
        case UpdatedByRole:
            return p.updated_by;
        case UpdatedRole:
            return QDateTime::fromMSecsSinceEpoch(p.updated_ms, Qt::UTC);
        default:
            return {};
    }
}

QHash<int, QByteArray> RetentionPolicyModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(PolicyIdRole, "policyId");
    names.insert(ScopeRole, "scope");
    names.insert(KindRole, "kind");
    names.insert(ConversationIdRole, "conversationId");
    names.insert(KeepDaysRole, "keepDays");
    names.insert(ForeverRole, "forever");
    names.insert(UpdatedByRole, "updatedBy");
    names.insert(UpdatedRole, "updated");
    return names;
}

const RetentionPolicy* RetentionPolicyModel::policy_for(const RetentionScope& target) const {
    for (const auto& p : rows_)
        if (p.target.scope == target.scope &&
            (target.scope != QLatin1String("kind") || p.target.kind == target.kind) &&
            (target.scope != QLatin1String("conversation") ||
             p.target.conversation_id == target.conversation_id))
            return &p;
    return nullptr;
}

bool RetentionPolicyModel::shortens(const RetentionScope& target,
                                    std::optional<int> keep_days) const {
    if (!keep_days) return false;
    const RetentionPolicy* now = policy_for(target);
    return !now || !now->keep_days || *keep_days < *now->keep_days;
}

void RetentionPolicyModel::load(Done done) {
    const int generation = ++generation_;
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("retention.policies.list"), QJsonObject{},
                        [this, alive, generation, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            if (generation == generation_ && r.ok) take(r.body);
                            if (done) done(reply_of(r));
                        });
}

void RetentionPolicyModel::take(const QJsonObject& body) {
    beginResetModel();
    rows_.clear();
    pending_.clear();
    for (const auto& v : body.value(QLatin1String("policies")).toArray()) {
        const auto o = v.toObject();
        RetentionPolicy p;
        p.id = text(o, "id");
        p.target = scope_of(o);
        p.keep_days = days(o, "keep_days");
        p.updated_by = text(o, "updated_by");
        p.updated_ms = integer(o, "updated_ms").value_or(0);
        const bool kept_forever = o.value(QLatin1String("forever")).toBool();
        // A row that is neither forever nor a valid duration is not shown as either.
        if (p.id.isEmpty() || retention_scope_problem(p.target) ||
            kept_forever == p.keep_days.has_value())
            continue;
        rows_.push_back(std::move(p));
    }
    for (const auto& v : body.value(QLatin1String("pending")).toArray()) {
        const auto o = v.toObject();
        RetentionChange c;
        c.id = text(o, "id");
        c.target = scope_of(o);
        const auto keep = days(o, "keep_days");
        c.previous_keep_days = days(o, "previous_keep_days");
        c.proposed_by = text(o, "proposed_by");
        c.proposed_ms = integer(o, "proposed_ms").value_or(0);
        if (c.id.isEmpty() || !keep || retention_scope_problem(c.target)) continue;
        c.keep_days = *keep;
        pending_.push_back(std::move(c));
    }
    loaded_ = true;
    endResetModel();
    emit listed();
}

void RetentionPolicyModel::reload_then(const AdminReply& reply, Done done) {
    if (!reply.ok) {
        if (done) done(reply);
        return;
    }
    load([reply, done](const AdminReply&) {
        if (done) done(reply);
    });
}

void RetentionPolicyModel::set(const RetentionScope& target, std::optional<int> keep_days,
                               Done done) {
    if (const auto problem = retention_scope_problem(target))
        return done(AdminReply::refused(QStringLiteral("bad_request"), *problem));
    if (keep_days)
        if (const auto problem = days_problem(*keep_days))
            return done(AdminReply::refused(QStringLiteral("bad_request"), *problem));
    QJsonObject body = scope_body(target);
    if (keep_days)
        body.insert(QStringLiteral("keep_days"), *keep_days);
    else
        body.insert(QStringLiteral("forever"), true);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("retention.policies.set"), body,
                        [this, alive, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            reload_then(reply_of(r), done);
                        });
}

void RetentionPolicyModel::preview(const RetentionScope& target, int keep_days, PreviewDone done) {
    if (const auto problem = retention_scope_problem(target))
        return done(AdminReply::refused(QStringLiteral("bad_request"), *problem), {});
    if (const auto problem = days_problem(keep_days))
        return done(AdminReply::refused(QStringLiteral("bad_request"), *problem), {});
    QJsonObject body = scope_body(target);
    body.insert(QStringLiteral("keep_days"), keep_days);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(
        QStringLiteral("retention.preview"), body, [alive, done](const ServerResponse& r) {
            if (alive.expired()) return;
            RetentionPreview p;
            if (r.ok) {
                p.as_of_ms = integer(r.body, "as_of_ms").value_or(0);
                p.messages = integer(r.body, "messages").value_or(0);
                for (const auto& v : r.body.value(QLatin1String("groups")).toArray()) {
                    const auto o = v.toObject();
                    p.groups.push_back(
                        {text(o, "kind"), text(o, "unit"), integer(o, "messages").value_or(0),
                         integer(o, "oldest_ms").value_or(0), integer(o, "newest_ms").value_or(0)});
                }
            }
            done(reply_of(r), p);
        });
}

void RetentionPolicyModel::decide(const QString& type, const QString& change_id, Done done) {
    if (change_id.size() != 36)
        return done(AdminReply::refused(QStringLiteral("bad_request"),
                                        tr("Choose a pending change first.")));
    std::weak_ptr<bool> alive = alive_;
    connection_.request(type, QJsonObject{{QStringLiteral("change_id"), change_id}},
                        [this, alive, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            reload_then(reply_of(r), done);
                        });
}

void RetentionPolicyModel::confirm(const QString& change_id, Done done) {
    decide(QStringLiteral("retention.changes.confirm"), change_id, std::move(done));
}

void RetentionPolicyModel::reject(const QString& change_id, Done done) {
    decide(QStringLiteral("retention.changes.reject"), change_id, std::move(done));
}

}  // namespace wardline::client
