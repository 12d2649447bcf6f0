// SPDX-License-Identifier: Apache-2.0
#pragma once
// The compliance view (issue #6): the organization's audit trail with filters (action,
// outcome, who, period) and paging to older records, the details of the selected record, and
// the server's check of the whole chain (audit.verify) with its verdict in words. Shown only
// to holders of audit.read; the server checks every request again.
#include "client-qt/core/audit_record_model.hpp"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace wardline::app {

class AuditView : public QWidget {
    Q_OBJECT
public:
    explicit AuditView(client::ServerConnection& connection, QWidget* parent = nullptr);

    client::AuditRecordModel& model() { return *model_; }
    /// Searches with the filters as they are set.
    void search();
    /// Asks the server to check the chain; the verdict appears in chain_result().
    void verify_chain();
    QString chain_result() const;
    /// The last refusal or state of the list, in words.
    QString status() const;

private:
    client::AuditFilter filter() const;
    void show_details();

    client::ServerConnection& connection_;
    client::AuditRecordModel* model_ = nullptr;
    QComboBox* action_ = nullptr;
    QComboBox* outcome_ = nullptr;
    QComboBox* period_ = nullptr;
    QLineEdit* actor_ = nullptr;
    QTableView* table_ = nullptr;
    QPlainTextEdit* details_ = nullptr;
    QPushButton* older_ = nullptr;
    QPushButton* verify_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* chain_ = nullptr;
};

}  // namespace wardline::app
