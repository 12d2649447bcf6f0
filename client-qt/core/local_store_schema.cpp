// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/local_store_schema.hpp"

namespace wardline::client::store_schema {

namespace {

// Version 1. Columns named "sealed" in the comments hold LocalKey::seal output bound to
// their row (row_binding.hpp); everything else is plain.
constexpr const char* v1[] = {
    // name -> value; 'key_check' (sealed) tells a wrong key from a tampered row.
    "CREATE TABLE store_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE conversations ("
    " id TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " title BLOB NOT NULL,"  // sealed
    " patient BLOB,"         // sealed JSON; NULL unless a patient thread
    " unread INTEGER NOT NULL DEFAULT 0,"
    " last_seq INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX conversations_by_update ON conversations (updated_ms DESC, id)",
    "CREATE TABLE messages ("
    " conversation_id TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " sender_user_id TEXT NOT NULL,"
    " sender_device_id TEXT NOT NULL,"
    " client_msg_id TEXT NOT NULL,"
    " server_time_ms INTEGER NOT NULL,"
    " priority INTEGER NOT NULL,"
    " state INTEGER NOT NULL,"
    " body BLOB,"  // sealed; NULL once recalled
    " PRIMARY KEY (conversation_id, seq))",
    "CREATE TABLE group_states ("
    " conversation_id TEXT PRIMARY KEY,"
    " epoch INTEGER NOT NULL,"
    " state BLOB NOT NULL)",  // sealed
    "CREATE TABLE cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)",  // sealed
    "CREATE TABLE outgoing ("
    " position INTEGER PRIMARY KEY AUTOINCREMENT,"
    " client_msg_id TEXT NOT NULL UNIQUE,"
    " conversation_id TEXT NOT NULL,"
    " priority INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " body BLOB NOT NULL,"      // sealed
    " metadata BLOB NOT NULL,"  // sealed
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '')",
};

// Version 2 (chat views): where each member has read and received a conversation up to (the
// user's own row is the user's read position, from which unread counts follow), who
// acknowledged which urgent or critical message, and escalations. Ids and numbers only.
constexpr const char* v2[] = {
    "CREATE TABLE member_positions ("
    " conversation_id TEXT NOT NULL,"
    " user_id TEXT NOT NULL,"
    " delivered_seq INTEGER NOT NULL DEFAULT 0,"
    " read_seq INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (conversation_id, user_id))",
    "CREATE TABLE message_acks ("
    " conversation_id TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " user_id TEXT NOT NULL,"
    " acknowledged_ms INTEGER NOT NULL,"
    " PRIMARY KEY (conversation_id, seq, user_id))",
    "CREATE TABLE message_escalations ("
    " conversation_id TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " escalated_ms INTEGER NOT NULL,"
    " PRIMARY KEY (conversation_id, seq))",
};

// Version 3 (the send path goes through the outgoing queue): a queued message the server
// refused for good (forbidden, not a member, ...) is kept, marked failed, until the user
// retries or discards it; it is not sent again by itself.
constexpr const char* v3[] = {
    "ALTER TABLE outgoing ADD COLUMN failed INTEGER NOT NULL DEFAULT 0",
};

constexpr Migration all[] = {{1, v1}, {2, v2}, {3, v3}};

}  // namespace

std::span<const Migration> migrations() {
    return all;
}
int latest_version() {
    return all[std::size(all) - 1].version;
}

}  // namespace wardline::client::store_schema
