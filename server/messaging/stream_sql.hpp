// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/messaging/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::messaging::sql {

inline storage::Statement member_view() {
    return storage::statement("stream_member_view");
}
inline storage::Statement reader_view() {
    return storage::statement("stream_reader_view");
}
inline storage::Statement readers_of() {
    return storage::statement("stream_readers_of");
}
inline storage::Statement lock_conversations() {
    return storage::statement("stream_lock_conversations");
}
inline storage::Statement members_of() {
    return storage::statement("stream_members_of");
}
inline storage::Statement find_sent() {
    return storage::statement("stream_find_sent");
}
inline storage::Statement advance() {
    return storage::statement("stream_advance");
}
inline storage::Statement insert() {
    return storage::statement("stream_insert");
}
inline storage::Statement added_devices() {
    return storage::statement("stream_added_devices");
}
inline storage::Statement welcomes_insert() {
    return storage::statement("stream_welcomes_insert");
}
inline storage::Statement group_info_put() {
    return storage::statement("stream_group_info_put");
}
inline storage::Statement group_info_get() {
    return storage::statement("stream_group_info_get");
}
inline storage::Statement sync_cursors() {
    return storage::statement("stream_sync_cursors");
}
inline storage::Statement sync_page() {
    return storage::statement("stream_sync_page");
}
inline storage::Statement sync_welcomes() {
    return storage::statement("stream_sync_welcomes");
}
inline storage::Statement synchronous_commit() {
    return storage::statement("stream_synchronous_commit");
}
inline storage::Statement proposals_known() {
    return storage::statement("stream_proposals_known");
}
inline storage::Statement notify() {
    return storage::statement("stream_notify");
}
inline storage::Statement range() {
    return storage::statement("stream_range");
}
inline storage::Statement delivered() {
    return storage::statement("stream_delivered");
}
inline storage::Statement leaves_get() { return storage::statement("stream_leaves_get"); }
inline storage::Statement leaves_clear() { return storage::statement("stream_leaves_clear"); }
inline storage::Statement leaves_put() { return storage::statement("stream_leaves_put"); }
inline storage::Statement removals_due() { return storage::statement("stream_removals_due"); }
inline storage::Statement removals_record() {
    return storage::statement("stream_removals_record");
}
inline storage::Statement proposal_bodies() {
    return storage::statement("stream_proposal_bodies");
}

}  // namespace wardline::server::messaging::sql
