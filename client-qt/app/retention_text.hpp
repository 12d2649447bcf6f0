// SPDX-License-Identifier: Apache-2.0
#pragma once
// Plain words for the retention and legal-hold views (issue #7): the names of conversation
// kinds, the dry-run report of a proposed policy, and what a refused retention.* or
// legal_holds.* request means. The four-eyes refusals (the proposer's own confirm, the asker's
// own release) come back in the server's words, which never repeat request content.
#include "client-qt/core/retention_policy_model.hpp"

#include <QString>

namespace wardline::app {

/// "Groups", "Patient threads", … for a conversation kind of the protocol.
QString kind_label(const QString& kind);

/// What the retention job would delete if `target` kept messages `keep_days` days: the total,
/// then one line per kind (and unit) with the oldest and newest affected message's date.
QString preview_report(const client::RetentionScope& target, int keep_days,
                       const client::RetentionPreview& preview);

/// The message for a refused retention or legal-hold request: the server's own sentence for
/// refusals it explains (forbidden, not_found, conflict, bad_request), else the general words.
QString retention_message_for(const QString& code, const QString& server_message);

}  // namespace wardline::app
