// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who is in a conversation and, for one message, who has received, read and acknowledged it
// (docs/client.md, "Members and receipts"): a table over client::MemberReceiptsModel with a
// line that sums it up in words, Refresh and Close. Opened from the chat's Receipts button
// (one message) and Members button (the members only). The table follows the conversation
// live; nothing of the message's text is shown here.
#include "client-qt/core/member_receipts_model.hpp"

#include <QDialog>

class QLabel;
class QTableView;

namespace wardline::app {

class MemberReceiptsDialog : public QDialog {
    Q_OBJECT
public:
    /// `seq` 0 shows the members only. `heading` says which message or conversation it is.
    MemberReceiptsDialog(client::ServerConnection& connection, client::MessageRecorder& recorder,
                         const client::ColleagueDirectory& colleagues,
                         const QString& conversation_id, qint64 seq, const QString& heading,
                         QWidget* parent = nullptr);

    client::MemberReceiptsModel& model() { return model_; }
    /// The summary line ("Delivered to 3 of 3 · read by 1 · acknowledged by 1 of 3"), or what
    /// went wrong, in words.
    QString summary() const;

private:
    void update_summary();

    client::MemberReceiptsModel model_;
    QTableView* table_ = nullptr;
    QLabel* summary_ = nullptr;
};

/// The words for a refused conversations.get or receipts.get (protocol error `code`).
QString receipts_refusal_text(const QString& code);

}  // namespace wardline::app
