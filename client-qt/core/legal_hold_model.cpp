// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/legal_hold_model.hpp"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace wardline::client {
namespace {

constexpr qsizetype kMaxCaseNameBytes = 200;

QString text(const QJsonObject& o, const char* name) {
    const auto v = o.value(QLatin1String(name));
    return v.isString() ? v.toString() : QString();
}

std::optional<qint64> integer(const QJsonObject& o, const char* name) {
    const auto v = o.value(QLatin1String(name));
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d < 0 || d != static_cast<double>(v.toInteger())) return std::nullopt;
    return v.toInteger();
}

AdminReply reply_of(const ServerResponse& r) {
    if (!r.ok) return AdminReply::refused(r.error_code, r.error_message);
    AdminReply ok;
    ok.ok = true;
    ok.status = text(r.body, "state");
    ok.id = text(r.body, "hold_id");
    return ok;
}

QString day(qint64 ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).date(), QLocale::ShortFormat);
}

}  // namespace

std::optional<QString> legal_hold_draft_problem(const LegalHoldDraft& d) {
    const QString name = d.case_name.trimmed();
    if (name.isEmpty()) return QObject::tr("Name the case the hold is for.");
    if (name.toUtf8().size() > kMaxCaseNameBytes)
        return QObject::tr("The case name is too long (at most 200 bytes).");
    if (d.scope == QLatin1String("user")) {
        if (d.user_id.size() != 36) return QObject::tr("Choose the user whose messages to hold.");
    } else if (d.scope == QLatin1String("conversation") ||
               d.scope == QLatin1String("patient_thread")) {
        if (d.conversation_id.size() != 36)
            return QObject::tr(
                "Enter the conversation's id (36 characters, from the audit trail).");
    } else {
        return QObject::tr(
            "Choose what the hold covers: a user, a conversation or a patient "
            "thread.");
    }
    if (d.from_ms < 0) return QObject::tr("The hold needs a start date.");
    if (d.until_ms && *d.until_ms <= d.from_ms)
        return QObject::tr("The hold must end after it starts.");
    return std::nullopt;
}

LegalHoldModel::LegalHoldModel(ServerConnection& connection, QObject* parent)
    : QAbstractListModel(parent), connection_(connection) {}

LegalHoldModel::~LegalHoldModel() {
    *alive_ = false;
}

int LegalHoldModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

void LegalHoldModel::set_name_lookup(std::function<QString(const QString&)> lookup) {
    lookup_ = std::move(lookup);
}

QString LegalHoldModel::name_of(const QString& user_id) const {
    const QString name = lookup_ ? lookup_(user_id) : QString();
    return name.isEmpty() ? user_id : name;
}

QString LegalHoldModel::state_text(const QString& state) {
    if (state == QLatin1String("active")) return tr("active");
    if (state == QLatin1String("release_pending")) return tr("release asked for, still holding");
    if (state == QLatin1String("released")) return tr("released");
    return state;
}

const LegalHold* LegalHoldModel::hold(const QString& hold_id) const {
    for (const auto& h : rows_)
        if (h.id == hold_id) return &h;
    return nullptr;
}

QVariant LegalHoldModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LegalHold& h = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole: {
            QString target;
            if (h.scope == QLatin1String("user"))
                target = tr("messages sent by %1").arg(name_of(h.user_id));
            else if (h.scope == QLatin1String("patient_thread"))
                target = tr("patient thread %1").arg(h.conversation_id);
            else
                target = tr("conversation %1").arg(h.conversation_id);
            const QString range = h.until_ms ? tr("%1 to %2").arg(day(h.from_ms), day(*h.until_ms))
                                             : tr("from %1, open-ended").arg(day(h.from_ms));
            return tr("%1: %2, %3 (%4)").arg(h.case_name, target, range, state_text(h.state));
        }
        case HoldIdRole:
            return h.id;
        case ScopeRole:
            return h.scope;
        case TargetIdRole:
            return h.scope == QLatin1String("user") ? h.user_id : h.conversation_id;
        case CaseNameRole:
            return h.case_name;
        case FromRole:
            return QDateTime::fromMSecsSinceEpoch(h.from_ms, Qt::UTC);
        case UntilRole:
            return h.until_ms ? QDateTime::fromMSecsSinceEpoch(*h.until_ms, Qt::UTC) : QDateTime();
        case StateRole:
            return h.state;
        case PlacedByRole:
            return h.placed_by;
        case ReleaseRequestedByRole:
            return h.release_requested_by;
        default:
            return {};
    }
}

