-- SPDX-License-Identifier: Apache-2.0
-- $1 payloads (a JSON array of strings, each under 8000 bytes). One NOTIFY on channel
-- wardline_events per payload, sent after the change it reports has committed
-- (server/messaging/event_relay.cpp). A JSON array, not text[], since payloads hold JSON.
SELECT pg_notify('wardline_events', p) FROM jsonb_array_elements_text($1::jsonb) AS p
