// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's audit trail for the compliance view (issue #6, "Compliance view: audit
// trail with filters and paging"): audit.query pages, newest first, appended one page at a
// time by fetch_older() so that a long trail is never loaded whole. Replies that arrive after
// a newer search, or after the model is gone, are dropped. Records carry ids, codes and
// reasons only (the server never writes secrets or patient data into them).
#include "client-qt/core/server_connection.hpp"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace wardline::client {

struct AuditFilter {
    QString action;    ///< e.g. "auth.login"; empty: every action
    QString actor_id;  ///< a user id; empty: everyone
    QString target_id;
    QString outcome;  ///< success, failure or denied; empty: every outcome
    std::optional<QDateTime> from;
    std::optional<QDateTime> to;
};

struct AuditRow {
    qint64 seq = 0;
    QDateTime time;
    QString actor_kind;
    QString actor_id;
    QString action;
    QString target_kind;
    QString target_id;
    QString outcome;
    QString severity;
    QString source_address;
    QString details;  ///< JSON text

    static AuditRow from_json(const QJsonObject& record);
};

class AuditRecordModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { time, actor, action, target, outcome, severity, source, column_count };

    explicit AuditRecordModel(ServerConnection& connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces the rows with the newest page matching `filter`.
    void search(const AuditFilter& filter);
    /// Appends the next older page of the same search.
    void fetch_older();
    bool has_older() const { return next_before_.has_value(); }
    bool busy() const { return busy_; }

    const AuditRow* row_at(int row) const;
    /// Forgets every row (the window locks).
    void clear();

    /// Records per audit.query page (the server allows 1 to 500).
    void set_page_size(int size) { page_size_ = size; }

signals:
    void loaded();
    void failed(const QString& code, const QString& message);

private:
    void load(std::optional<qint64> before);

    ServerConnection& connection_;
    std::vector<AuditRow> rows_;
    AuditFilter filter_;
    std::optional<qint64> next_before_;
    int page_size_ = 100;
    quint64 generation_ = 0;
    bool busy_ = false;
};

}  // namespace wardline::client
