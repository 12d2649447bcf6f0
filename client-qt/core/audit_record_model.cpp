// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/audit_record_model.hpp"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QPointer>

namespace wardline::client {

AuditRow AuditRow::from_json(const QJsonObject& r) {
    AuditRow a;
    a.seq = r.value(QLatin1String("seq")).toInteger();
    a.time = QDateTime::fromMSecsSinceEpoch(r.value(QLatin1String("time_ms")).toInteger());
    a.actor_kind = r.value(QLatin1String("actor_kind")).toString();
    a.actor_id = r.value(QLatin1String("actor_id")).toString();
    a.action = r.value(QLatin1String("action")).toString();
    a.target_kind = r.value(QLatin1String("target_kind")).toString();
    a.target_id = r.value(QLatin1String("target_id")).toString();
    a.outcome = r.value(QLatin1String("outcome")).toString();
    a.severity = r.value(QLatin1String("severity")).toString();
    a.source_address = r.value(QLatin1String("source_address")).toString();
    a.details = r.value(QLatin1String("details")).toString();
    return a;
}

AuditRecordModel::AuditRecordModel(ServerConnection& connection, QObject* parent)
    : QAbstractTableModel(parent), connection_(connection) {}

int AuditRecordModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int AuditRecordModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

const AuditRow* AuditRecordModel::row_at(int row) const {
    if (row < 0 || static_cast<std::size_t>(row) >= rows_.size()) return nullptr;
    return &rows_[static_cast<std::size_t>(row)];
}

namespace {

QString joined(const QString& kind, const QString& id) {
    if (id.isEmpty()) return kind;
    return kind.isEmpty() ? id : kind + QLatin1Char(' ') + id;
}

}  // namespace

QVariant AuditRecordModel::data(const QModelIndex& index, int role) const {
    const AuditRow* a = index.isValid() ? row_at(index.row()) : nullptr;
    if (!a) return {};
    if (role == Qt::ToolTipRole) return a->details;
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole) return {};
    switch (index.column()) {
        case time:
            return QLocale().toString(a->time.toLocalTime(), QLocale::ShortFormat);
        case actor:
            return joined(a->actor_kind, a->actor_id);
        case action:
            return a->action;
        case target:
            return joined(a->target_kind, a->target_id);
        case outcome:
            return a->outcome;
        case severity:
            return a->severity;
        case source:
            return a->source_address;
        default:
            return {};
    }
}

QVariant AuditRecordModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case time:
            return tr("Time");
        case actor:
            return tr("Who");
        case action:
            return tr("Action");
        case target:
            return tr("Target");
        case outcome:
            return tr("Outcome");
        case severity:
            return tr("Severity");
        case source:
            return tr("From");
        default:
            return {};
    }
}

void AuditRecordModel::search(const AuditFilter& filter) {
    filter_ = filter;
    beginResetModel();
    rows_.clear();
    next_before_.reset();
    endResetModel();
    load(std::nullopt);
}

void AuditRecordModel::fetch_older() {
    if (next_before_ && !busy_) load(next_before_);
}

void AuditRecordModel::clear() {
    ++generation_;
    busy_ = false;
    beginResetModel();
    rows_.clear();
    next_before_.reset();
    endResetModel();
}

void AuditRecordModel::load(std::optional<qint64> before) {
    QJsonObject body{{QStringLiteral("limit"), page_size_}};
    const auto put = [&body](const char* key, const QString& value) {
        if (!value.trimmed().isEmpty()) body.insert(QLatin1String(key), value.trimmed());
    };
    put("action", filter_.action);
    put("actor_id", filter_.actor_id);
    put("target_id", filter_.target_id);
    put("outcome", filter_.outcome);
    if (filter_.from) body.insert(QStringLiteral("from_ms"), filter_.from->toMSecsSinceEpoch());
    if (filter_.to) body.insert(QStringLiteral("to_ms"), filter_.to->toMSecsSinceEpoch());
    if (before) body.insert(QStringLiteral("before_seq"), *before);
    const quint64 generation = ++generation_;
    busy_ = true;
    QPointer<AuditRecordModel> self(this);
    connection_.request(
        QStringLiteral("audit.query"), body, [self, generation](const ServerResponse& r) {
            if (!self || generation != self->generation_) return;
            self->busy_ = false;
            if (!r.ok) {
                emit self->failed(r.error_code, r.error_message);
                return;
            }
            const auto records = r.body.value(QLatin1String("records")).toArray();
            if (!records.isEmpty()) {
                const int first = self->rowCount();
                self->beginInsertRows({}, first, first + static_cast<int>(records.size()) - 1);
                for (const auto& record : records)
                    self->rows_.push_back(AuditRow::from_json(record.toObject()));
                self->endInsertRows();
            }
            const auto next = r.body.value(QLatin1String("next_before_seq"));
            if (next.isUndefined())
                self->next_before_.reset();
            else
                self->next_before_ = next.toInteger();
            emit self->loaded();
        });
}

}  // namespace wardline::client
