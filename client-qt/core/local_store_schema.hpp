// SPDX-License-Identifier: Apache-2.0
#pragma once
// The local store's schema and the statements whose shape matters (docs/client.md, "Local
// store"): the numbered migrations LocalStore applies in order (recorded in schema_version),
// and the paging queries, public so a test can check that they use LIMIT on the
// (conversation_id, seq) index rather than reading a conversation whole.
#include <span>

namespace wardline::client::store_schema {

struct Migration {
    int version;
    std::span<const char* const> statements;
};

/// In ascending version order; the last is the version this client writes.
std::span<const Migration> migrations();
int latest_version();

/// The columns every message query selects, in this order.
#define WARDLINE_STORE_MESSAGE_COLUMNS                                                        \
    "conversation_id, seq, sender_user_id, sender_device_id, client_msg_id, server_time_ms, " \
    "priority, state, body"

/// Binds conversation_id, seq bound, limit.
inline constexpr const char* messages_before =
    "SELECT " WARDLINE_STORE_MESSAGE_COLUMNS
    " FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?";
inline constexpr const char* messages_after =
    "SELECT " WARDLINE_STORE_MESSAGE_COLUMNS
    " FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?";

}  // namespace wardline::client::store_schema
