// SPDX-License-Identifier: Apache-2.0
#pragma once
// The text form of RelayedEvents as they travel between server processes in NOTIFY payloads
// on channel wardline_events (docs/architecture.md, "Several server processes"):
//
//   payload = "v1" SP NODE SP ( EVENTS / "@" ID )
//   NODE    = 1*32 lowercase hex digits: the sending process (fanout.hpp new_node_id())
//   EVENTS  = a JSON array of 1 to kMaxRelayBatch event objects
//   ID      = the decimal id of a relayed_events row holding EVENTS (for arrays too large for
//             one NOTIFY payload, migrations/0009_relayed_events.sql)
//
// An event object: {"k": KIND, "t": TARGET, "e": EVENT, "b": BODY, "x": EXCEPT, "r": REASON}
// with KIND one of "notify_user", "notify_device", "end_user", "end_device", "end_session";
// "e" and "b" (an object) only for notify_*, "r" (an EndReason name) only for end_*, "x"
// optional. The decoder refuses anything else whole: it reads what another process of ours
// wrote, so a malformed payload is a bug or a stranger on the channel, never half applied.
#include "server/identity/session_registry.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::identity {

/// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; this leaves room to spare.
inline constexpr std::size_t kMaxNotifyPayload = 7900;
/// Most events one payload (or one stored row) carries.
inline constexpr std::size_t kMaxRelayBatch = 256;
/// Most bytes a stored event array may have (the relayed_events CHECK agrees).
inline constexpr std::size_t kMaxStoredRelayBytes = 1 << 20;

std::optional<EndReason> end_reason_from(std::string_view name) noexcept;

/// One event as a JSON object (compact text, invalid UTF-8 replaced).
std::string encode_relay_event(const RelayedEvent& e);

/// A decoded payload: the sending node and either the events or the id of their stored row.
struct RelayPayload {
    std::string node;
    std::vector<RelayedEvent> events;
    std::optional<std::int64_t> stored_id;
};

/// "v1 NODE [" + the encoded events joined by commas + "]".
std::string relay_payload(std::string_view node, const std::vector<std::string>& encoded_events);
/// "v1 NODE @ID".
std::string relay_reference(std::string_view node, std::int64_t id);

/// Parses a payload; nullopt if anything about it is malformed.
std::optional<RelayPayload> decode_relay_payload(std::string_view payload);
/// Parses an EVENTS array (a stored row); nullopt if anything about it is malformed.
std::optional<std::vector<RelayedEvent>> decode_relay_events(std::string_view text);

}  // namespace wardline::server::identity