QHash<int, QByteArray> LegalHoldModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(HoldIdRole, "holdId");
    names.insert(ScopeRole, "scope");
    names.insert(TargetIdRole, "targetId");
    names.insert(CaseNameRole, "caseName");
    names.insert(FromRole, "from");
    names.insert(UntilRole, "until");
    names.insert(StateRole, "state");
    names.insert(PlacedByRole, "placedBy");
    names.insert(ReleaseRequestedByRole, "releaseRequestedBy");
    return names;
}

void LegalHoldModel::load(bool include_released, Done done) {
    include_released_ = include_released;
    const int generation = ++generation_;
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("legal_holds.list"),
                        QJsonObject{{QStringLiteral("include_released"), include_released}},
                        [this, alive, generation, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            if (generation == generation_ && r.ok) take(r.body);
                            if (done) done(reply_of(r));
                        });
}

void LegalHoldModel::take(const QJsonObject& body) {
    beginResetModel();
    rows_.clear();
    for (const auto& v : body.value(QLatin1String("holds")).toArray()) {
        const auto o = v.toObject();
        LegalHold h;
        h.id = text(o, "id");
        h.scope = text(o, "scope");
        h.user_id = text(o, "user_id");
        h.conversation_id = text(o, "conversation_id");
        h.case_name = text(o, "case_name");
        const auto from = integer(o, "from_ms");
        h.until_ms = integer(o, "until_ms");
        h.placed_by = text(o, "placed_by");
        h.placed_ms = integer(o, "placed_ms").value_or(0);
        h.release_requested_by = text(o, "release_requested_by");
        h.released_by = text(o, "released_by");
        h.state = text(o, "state");
        if (h.id.isEmpty() || !from || h.state.isEmpty()) continue;
        h.from_ms = *from;
        rows_.push_back(std::move(h));
    }
    loaded_ = true;
    endResetModel();
    emit listed();
}

void LegalHoldModel::place(const LegalHoldDraft& draft, Done done) {
    if (const auto problem = legal_hold_draft_problem(draft))
        return done(AdminReply::refused(QStringLiteral("bad_request"), *problem));
    QJsonObject body{{QStringLiteral("scope"), draft.scope},
                     {QStringLiteral("case_name"), draft.case_name.trimmed()},
                     {QStringLiteral("from_ms"), draft.from_ms}};
    if (draft.scope == QLatin1String("user"))
        body.insert(QStringLiteral("user_id"), draft.user_id);
    else
        body.insert(QStringLiteral("conversation_id"), draft.conversation_id);
    if (draft.until_ms) body.insert(QStringLiteral("until_ms"), *draft.until_ms);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(
        QStringLiteral("legal_holds.place"), body, [this, alive, done](const ServerResponse& r) {
            if (alive.expired()) return;
            const AdminReply reply = reply_of(r);
            if (!reply.ok) return done(reply);
            load(include_released_, [reply, done](const AdminReply&) { done(reply); });
        });
}

void LegalHoldModel::act(const QString& type, const QString& hold_id, Done done) {
    if (hold_id.size() != 36)
        return done(AdminReply::refused(QStringLiteral("bad_request"), tr("Choose a hold first.")));
    std::weak_ptr<bool> alive = alive_;
    connection_.request(type, QJsonObject{{QStringLiteral("hold_id"), hold_id}},
                        [this, alive, done](const ServerResponse& r) {
                            if (alive.expired()) return;
                            const AdminReply reply = reply_of(r);
                            if (!reply.ok) return done(reply);
                            load(include_released_,
                                 [reply, done](const AdminReply&) { done(reply); });
                        });
}

void LegalHoldModel::release(const QString& hold_id, Done done) {
    act(QStringLiteral("legal_holds.release"), hold_id, std::move(done));
}

void LegalHoldModel::confirm_release(const QString& hold_id, Done done) {
    act(QStringLiteral("legal_holds.confirm_release"), hold_id, std::move(done));
}

}  // namespace wardline::client
