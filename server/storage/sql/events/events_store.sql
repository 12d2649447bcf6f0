-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 an event array too large for a NOTIFY payload. Stores it and notifies
-- wardline_events with "v1 NODE @ID" in one statement: the notification is delivered when
-- this statement's transaction commits, so the row is visible to every listener by then.
WITH stored AS (
    INSERT INTO relayed_events (events) VALUES ($2) RETURNING id
)
SELECT pg_notify('wardline_events', 'v1 ' || $1 || ' @' || id) FROM stored
