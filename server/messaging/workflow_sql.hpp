// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/workflow/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::messaging::sql {

inline storage::Statement wf_message() {
    return storage::statement("workflow_message");
}
inline storage::Statement wf_read() {
    return storage::statement("workflow_read");
}
inline storage::Statement wf_user_delivered() {
    return storage::statement("workflow_user_delivered");
}
inline storage::Statement wf_senders_between() {
    return storage::statement("workflow_senders_between");
}
inline storage::Statement wf_receipts() {
    return storage::statement("workflow_receipts");
}
inline storage::Statement wf_escalation_of() {
    return storage::statement("workflow_escalation_of");
}
inline storage::Statement wf_acknowledge() {
    return storage::statement("workflow_acknowledge");
}
inline storage::Statement wf_ack_of() {
    return storage::statement("workflow_ack_of");
}
inline storage::Statement wf_recall() {
    return storage::statement("workflow_recall");
}

}  // namespace wardline::server::messaging::sql
